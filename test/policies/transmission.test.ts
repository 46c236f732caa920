import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../sim/engine/random.js';
import type { RemoteState } from '../../sim/policies/policy.js';
import { Source } from '../../sim/policies/source.js';
import { transmission40 } from '../../sim/policies/clients/transmission-4.0.js';
import { transmission41 } from '../../sim/policies/clients/transmission-4.1.js';
import {
  TRANSMISSION_INTERVALS,
  TransmissionInfo,
  TransmissionPolicy,
  transmissionInterval,
} from '../../sim/policies/clients/transmission-common.js';
import { transmissionMain2023 } from '../../sim/policies/clients/transmission-main-2023.js';
import { Harness, closesAfterHandshake, dead, hostView, weCloseAfterHandshake, type Behaviour } from './harness.js';

const make41 = (): TransmissionPolicy => transmission41.create({}) as unknown as TransmissionPolicy;
const makeMain = (): TransmissionPolicy => transmissionMain2023.create({}) as unknown as TransmissionPolicy;
const make40 = (): TransmissionPolicy => transmission40.create({}) as unknown as TransmissionPolicy;

/** Gaps between each close (at dial + 2) and the next dial. */
function gapsAfterClose(dials: number[], connLength = 2): number[] {
  const gaps: number[] = [];
  for (let i = 1; i < dials.length; i++) gaps.push((dials[i] as number) - ((dials[i - 1] as number) + connLength));
  return gaps;
}

describe('reconnect interval table (§1)', () => {
  it('is 0, 10, 120, 900, 1800, 3600, 7200 by step, 7200 beyond', () => {
    expect(TRANSMISSION_INTERVALS).toEqual([0, 10, 120, 900, 1800, 3600, 7200]);
    expect([0, 1, 2, 3, 4, 5, 6, 7, 50, 255].map(transmissionInterval)).toEqual([
      0, 10, 120, 900, 1800, 3600, 7200, 7200, 7200, 7200,
    ]);
  });

  it('counts from max(attemptedAt, changedAt), +2 steps when unreachable, 5 s after recent data', () => {
    const p = make41();
    const info = p.learn(1, Source.Tracker, {}, 0) as TransmissionInfo;
    const h = hostView({ now: 1000 });
    expect(p.eligibleAt(info, h)).toBe(0);
    info.fails = 1;
    info.attemptedAt = 500;
    info.changedAt = 700;
    expect(p.eligibleAt(info, h)).toBe(710);
    info.connectable = false;
    expect(p.eligibleAt(info, h)).toBe(700 + 900);
    info.connectable = true;
    info.pieceDataAt = 698;
    expect(p.eligibleAt(info, hostView({ now: 705 }))).toBe(705); // 700 + 5 ≤ 698 + 10
    // Once more than 10 s have passed since the data, the table applies again.
    expect(p.eligibleAt(info, hostView({ now: 709 }))).toBe(710);
    info.pieceDataAt = 690; // 700 + 5 > 700: window already gone; max(710, 701)
    expect(p.eligibleAt(info, hostView({ now: 705 }))).toBe(710);
    info.connectable = false; // unreachable: no 5 s rule
    info.pieceDataAt = 699;
    expect(p.eligibleAt(info, hostView({ now: 705 }))).toBe(1600);
  });

  it('stores whole seconds (tr_time)', () => {
    const p = make41();
    const info = p.learn(1, Source.Tracker, {}, 0) as TransmissionInfo;
    p.onDial(info, 12.7);
    expect(info.attemptedAt).toBe(12);
  });
});

