import type { Connection } from '../../sim/model/connection.js';
import type { Peer } from '../../sim/model/peer.js';
import { MetricsRecorder } from '../../sim/metrics/recorder.js';
import type { LogEvent } from './events.js';
import type { RealConn } from './pair.js';

/**
 * Real connections and peer events → swarmsim's own MetricsRecorder, so that summary.csv,
 * timeseries.csv and connections.csv of a real run carry the very metric definitions of a
 * simulated one. The recorder reads a handful of fields of its Peer and Connection objects; the
 * stand-ins below have exactly those. Everything after the lab's nominal duration is cut off:
 * connections still open then are `open`, as at the end of a simulated run.
 */

export interface RealPeer {
  id: string;
  group: string;
  kind: string;
  subject: boolean;
  seed: boolean;
}

export interface RecordedRun {
  summary: Record<string, number | null>;
  timeseries: number[][];
  trace: (string | number)[][];
}

const STATE_OPEN = 2;
const STATE_CLOSED = 3;

export function recordRun(peers: readonly RealPeer[], peerEvents: readonly LogEvent[], conns: readonly RealConn[], t0: number, duration: number, interval: number): RecordedRun {
  const groupNames = [...new Set(peers.map((p) => p.group))];
  const index = new Map(peers.map((p, i) => [p.id, i]));
  const fake = peers.map((p, i) => ({
    id: i,
    group: groupNames.indexOf(p.group),
    kind: { name: p.kind },
    isSubject: p.subject,
    startsAsSeed: p.seed,
    done: p.seed,
    arrivedAt: -1,
    completedAt: -1,
    aborted: false,
    behaviour: 'normal',
  }));
  // Addresses the lab did not run become peers of their own (outside any group's clients).
  const peerOf = (name: string): (typeof fake)[number] => {
    let i = index.get(name);
    if (i === undefined) {
      i = fake.length;
      index.set(name, i);
      if (!groupNames.includes('unknown')) groupNames.push('unknown');
      fake.push({ id: i, group: groupNames.indexOf('unknown'), kind: { name: 'unknown' }, isSubject: false, startsAsSeed: false, done: false, arrivedAt: -1, completedAt: -1, aborted: false, behaviour: 'normal' });
    }
    return fake[i]!;
  };
  const rec = new MetricsRecorder(fake as unknown as Peer[], groupNames, 'all', interval);
  type Step = { t: number; order: number; run: () => void };
  const steps: Step[] = [];
  const at = (t: number, order: number, run: () => void): void => {
    if (t >= 0 && t <= duration) steps.push({ t, order, run });
  };
  const rel = (t: number): number => (t < 0 ? -1 : t - t0);
  for (const e of peerEvents) {
    const p = fake[index.get(e.subject) ?? -1];
    if (!p) continue;
    const t = Math.max(0, rel(e.t));
    if (e.type === 'online') at(t, 0, () => {
      if (p.arrivedAt >= 0) return;
      p.arrivedAt = t;
      rec.peerOnline(p as unknown as Peer, t);
    });
    else if (e.type === 'completed') at(t, 5, () => {
      if (p.completedAt >= 0 || p.startsAsSeed) return;
      p.completedAt = t;
      rec.peerCompleted(p as unknown as Peer, t);
      p.done = true;
    });
    else if (e.type === 'offline') at(t, 9, () => {
      if (p.arrivedAt < 0) return;
      rec.peerOffline(p as unknown as Peer, t);
      p.arrivedAt = -2;
    });
  }
  const open: object[] = [];
  for (const c of conns) {
    const a = peerOf(c.from);
    const b = peerOf(c.to);
    const tDial = rel(c.tDial);
    if (tDial < 0 || tDial > duration) continue;
    const tClose = rel(c.tClose);
    const closedInTime = tClose >= 0 && tClose <= duration;
    const tHs = rel(c.tHandshake);
    const conn = {
      a,
      b,
      subject: a.isSubject || b.isSubject,
      pieceBytes: c.bytesFromTo + c.bytesToFrom,
      bytesAB: c.bytesFromTo,
      bytesBA: c.bytesToFrom,
      tDial,
      tConnect: rel(c.tConnect) <= duration ? rel(c.tConnect) : -1,
      tHandshake: tHs <= duration ? tHs : -1,
      tClose: closedInTime ? tClose : -1,
      outcome: closedInTime || c.outcome === 'open' ? c.outcome : 'open',
      closeReason: closedInTime ? c.closeReason : '',
      closedBy: !closedInTime ? '' : c.closedBy === 'from' ? 'a' : c.closedBy === 'to' ? 'b' : '',
      state: closedInTime ? STATE_CLOSED : STATE_OPEN,
    };
    if (conn.outcome === 'open') {
      conn.pieceBytes = c.bytesFromTo + c.bytesToFrom;
      open.push(conn);
    }
    const C = conn as unknown as Connection;
    at(tDial, 1, () => rec.attempt(C));
    if (conn.outcome === 'refused' || conn.outcome === 'timeout') at(tClose, 3, () => rec.connectFailure(C, tClose, conn.outcome as 'refused' | 'timeout'));
    else if (conn.outcome === 'handshake_failed') at(tClose, 3, () => rec.handshakeFailure(C));
    else {
      if (conn.tHandshake >= 0) at(conn.tHandshake, 2, () => rec.handshake(C));
      if (conn.state === STATE_CLOSED && conn.tHandshake >= 0) {
        // A close neither end explained: closed with no reason given, as far as anyone can tell.
        if (conn.closeReason === '') conn.closeReason = 'dropped';
        at(tClose, 4, () => rec.close(C, tClose, conn.closeReason as never, 0));
      }
    }
  }
  for (let t = interval; t <= duration + 1e-9; t += interval) at(t, 10, () => rec.sample(t));
  steps.sort((x, y) => x.t - y.t || x.order - y.order);
  for (const s of steps) s.run();
  const summary = rec.finish(duration, open as unknown as Connection[]);
  // Protocol bytes are not in the logs: not measured, so not defined (empty cell), not zero.
  for (const k of Object.keys(summary)) if (k.endsWith('_overhead_bytes')) summary[k] = null;
  return { summary, timeseries: rec.timeseries, trace: rec.trace };
}
