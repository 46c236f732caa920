import { describe, expect, it } from 'vitest';
import { RQBIT } from '../../sim/model/client-kind.js';
import { RqbitPolicy, rqbit } from '../../sim/policies/clients/rqbit.js';
import type { RemoteState } from '../../sim/policies/policy.js';
import { Source } from '../../sim/policies/source.js';
import { Harness, closesAfterHandshake, dead, hostView, weCloseAfterHandshake, type Behaviour } from './harness.js';

const nominal = (): RqbitPolicy => new RqbitPolicy(false);
const FULL: RemoteState = { via: 'bitfield', seed: true, uploadOnly: true };

/** Gaps between a failure (dial + 10 s connect timeout) and the next dial. */
function waits(dials: number[]): number[] {
  return dials.slice(1).map((t, i) => t - ((dials[i] as number) + 10));
}

describe('rqbit: backoff (stats/atomic.rs backoff(), backon ExponentialBackoff)', () => {
  it('a dead peer waits 10, 60, 360, 2160, then 3600 s after each failure, and is dropped when the next wait would pass 24 h', () => {
    const h = new Harness(nominal(), { pulse: 1, connectTimeout: 10 });
    h.addRemote(1, dead);
    h.run(100_000);
    const w = waits(h.dialTimes(1));
    expect(w.slice(0, 6)).toEqual([10, 60, 360, 2160, 3600, 3600]);
    // 10 + 60 + 360 + 2160 = 2590, then 3600 s while the sum stays ≤ 86 400: 23 more.
    expect(w.length).toBe(27);
    expect(w.reduce((a, b) => a + b, 0)).toBe(2590 + 23 * 3600);
    expect(h.policy.get(1)).toBeUndefined(); // drop_peer
  });

  it('a dropped peer listed again starts afresh (add_if_not_seen finds no entry)', () => {
    const h = new Harness(nominal(), { pulse: 1, connectTimeout: 10 });
    h.addRemote(1, dead);
    h.run(100_000);
    const before = h.dialTimes(1).length;
    h.at(100_000, () => h.policy.learn(1, Source.Tracker, {}, 100_000));
    h.run(100_100);
    expect(h.dialTimes(1).slice(before)).toEqual([100_001, 100_021, 100_091]); // 10, then 60 again
  });

  it('jitter adds U(0, 1) × the delay: each wait within [d, 2d)', () => {
    const h = new Harness(rqbit.create({}), { pulse: 1, connectTimeout: 10 });
    h.addRemote(1, dead);
    h.run(20_000);
    const w = waits(h.dialTimes(1));
    [10, 60, 360, 2160, 3600].forEach((d, i) => {
      expect(w[i]).toBeGreaterThanOrEqual(d);
      expect(w[i]).toBeLessThanOrEqual(2 * d + 1); // + the 1 s pulse grid
    });
    expect(new Set(w.slice(0, 4).map((x, i) => x / [10, 60, 360, 2160][i]!)).size).toBeGreaterThan(1);
  });

  it('a listing of a known peer changes nothing: a tracker announce does not cut a wait short', () => {
    const h = new Harness(nominal(), { pulse: 1, connectTimeout: 10 });
    h.addRemote(1, dead);
    for (const t of [30, 50, 200]) h.at(t, () => h.policy.learn(1, Source.Tracker, {}, t));
    h.run(500);
    expect(h.dialTimes(1)).toEqual([0, 20, 90, 460]);
  });
});

describe('rqbit: what resets the backoff, and what is never retried (live/mod.rs on_peer_died)', () => {
  it('the remote closes fruitless connections: the waits grow; a connection with piece data resets them', () => {
    // dials 0-2 fruitless, dial 3 moves a piece, then fruitless again
    const b: Behaviour = (n) => ({ type: 'connect', handshakeAfter: 1, dataAt: n === 3 ? [1] : [], closeAfter: 2 });
    const h = new Harness(nominal(), { pulse: 1 });
    h.addRemote(1, b);
    h.run(3000);
    const d = h.dialTimes(1);
    const gaps = d.slice(1).map((t, i) => t - ((d[i] as number) + 3)); // close 3 s after each dial
    expect(gaps.slice(0, 5)).toEqual([10, 60, 360, 10, 60]);
  });

  it('a completed handshake does not reset it (unlike WebTorrent)', () => {
    const h = new Harness(nominal(), { pulse: 1 });
    h.addRemote(1, closesAfterHandshake(1, 1));
    h.run(3000);
    const d = h.dialTimes(1);
    expect(d.slice(1).map((t, i) => t - ((d[i] as number) + 2))).toEqual([10, 60, 360, 2160]);
  });

  it("this client's own close (seed-to-seed while finished) ends the task Ok: never dialled again, listings or not", () => {
    const h = new Harness(nominal(), { pulse: 1, done: true });
    h.addRemote(1, weCloseAfterHandshake(1, 0, [FULL]));
    for (const t of [600, 1800, 3600]) h.at(t, () => h.policy.learn(1, Source.Tracker, {}, t));
    h.run(7200);
    expect(h.dialTimes(1)).toEqual([0]);
    expect(h.policy.eligibleAt(h.info(1), h.host)).toBe(Infinity);
  });

  it('a finished client does not re-queue a peer that died with an error', () => {
    const h = new Harness(nominal(), { pulse: 1, done: true, connectTimeout: 10 });
    h.addRemote(1, dead);
    h.run(7200);
    expect(h.dialTimes(1)).toEqual([0]);
  });

  it('a peer first seen on an incoming connection is never dialled, even when a tracker lists it', () => {
    const p = nominal();
    const host = hostView({ now: 10 });
    const info = p.learn(1, Source.Incoming, {}, 0)!;
    p.onIncoming(info, 0);
    p.onHandshake(info, 1, false);
    p.onClose(info, 5, { reason: 'peer_left', byUs: false, severity: 'normal', pieceBytes: 0, outgoing: false });
    p.learn(1, Source.Tracker, {}, 10);
    expect(p.eligibleAt(info, host)).toBe(Infinity);
    expect(p.select(host, 10, new Int32Array(10))).toBe(0);
  });

  it('a bad piece is an error, not a ban: the peer is retried after the backoff', () => {
    const p = nominal();
    const host = hostView({ now: 0 });
    const info = p.learn(1, Source.Tracker, {}, 0)!;
    expect(p.select(host, 10, new Int32Array(10))).toBe(1);
    p.onDial(info, 0);
    p.onHandshake(info, 1, true);
    p.onClose(info, 5, { reason: 'banned', byUs: true, severity: 'peer_error', pieceBytes: 0, outgoing: true });
    expect(info.banned).toBe(false);
    expect(p.eligibleAt(info, host)).toBe(15);
  });
});

describe('rqbit client kind', () => {
  it('128 peers in all (the semaphore), 10 s connect timeout, seed-to-seed closed on the bitfield', () => {
    expect(RQBIT.dialBudget({ handshaked: 0, sockets: 0, done: false, stealsSocketSlots: false })).toBe(128);
    expect(RQBIT.dialBudget({ handshaked: 100, sockets: 120, done: true, stealsSocketSlots: false })).toBe(8);
    expect(RQBIT.connectTimeout).toBe(10);
    expect(RQBIT.seedSeedDelay(true)).toBe(0);
    expect(RQBIT.closesOnLtepUploadOnly).toBe(false);
  });
});