describe('transmission-4.1 anchors (§9)', () => {
  it('fruitless remote close: fails 1, re-eligible 10 s after the close, then 120, 900, 1800, 3600, 7200', () => {
    const h = new Harness(make41(), { pulse: 0.5 });
    h.addRemote(1, closesAfterHandshake(1, 1));
    h.run(30000);
    expect(h.dialTimes(1)).toEqual([0, 12, 134, 1036, 2838, 6440, 13642, 20844, 28046]);
    expect(gapsAfterClose(h.dialTimes(1))).toEqual([10, 120, 900, 1800, 3600, 7200, 7200, 7200]);
  });

  it('counter transitions: +1 on remote close, unchanged on own close, 0 after data', () => {
    const p = make41();
    const info = p.learn(1, Source.Tracker, {}, 0) as TransmissionInfo;
    const close = (byUs: boolean, pieceBytes: number, t: number): void => {
      p.onDial(info, t);
      p.onHandshake(info, t + 1, true);
      if (pieceBytes > 0) p.onPieceData(info, t + 1);
      p.onClose(info, t + 2, { reason: byUs ? 'idle' : 'peer_left', byUs, severity: 'normal', pieceBytes, outgoing: true });
    };
    close(false, 0, 0);
    expect(info.fails).toBe(1);
    close(false, 0, 100);
    expect(info.fails).toBe(2);
    close(true, 0, 1000);
    expect(info.fails).toBe(2); // own close: unchanged (#7238)
    p.onDial(info, 2000);
    p.onHandshake(info, 2001, true);
    expect(info.fails).toBe(2); // connect leaves it (#6917)
    p.onClose(info, 2002, { reason: 'peer_left', byUs: false, severity: 'normal', pieceBytes: 0, outgoing: true });
    expect(info.fails).toBe(3); // the remote closed: got_error → disconnect_soon
    close(false, 1000, 3000);
    expect(info.fails).toBe(0);
    // Saturates at 255.
    info.fails = 255;
    p.onDial(info, 9000);
    p.onConnectFailure(info, 9030, 'timeout');
    expect(info.fails).toBe(255);
  });

  it('piece data resets to 0 with 5 s intervals for 10 s', () => {
    let n = 0;
    const b: Behaviour = () => {
      n++;
      // 3rd connection moves data 1 s after the handshake, then the remote closes.
      return {
        type: 'connect',
        handshakeAfter: 1,
        dataAt: n === 3 ? [1] : [],
        closeAfter: 2,
        close: { reason: 'peer_left', byUs: false, severity: 'normal' },
      };
    };
    const h = new Harness(make41(), { pulse: 0.5 });
    h.addRemote(1, b);
    h.run(400);
    // dial 0 → close 3 (1) → 13 → close 16 (2) → 136 → data 138, close 139 (0) → 144 (5 s)
    // → close 147, no data → fails 1 → 157 → close 160 (2) → 280
    expect(h.dialTimes(1)).toEqual([0, 13, 136, 144, 157, 280]);
    expect((h.info(1) as TransmissionInfo).fails).toBe(3);
  });

  it('we-closed fruitless connections leave the count at 0 (the seed that closes first)', () => {
    const h = new Harness(make41(), { pulse: 0.5 });
    h.addRemote(1, weCloseAfterHandshake(1, 1));
    h.run(10);
    expect(h.dialTimes(1)).toEqual([0, 2, 4, 6, 8, 10]);
  });

  it('dead unreachable peer waits 900, 1800, 3600, then 7200 s from each attempt start', () => {
    const h = new Harness(make41(), { pulse: 0.5, connectTimeout: 30 });
    h.addRemote(1, dead);
    h.run(30000);
    expect(h.dialTimes(1)).toEqual([0, 900, 2700, 6300, 13500, 20700, 27900]);
    expect(h.info(1).connectable).toBe(false);
  });

  it('done client: upload-only peers skipped only without PEX; state persisted from the connection', () => {
    const upOnly: RemoteState = { via: 'ltep', seed: false, uploadOnly: true };
    for (const pex of [true, false]) {
      const h = new Harness(make41(), { pulse: 0.5, done: true, pexAllowed: pex });
      h.addRemote(1, weCloseAfterHandshake(1, 1, [upOnly]));
      h.run(100);
      expect(h.dialTimes(1).length).toBe(pex ? 51 : 1);
    }
    const p = make41();
    const info = p.learn(1, Source.Pex, { seed: true }, 0) as TransmissionInfo;
    expect(info.uploadOnly).toBe(true);
    expect(p.eligibleAt(info, hostView({ done: true, pexAllowed: false }))).toBe(Infinity);
    expect(p.eligibleAt(info, hostView({ done: true, pexAllowed: true }))).toBe(0);
    expect(p.eligibleAt(info, hostView({ done: false, pexAllowed: false }))).toBe(0);
    // Bitfield sets and clears seed; LTEP upload_only=0 clears upload_only.
    p.onRemoteState(info, 1, { via: 'ltep', seed: false, uploadOnly: false });
    p.onRemoteState(info, 1, { via: 'bitfield', seed: true, uploadOnly: true });
    expect([info.uploadOnly, info.seed]).toEqual([false, true]);
    p.onRemoteState(info, 2, { via: 'bitfield', seed: false, uploadOnly: false });
    expect(info.seed).toBe(false);
  });

  it('prunes the pool every 60 s above 3 × peer_limit, keeping in-use and useful entries (its own timer)', () => {
    const p = make41();
    const h = hostView({ peerLimit: 2, now: 0 }); // cap 6 while downloading
    for (let r = 1; r <= 10; r++) p.learn(r, r <= 5 ? Source.Pex : Source.Tracker, {}, 0);
    const busy = p.get(1) as TransmissionInfo;
    p.onDial(busy, 0);
    const good = p.get(2) as TransmissionInfo;
    good.pieceDataAt = 30;
    expect(p.maintain({ ...h, now: 0 })).toBe(60);
    expect(p.maintain({ ...h, now: 59 })).toBe(60);
    expect(p.size()).toBe(10);
    expect(p.maintain({ ...h, now: 60 })).toBe(120);
    expect(p.size()).toBe(6);
    // Kept: in use (1), recent data (2), then tracker (from_best 2) over PEX (4) by remote id.
    const kept = [...Array(10).keys()].map((i) => i + 1).filter((r) => p.get(r) !== undefined);
    expect(kept).toEqual([1, 2, 6, 7, 8, 9]);
    // Not again before the next 60 s mark.
    for (let r = 11; r <= 20; r++) p.learn(r, Source.Dht, {}, 61);
    expect(p.maintain({ ...h, now: 100 })).toBe(120);
    expect(p.size()).toBe(16);
    expect(p.maintain({ ...h, now: 120 })).toBe(180);
    expect(p.size()).toBe(6);
    // Dialling does not prune (that was the bug: a client at its peer limit never pruned).
    for (let r = 21; r <= 30; r++) p.learn(r, Source.Dht, {}, 121);
    p.select({ ...h, now: 180 }, 0, new Int32Array(50));
    expect(p.size()).toBe(16);
  });

  it('4.0 and main-2023 have no pruning timer', () => {
    for (const p of [make40(), makeMain()]) expect(p.maintain(hostView({ peerLimit: 2, now: 0 }))).toBe(Infinity);
  });
});

