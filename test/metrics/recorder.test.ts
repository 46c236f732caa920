import { describe, expect, it } from 'vitest';
import { ConnState, type Connection } from '../../sim/model/connection.js';
import type { Peer } from '../../sim/model/peer.js';
import { TIMESERIES_COLUMNS } from '../../sim/metrics/columns.js';
import { MetricsRecorder, type TraceMode } from '../../sim/metrics/recorder.js';
import type { CloseReason } from '../../sim/policies/policy.js';

/**
 * MetricsRecorder driven by synthetic events, no swarm: each SPEC metric from a sequence whose
 * answer is known by hand.
 */
type FakePeer = Pick<Peer, 'id' | 'group' | 'isSubject' | 'done' | 'arrivedAt' | 'startsAsSeed' | 'aborted' | 'behaviour' | 'completedAt'> & { kind: { name: string } };

function peer(id: number, over: Partial<FakePeer> = {}): Peer {
  return { id, group: over.isSubject ? 0 : 1, isSubject: false, done: false, arrivedAt: 0, startsAsSeed: false, aborted: false, behaviour: 'normal', completedAt: -1, kind: { name: 'transmission' }, ...over } as unknown as Peer;
}

function conn(a: Peer, b: Peer, over: Partial<Connection> = {}): Connection {
  return {
    a,
    b,
    subject: a.isSubject || b.isSubject,
    pieceBytes: 0,
    bytesAB: 0,
    bytesBA: 0,
    closedBy: '',
    tDial: 0,
    tConnect: -1,
    tHandshake: -1,
    tClose: -1,
    outcome: 'open',
    closeReason: '',
    state: ConnState.Closed,
    ...over,
  } as unknown as Connection;
}

function recorder(peers: Peer[], opts: { trace?: TraceMode; duration?: number; interval?: number } = {}): MetricsRecorder {
  return new MetricsRecorder(peers, ['subject', 'others'], opts.trace ?? 'none', opts.interval ?? 60);
}

/** A handshake at t0 closed at t1 with `bytes` piece bytes. */
function handshaked(r: MetricsRecorder, c: Connection, t1: number, reason: CloseReason, bytes = 0, overhead = 1000): void {
  r.attempt(c);
  r.handshake(c);
  (c as { pieceBytes: number }).pieceBytes = bytes;
  r.close(c, t1, reason, overhead);
}