describe('transmission-main-2023 anchors (§9)', () => {
  it('fruitless close: count stays 0, re-dialled every 500 ms pulse indefinitely (#6910)', () => {
    const h = new Harness(makeMain(), { pulse: 0.5 });
    h.addRemote(1, closesAfterHandshake(0.5, 0.25));
    h.run(100);
    const d = h.dialTimes(1);
    expect(d.length).toBe(101);
    expect(d.slice(0, 5)).toEqual([0, 1, 2, 3, 4]); // close at dial + 0.5, re-dial on the next pulse
    expect((h.info(1) as TransmissionInfo).fails).toBe(0);
  });

  it('validation §7: at most 2 dials/s per peer, at most 9 per pulse, from a 36-entry cache', () => {
    const h = new Harness(makeMain(), { pulse: 0.5, peerLimit: 200 });
    for (let r = 1; r <= 60; r++) h.addRemote(r, closesAfterHandshake(0.1, 0.1));
    h.run(60);
    const perPulse = new Map<number, number>();
    for (let r = 1; r <= 60; r++) {
      const d = h.dialTimes(r);
      for (let i = 1; i < d.length; i++) expect((d[i] as number) - (d[i - 1] as number)).toBeGreaterThanOrEqual(0.5);
      for (const t of d) perPulse.set(t, (perPulse.get(t) ?? 0) + 1);
    }
    expect(Math.max(...perPulse.values())).toBe(9);
    // 9 dials on every pulse: the loop saturates the rate.
    expect(perPulse.size).toBe(121);
    // Every peer keeps being re-dialled (the cache cycles through all 60).
    for (let r = 1; r <= 60; r++) expect(h.dialTimes(r).length).toBeGreaterThan(10);
  });

  it('also for own closes and against a seed met on the connection (flag not persisted)', () => {
    const seed: RemoteState = { via: 'bitfield', seed: true, uploadOnly: true };
    const h = new Harness(makeMain(), { pulse: 0.5, done: true });
    h.addRemote(1, weCloseAfterHandshake(1, 1, [seed]));
    h.run(60);
    expect(h.dialTimes(1).length).toBe(31);
    expect(h.info(1).seed).toBe(false);
  });

  it('handshake failures still count', () => {
    const h = new Harness(makeMain(), { pulse: 0.5 });
    h.addRemote(1, () => ({ type: 'handshake-fail', after: 1, readAnything: true }));
    h.run(2000);
    expect(h.dialTimes(1)).toEqual([0, 10, 130, 1030]);
    expect((h.info(1) as TransmissionInfo).fails).toBe(4);
  });

  it('a PEX seed flag excludes the peer for a done client; a tracker re-listing clears it', () => {
    const p = makeMain();
    const info = p.learn(1, Source.Pex, { seed: true }, 0) as TransmissionInfo;
    expect(p.eligibleAt(info, hostView({ done: true }))).toBe(Infinity);
    p.learn(1, Source.Tracker, {}, 5);
    expect(p.eligibleAt(info, hostView({ done: true }))).toBe(0);
  });

  it('unreachable peers are never candidates, until a PEX connectable flag', () => {
    const h = new Harness(makeMain(), { pulse: 0.5 });
    h.addRemote(1, dead);
    h.run(20000);
    expect(h.dialTimes(1)).toEqual([0]);
    h.at(20000, () => h.policy.learn(1, Source.Pex, { connectable: true }, 20000));
    h.run(20000.5);
    expect(h.dialTimes(1)).toEqual([0, 20000.5]);
  });
});

describe('transmission-4.0 anchors (§9)', () => {
  it('10 s, 120 s, 900 s… after a remote close', () => {
    const h = new Harness(make40(), { pulse: 0.5 });
    h.addRemote(1, closesAfterHandshake(1, 1));
    h.run(7000);
    expect(gapsAfterClose(h.dialTimes(1))).toEqual([10, 120, 900, 1800, 3600]);
  });

  it('the same waits after our own close', () => {
    const h = new Harness(make40(), { pulse: 0.5 });
    h.addRemote(1, weCloseAfterHandshake(1, 1));
    h.run(7000);
    expect(gapsAfterClose(h.dialTimes(1))).toEqual([10, 120, 900, 1800, 3600]);
  });

  it('one unreachable failure removes the peer for good', () => {
    const h = new Harness(make40(), { pulse: 0.5 });
    h.addRemote(1, dead);
    h.run(50000);
    expect(h.dialTimes(1)).toEqual([0]);
    // Not even a PEX connectable flag brings it back in 4.0.6.
    h.at(50000, () => h.policy.learn(1, Source.Pex, { connectable: true }, 50000));
    h.run(60000);
    expect(h.dialTimes(1)).toEqual([0]);
  });

  it('a local stop does not count; data resets', () => {
    const p = make40();
    const info = p.learn(1, Source.Tracker, {}, 0) as TransmissionInfo;
    p.onDial(info, 0);
    p.onHandshake(info, 1, true);
    p.onClose(info, 2, { reason: 'local_left', byUs: true, severity: 'normal', pieceBytes: 0, outgoing: true });
    expect(info.fails).toBe(0);
    p.onDial(info, 3);
    p.onHandshake(info, 4, true);
    p.onClose(info, 5, { reason: 'too_many_peers', byUs: true, severity: 'normal', pieceBytes: 0, outgoing: true });
    expect(info.fails).toBe(1);
    p.onDial(info, 20);
    p.onHandshake(info, 21, true);
    p.onPieceData(info, 22);
    p.onClose(info, 23, { reason: 'idle', byUs: true, severity: 'normal', pieceBytes: 100, outgoing: true });
    expect(info.fails).toBe(0);
  });

  it('takes 6 per pulse and re-ranks every pulse (no cache)', () => {
    const p = make40();
    for (let r = 1; r <= 20; r++) p.learn(r, Source.Tracker, {}, 0);
    const out = new Int32Array(50);
    expect(p.select(hostView({ now: 0 }), 50, out)).toBe(6);
    expect(p.cachedRemaining()).toBe(0);
    p.learn(99, Source.Tracker, { connectable: true }, 0.1);
    expect(p.select(hostView({ now: 0.5 }), 50, out)).toBe(6);
    expect(out[0]).toBe(99); // a better new peer is seen at once
  });
});