describe('MetricsRecorder', () => {
  it('counts attempts, failures by reason, handshakes, wasted by close reason, useful ratio and overhead', () => {
    const s = peer(0, { isSubject: true, done: true });
    const o = peer(1, { done: true });
    const l = peer(2);
    const r = recorder([s, o, l]);
    r.attempt(conn(s, o));
    r.connectFailure(conn(s, o), 1, 'refused');
    r.attempt(conn(o, l));
    r.connectFailure(conn(o, l), 30, 'timeout');
    handshaked(r, conn(s, o), 2, 'seed_seed', 0, 1500);
    handshaked(r, conn(s, l), 9, 'idle', 5 * 16384, 999);
    handshaked(r, conn(o, l), 9, 'seed_seed', 0, 700);
    const m = r.finish(3600, []);
    expect([m.subject_connect_attempts, m.swarm_connect_attempts]).toEqual([3, 5]);
    expect([m.subject_connect_failures_refused, m.subject_connect_failures_timeout, m.swarm_connect_failures_timeout]).toEqual([1, 0, 1]);
    expect([m.subject_handshakes, m.swarm_handshakes]).toEqual([2, 3]);
    expect([m.subject_wasted_handshakes, m.swarm_wasted_handshakes, m.swarm_wasted_handshakes_seed_seed, m.swarm_wasted_handshakes_idle]).toEqual([1, 2, 2, 0]);
    expect([m.subject_useful_ratio, m.swarm_useful_ratio]).toEqual([0.5, 1 / 3]);
    // Overhead counts only connections that became wasted handshakes.
    expect([m.subject_overhead_bytes, m.swarm_overhead_bytes]).toEqual([1500, 2200]);
    expect(m.swarm_piece_bytes).toBe(5 * 16384);
    expect(m.swarm_wasted_handshakes_per_hour).toBe(2);
  });

  it('repeat_wasted: a pair whose previous wasted handshake is under an hour old, in either direction', () => {
    const a = peer(0, { isSubject: true });
    const b = peer(1);
    const r = recorder([a, b], { duration: 4 * 3600 });
    handshaked(r, conn(a, b, { tDial: 0 }), 10, 'seed_seed');
    handshaked(r, conn(b, a, { tDial: 100 }), 110, 'seed_seed'); // 100 s later, other direction: repeat
    handshaked(r, conn(a, b, { tDial: 200 }), 210, 'seed_seed', 16384); // useful: neither repeat nor a reset
    handshaked(r, conn(a, b, { tDial: 3800 }), 3810, 'seed_seed'); // 3700 s after the last wasted one
    handshaked(r, conn(a, b, { tDial: 3900 }), 3910, 'seed_seed');
    const m = r.finish(4 * 3600, []);
    expect(m.subject_wasted_handshakes).toBe(4);
    expect(m.subject_repeat_wasted).toBe(2);
  });

  it('churn per peer-minute uses each group its own online time', () => {
    const s = peer(0, { isSubject: true });
    const o = peer(1);
    const r = recorder([s, o], { duration: 1200 });
    r.peerOnline(s, 0);
    r.peerOnline(o, 0);
    r.peerOffline(o, 600); // swarm: 1200 + 600 peer-seconds = 30 peer-minutes
    for (let i = 0; i < 3; i++) handshaked(r, conn(s, o, { tDial: i }), i + 1, 'idle');
    handshaked(r, conn(o, o), 5, 'idle'); // not the subject's
    const m = r.finish(1200, []);
    expect(m.subject_peer_seconds).toBe(1200);
    expect(m.swarm_peer_seconds).toBe(1800);
    expect(m.subject_churn_per_peer_min).toBeCloseTo(3 / 20, 12);
    expect(m.swarm_churn_per_peer_min).toBeCloseTo(4 / 30, 12);
  });

  it('completion from arrival, convergence and the completed fraction leave out ghosts, aborts and initial seeds', () => {
    const seed = peer(0, { startsAsSeed: true, done: true });
    const early = peer(1, { arrivedAt: 100, completedAt: 400 });
    const late = peer(2, { arrivedAt: 1000, completedAt: 1100 });
    const ghost = peer(3, { behaviour: 'ghost' });
    const quit = peer(4, { aborted: true });
    const slow = peer(5, { arrivedAt: 50 });
    const peers = [seed, early, late, ghost, quit, slow];
    const r = recorder(peers);
    r.peerCompleted(early, 400);
    r.peerCompleted(late, 1100);
    let m = r.finish(3600, []);
    expect([m.swarm_completion_s_p50, m.swarm_completion_s_max]).toEqual([200, 300]);
    expect(m.swarm_completion_s_p90).toBeCloseTo(100 + 0.9 * 200, 12);
    expect(m.swarm_completed_fraction).toBeCloseTo(2 / 3, 12);
    expect(m.swarm_convergence_s).toBeNull();
    (slow as { completedAt: number }).completedAt = 2000;
    m = recorder(peers).finish(3600, []);
    expect(m.swarm_convergence_s).toBe(2000);
    expect(m.subject_completed_fraction).toBeNull(); // no subject leechers
  });

  it('time series: per-interval counts, running totals, churn per interval; settle_s from it', () => {
    const s = peer(0, { isSubject: true });
    const o = peer(1);
    const r = recorder([s, o], { duration: 600, interval: 60 });
    r.peerOnline(s, 0);
    r.peerOnline(o, 0);
    // 10 closes in the first minute, then 2 a minute (the churn settles at minute 2).
    for (let i = 0; i < 10; i++) handshaked(r, conn(s, o, { tDial: i }), i + 0.5, 'idle');
    r.sample(60);
    for (let k = 1; k < 10; k++) {
      for (let i = 0; i < 2; i++) handshaked(r, conn(s, o, { tDial: 60 * k + i }), 60 * k + i + 0.5, 'idle');
      r.sample(60 * (k + 1));
    }
    const col = (name: string) => r.timeseries.map((row) => row[TIMESERIES_COLUMNS.indexOf(name)]);
    expect(r.timeseries).toHaveLength(10);
    expect(col('t')).toEqual([60, 120, 180, 240, 300, 360, 420, 480, 540, 600]);
    expect(col('swarm_wasted_handshakes').slice(0, 3)).toEqual([10, 2, 2]);
    expect(col('swarm_wasted_handshakes_total').slice(0, 3)).toEqual([10, 12, 14]);
    expect(col('swarm_closed_connections')[1]).toBe(2);
    expect(col('swarm_churn_per_peer_min')[0]).toBe(5); // 10 closes over 2 peer-minutes
    expect(col('swarm_churn_per_peer_min')[1]).toBe(1);
    expect(col('swarm_online_peers')[0]).toBe(2);
    const m = r.finish(600, []);
    expect(m.swarm_settle_s).toBe(60);
  });

  it('traces subject connections only in subject mode, and open ones at the end as open', () => {
    const s = peer(0, { isSubject: true });
    const o = peer(1);
    const r = recorder([s, o], { trace: 'subject' });
    handshaked(r, conn(s, o, { tDial: 1, tConnect: 1.1, tHandshake: 1.2, tClose: 5, outcome: 'wasted', closeReason: 'seed_seed', closedBy: 'a' }), 5, 'seed_seed');
    handshaked(r, conn(o, o), 5, 'idle');
    const open = conn(o, s, { tDial: 7, tConnect: 7.1, tHandshake: 7.2, state: ConnState.Open });
    r.finish(3600, [open]);
    expect(r.trace).toHaveLength(2);
    expect(r.trace[0]!.slice(0, 4)).toEqual([1, 1.1, 1.2, 5]);
    expect(r.trace[0]!.slice(10, 13)).toEqual(['wasted', 'seed_seed', 'from']);
    expect(r.trace[1]!.slice(3, 7)).toEqual(['', 1, 0, 'others']);
    expect(r.trace[1]![10]).toBe('open');
  });
});