describe('candidate order (score fields, §4)', () => {
  it('connectable, then from_best; salt only among equal fields; then remote id', () => {
    const p = make41();
    p.learn(1, Source.Pex, {}, 0);
    p.learn(2, Source.Dht, {}, 0);
    p.learn(3, Source.Tracker, {}, 0);
    p.learn(4, Source.Pex, { connectable: true }, 0);
    p.learn(5, Source.Lpd, {}, 0);
    p.learn(6, Source.Pex, { uploadOnly: true }, 0);
    const out = new Int32Array(9);
    const n = p.select(hostView({ now: 0 }), 9, out);
    expect([...out.slice(0, n)]).toEqual([4, 5, 3, 2, 1, 6]);
  });

  it('failure bit first, then least recently attempted', () => {
    const p = make41();
    const a = p.learn(1, Source.Tracker, {}, 0) as TransmissionInfo;
    const b = p.learn(2, Source.Tracker, {}, 0) as TransmissionInfo;
    const c = p.learn(3, Source.Tracker, {}, 0) as TransmissionInfo;
    // a: attempted at 100 with a fruitless count; b attempted at 300; c at 200, both clean.
    Object.assign(a, { attemptedAt: 100, fails: 1 });
    Object.assign(b, { attemptedAt: 300 });
    Object.assign(c, { attemptedAt: 200 });
    const out = new Int32Array(9);
    const n = p.select(hostView({ now: 1000 }), 9, out);
    expect([...out.slice(0, n)]).toEqual([3, 2, 1]);
  });

  it('4.0 failure bit is lastConnectedAt < attemptedAt', () => {
    const p = make40();
    const a = p.learn(1, Source.Tracker, {}, 0) as TransmissionInfo;
    const b = p.learn(2, Source.Tracker, {}, 0) as TransmissionInfo;
    Object.assign(a, { attemptedAt: 100, lastConnectedAt: 90, fails: 0 });
    Object.assign(b, { attemptedAt: 200, lastConnectedAt: 200, fails: 3 });
    const out = new Int32Array(9);
    const n = p.select(hostView({ now: 100000 }), 9, out);
    expect([...out.slice(0, n)]).toEqual([2, 1]);
  });

  it('salt comes from host.rng: same seed, same order; ties among equal peers vary with the seed', () => {
    const orders = new Set<string>();
    for (const seed of ['a', 'b', 'c', 'd', 'e']) {
      const run = (): string => {
        const p = make41();
        for (let r = 1; r <= 9; r++) p.learn(r, Source.Tracker, {}, 0);
        const out = new Int32Array(9);
        p.select(hostView({ rng: new RandomStream(seed) }), 9, out);
        return [...out].join(',');
      };
      const o = run();
      expect(run()).toBe(o);
      orders.add(o);
    }
    expect(orders.size).toBeGreaterThan(1);
  });
});

describe('candidate cache (§5)', () => {
  it('36 entries, 9 per pulse taken without re-checking, rebuilt only when empty', () => {
    const p = make41();
    for (let r = 1; r <= 50; r++) p.learn(r, Source.Tracker, {}, 0);
    const out = new Int32Array(50);
    const taken: number[][] = [];
    const h = hostView({ now: 0 });
    expect(p.select(h, 50, out)).toBe(9);
    taken.push([...out.slice(0, 9)]);
    expect(p.cachedRemaining()).toBe(27);
    // A better peer learned now is not seen until the cache is empty.
    p.learn(100, Source.Incoming, { connectable: true }, 0.2);
    for (let i = 1; i <= 3; i++) {
      const n = p.select({ ...h, now: i * 0.5 }, 50, out);
      expect(n).toBe(9);
      taken.push([...out.slice(0, 9)]);
    }
    const all = taken.flat();
    expect(new Set(all).size).toBe(36);
    expect(all).not.toContain(100);
    expect(p.cachedRemaining()).toBe(0);
    expect(p.select({ ...h, now: 2 }, 50, out)).toBe(9);
    expect(out[0]).toBe(100);
  });

  it('a cached peer whose interval restarted is still taken; one in use is dropped', () => {
    const p = make41();
    for (let r = 1; r <= 20; r++) p.learn(r, Source.Tracker, {}, 0);
    const out = new Int32Array(50);
    p.select(hostView({ now: 0 }), 9, out);
    const first = [...out.slice(0, 9)];
    const nextTwo = [...Array(20).keys()].map((i) => i + 1).filter((r) => !first.includes(r));
    expect(p.cachedRemaining()).toBe(11);
    const a = p.get(nextTwo[0] as number) as TransmissionInfo;
    const b = p.get(nextTwo[1] as number) as TransmissionInfo;
    // a: an incoming connection closed by the remote, no data → fails 1, not eligible for 10 s.
    p.onIncoming(a, 0.1);
    p.onHandshake(a, 0.1, false);
    p.onClose(a, 0.2, { reason: 'peer_left', byUs: false, severity: 'normal', pieceBytes: 0, outgoing: false });
    expect(a.fails).toBe(1);
    expect(p.eligibleAt(a, hostView({ now: 0.5 }))).toBe(10);
    // b: in use right now.
    p.onIncoming(b, 0.1);
    const got: number[] = [];
    for (let i = 1; i <= 3; i++) {
      const n = p.select(hostView({ now: i * 0.5 }), 50, out);
      got.push(...out.slice(0, n));
    }
    expect(got).toContain(a.remote);
    expect(got).not.toContain(b.remote);
  });

  it('never returns more than the budget, and consumes K cache entries per pulse even past it (initiate_connection returns at the socket cap)', () => {
    const p = make41();
    for (let r = 1; r <= 50; r++) p.learn(r, Source.Tracker, {}, 0);
    const out = new Int32Array(50);
    expect(p.select(hostView(), 3, out)).toBe(3);
    expect(p.cachedRemaining()).toBe(27);
    // Budget 0: the torrent is at its handshaked limit, skipped before the cache is read.
    expect(p.select(hostView(), 0, out)).toBe(0);
    expect(p.cachedRemaining()).toBe(27);
  });
});

describe('nextWake', () => {
  it('lets the host sleep without changing any dial time', () => {
    for (const make of [make40, makeMain, make41]) {
      const a = new Harness(make(), { pulse: 0.5 });
      const b = new Harness(make(), { pulse: 0.5, useNextWake: true });
      for (const h of [a, b]) {
        h.addRemote(1, closesAfterHandshake(1, 1));
        h.addRemote(2, dead);
        h.addRemote(3, closesAfterHandshake(1, 3));
        h.addRemote(4, weCloseAfterHandshake(2, 7.3), Source.Pex, {}, 3.2);
        h.run(20000);
      }
      for (const r of [1, 2, 3, 4]) expect(b.dialTimes(r)).toEqual(a.dialTimes(r));
      // main-2023 re-dials 1, 3 and 4 forever and 4.1 re-dials 4 (own close), so only 4.0 sleeps.
      if (make === make40) expect(b.selects).toBeLessThan(a.selects / 10);
    }
  });
});

describe('audit fixes (shared/reference/audit.md)', () => {
  it('#3: main-2023 ranks seeds first (is_seed() ? 0 : 1 at 96de1706a^), 4.0 and 4.1 rank them last', () => {
    const first = (p: TransmissionPolicy): number => {
      p.learn(1, Source.Pex, { seed: true }, 0);
      p.learn(2, Source.Pex, {}, 0);
      const out = new Int32Array(9);
      p.select(hostView({ done: false }), 1, out);
      return out[0]!;
    };
    expect(first(makeMain())).toBe(1);
    expect(first(make41())).toBe(2);
    expect(first(make40())).toBe(2);
  });

  it('#2: an incoming connection resets 4.1 and main counts and unreachable (tr_peer_info::merge), not 4.0 (atoms by address)', () => {
    for (const [make, reset] of [[make41, true], [makeMain, true], [make40, false]] as const) {
      const p = make();
      const info = p.learn(1, Source.Tracker, {}, 0) as TransmissionInfo;
      p.onDial(info, 10);
      p.onConnectFailure(info, 40, 'timeout'); // fails 1, unreachable
      expect(info.fails).toBe(1);
      p.onIncoming(info, 100);
      p.onHandshake(info, 100.2, false);
      expect(info.fails).toBe(reset ? 0 : 1);
      expect(info.connectable).toBe(reset ? undefined : false);
    }
  });

  it('#5: PEX flags come from the pool entry: 4.0 and main never learned the seed bit from a connection, 4.1 did', () => {
    const full: RemoteState = { via: 'bitfield', seed: true, uploadOnly: true };
    for (const [make, seed] of [[make40, false], [makeMain, false], [make41, true]] as const) {
      const p = make();
      const info = p.learn(1, Source.Tracker, {}, 0) as TransmissionInfo;
      p.onDial(info, 0);
      p.onHandshake(info, 1, true);
      p.onRemoteState(info, 1, full);
      const flags: { seed?: boolean; connectable?: boolean } = {};
      p.advertise(1, flags);
      expect(flags.seed).toBe(seed);
      expect(flags.connectable).toBe(true); // we dialled it
    }
  });
});

describe('audit #15', () => {
  it('main: a peer first met on an incoming connection becomes connectable at its handshake (on_got_port :868-874); 4.0 and 4.1 leave it unknown', () => {
    for (const [make, connectable] of [[makeMain, true], [make41, undefined], [make40, undefined]] as const) {
      const p = make();
      const fresh = p.learn(1, Source.Incoming, {}, 0) as TransmissionInfo;
      p.onIncoming(fresh, 0);
      p.onHandshake(fresh, 0.2, false);
      expect(fresh.connectable, p.name).toBe(connectable);
      const flags: { seed?: boolean; connectable?: boolean } = {};
      p.advertise(1, flags);
      expect(flags.connectable, p.name).toBe(connectable);
      // A peer the pool already knew from the tracker is merged, not marked.
      const known = p.learn(2, Source.Tracker, {}, 0) as TransmissionInfo;
      p.onIncoming(known, 1);
      p.onHandshake(known, 1.2, false);
      expect(known.connectable, p.name).toBeUndefined();
    }
  });
});

describe('audit #14', () => {
  it('4.0.6 counts a failed incoming handshake against the atom (keyed by address); main and 4.1 cannot match it', () => {
    for (const [make, counts] of [[make40, true], [makeMain, false], [make41, false]] as const) {
      const p = make();
      const info = p.learn(1, Source.Tracker, {}, 0) as TransmissionInfo;
      p.onIncoming(info, 5);
      p.onHandshakeFailure(info, 6, false, false);
      expect(info.fails).toBe(counts ? 1 : 0);
      expect(info.connectable).toBe(counts ? false : undefined);
    }
  });
});
