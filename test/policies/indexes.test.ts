import { describe, expect, it, vi } from 'vitest';
import { RandomStream } from '../../sim/engine/random.js';
import { LibtorrentInfo, LibtorrentPolicy } from '../../sim/policies/clients/libtorrent-common.js';
import type { ReconnectPolicy, RemoteState } from '../../sim/policies/policy.js';
import { getPolicyFactory, policyNames } from '../../sim/policies/registry.js';
import { RemoteIndex } from '../../sim/policies/storage/remote-index.js';
import { SlotMinTree } from '../../sim/policies/storage/slot-tree.js';
import { TopK } from '../../sim/policies/storage/top-k.js';
import { Source } from '../../sim/policies/source.js';
import { TransmissionInfo, TransmissionPolicy } from '../../sim/policies/clients/transmission-common.js';
import { Harness, type Behaviour } from './harness.js';
import { checkKeys, scanning, withoutLearnMemo } from './reference-policies.js';

describe('SlotMinTree', () => {
  it('matches a plain array under random sets, pushes, pops and queries', () => {
    const rng = new RandomStream('tree');
    const tree = new SlotMinTree(2);
    const plain: number[] = [];
    for (let step = 0; step < 20000; step++) {
      const op = rng.int(10);
      if (op < 2) {
        const k = rng.chance(0.2) ? Infinity : rng.int(50);
        tree.push(k);
        plain.push(k);
      } else if (op < 3 && plain.length > 0) {
        tree.pop();
        plain.pop();
      } else if (plain.length > 0) {
        const s = rng.int(plain.length);
        const k = rng.chance(0.1) ? -Infinity : rng.chance(0.2) ? Infinity : rng.int(50);
        tree.set(s, k);
        plain[s] = k;
      }
      expect(tree.size).toBe(plain.length);
      expect(tree.min()).toBe(plain.length ? Math.min(...plain) : Infinity);
      const from = rng.int(plain.length + 2);
      // Whole, fractional (host.now) and infinite bounds.
      const pick = rng.int(10);
      const bound = pick === 0 ? -Infinity : pick === 1 ? Infinity : pick === 2 ? rng.int(50) + 0.5 : rng.int(50);
      if (plain.length > 0) {
        const s = rng.int(plain.length);
        expect(tree.get(s)).toBe(plain[s]);
      }
      let want = -1;
      for (let i = from; i < plain.length; i++) {
        if ((plain[i] as number) <= bound) {
          want = i;
          break;
        }
      }
      expect(tree.firstAtMost(from, bound)).toBe(want);
    }
    tree.rebuild((s) => s % 7);
    expect(tree.min()).toBe(0);
    expect(tree.firstAtMost(1, 0)).toBe(7);
  });

  it('finds keys across block edges and keeps block minima through raises (blocks of 16 leaves)', () => {
    const tree = new SlotMinTree(16);
    for (let s = 0; s < 100; s++) tree.push(Infinity);
    tree.set(15, 7); // last leaf of block 0
    tree.set(16, 9); // first leaf of block 1
    tree.set(95, 3); // in block 5
    expect(tree.firstAtMost(0, 8)).toBe(15);
    expect(tree.firstAtMost(16, 8)).toBe(95);
    expect(tree.firstAtMost(15, 9)).toBe(15);
    expect(tree.firstAtMost(96, 100)).toBe(-1);
    // Raising a block's minimum rescans its block; the root follows.
    tree.set(95, 100);
    expect(tree.min()).toBe(7);
    tree.set(15, Infinity);
    expect(tree.min()).toBe(9);
    expect(tree.firstAtMost(0, 9)).toBe(16);
    // Keys beyond size never answer, even in a block that holds live slots.
    tree.set(99, 1);
    tree.pop();
    expect(tree.firstAtMost(96, 5)).toBe(-1);
    expect(tree.min()).toBe(9);
    // 4.5 bytes a slot: the leaves plus a tree over 16-leaf blocks.
    expect(tree.bytes()).toBe(tree.cap * 4 + (tree.cap / 16) * 2 * 4);
  });

  it('stores whole seconds only (int32 keys): a fractional or too large key throws', () => {
    const tree = new SlotMinTree(2);
    tree.push(5);
    expect(() => tree.set(0, 1.5)).toThrow(RangeError);
    expect(() => tree.set(0, 2 ** 31)).toThrow(RangeError);
    expect(() => tree.push(-(2 ** 31))).toThrow(RangeError);
    expect(tree.get(0)).toBe(5);
    tree.set(0, 2 ** 31 - 2);
    expect(tree.min()).toBe(2 ** 31 - 2);
  });
});

describe('TopK', () => {
  it('keeps the best k by (key, tie) and follows its slots through a forget', () => {
    const top = new TopK(4);
    for (const [key, tie, slot] of [[5, 1, 10], [3, 2, 11], [5, 0, 12], [9, 0, 13], [1, 9, 14], [3, 1, 15]] as const) top.push(key, tie, slot);
    expect(Array.from(top.items.subarray(0, top.length))).toEqual([14, 15, 11, 12]);
    // A forget emptied slot 11 and moved the record of slot 15 (the last) into it; entry 0 was taken.
    top.moved(1, 15, 11);
    expect(Array.from(top.items.subarray(0, top.length))).toEqual([14, 11, -1, 12]);
    // Forgetting the last slot itself (no move): its entries go.
    top.moved(0, 12, 12);
    expect(Array.from(top.items.subarray(0, top.length))).toEqual([14, 11, -1, -1]);
  });
});

describe('RemoteIndex', () => {
  it('matches a Map under random inserts, removes and lookups, memo bits included', () => {
    const rng = new RandomStream('index');
    const idx = new RemoteIndex(4);
    const plain = new Map<number, number>();
    for (let step = 0; step < 30000; step++) {
      // Clustered and spread ids, so probe chains wrap and deletions shift entries back.
      const remote = rng.chance(0.5) ? rng.int(64) : rng.int(1 << 20) * 16;
      const op = rng.int(3);
      if (op === 0 && !plain.has(remote)) {
        idx.insert(remote, step);
        idx.t[idx.find(remote) + 1] |= 1 << 27;
        plain.set(remote, step);
      } else if (op === 1) {
        idx.remove(remote);
        plain.delete(remote);
      }
      const e = idx.find(remote);
      expect(e >= 0).toBe(plain.has(remote));
      if (e >= 0) {
        expect(idx.t[e + 1]).toBe((plain.get(remote) as number) | (1 << 27));
      }
      expect(idx.count).toBe(plain.size);
    }
    for (const [remote, slot] of plain) expect((idx.t[idx.find(remote) + 1] as number) & RemoteIndex.SLOT_MASK).toBe(slot);
  });
});

describe('policy records by remote id', () => {
  it('finds records by id, forgets with swap-remove, and still takes odd ids', () => {
    const { factory, params } = getPolicyFactory('max-failures:max=1,interval=0');
    const p = factory.create(params);
    for (const r of [0, 5, 100_000, 3, -1, 2.5, 2 ** 40]) p.learn(r, Source.Tracker, {}, 0);
    expect(p.size()).toBe(7);
    for (const r of [0, 5, 100_000, 3, -1, 2.5, 2 ** 40]) expect(p.get(r)?.remote).toBe(r);
    expect(p.get(4)).toBeUndefined();
    expect(p.get(1e9)).toBeUndefined();
    // One fruitless outcome forgets a peer (max = 1): 0 goes, the last record takes its slot.
    const zero = p.get(0)!;
    p.onDial(zero, 1);
    p.onConnectFailure(zero, 2, 'refused');
    expect(p.get(0)).toBeUndefined();
    expect(p.size()).toBe(6);
    for (const r of [5, 100_000, 3, -1, 2.5, 2 ** 40]) expect(p.get(r)?.remote).toBe(r);
    const odd = p.get(-1)!;
    p.onDial(odd, 3);
    p.onConnectFailure(odd, 4, 'refused');
    expect(p.get(-1)).toBeUndefined();
    expect(p.learn(0, Source.Pex, {}, 5)?.remote).toBe(0);
    expect(p.size()).toBe(6);
  });
});

describe('no-op learn memo', () => {
  it('answers a repeated learn without reading the record; withoutLearnMemo reads it every time', () => {
    const lt = getPolicyFactory('libtorrent-2.1');
    const reads = (p: ReconnectPolicy): number => {
      const spy = vi.spyOn(p as unknown as { learnedSlot(): boolean }, 'learnedSlot');
      for (let t = 0; t < 5; t++) p.learn(1, Source.Tracker, {}, t);
      p.note?.(1, Source.Tracker, {}, 5);
      return spy.mock.calls.length;
    };
    expect(reads(lt.factory.create(lt.params))).toBe(2);
    expect(reads(withoutLearnMemo(lt.factory.create(lt.params)))).toBe(6);
  });

  it('a repeated learn is skipped only until the record changes', () => {
    const lt = getPolicyFactory('libtorrent-2.1');
    const p = lt.factory.create(lt.params) as LibtorrentPolicy;
    const info = p.learn(1, Source.Tracker, {}, 0) as LibtorrentInfo;
    p.learn(1, Source.Tracker, {}, 1); // failcount 0: a no-op, remembered
    p.onDial(info, 2);
    p.onConnectFailure(info, 3, 'refused');
    p.onDial(info, 70);
    p.onConnectFailure(info, 71, 'refused');
    expect(info.failcount).toBe(2);
    p.learn(1, Source.Tracker, {}, 100);
    expect(info.failcount).toBe(1);
    p.learn(1, Source.Tracker, {}, 101);
    expect(info.failcount).toBe(0);
    p.learn(1, Source.Pex, { connectable: true }, 102);
    p.learn(1, Source.Pex, { seed: true, uploadOnly: true }, 103);
    expect(info.maybeUploadOnly).toBe(true);

    const t = getPolicyFactory('transmission-4.1');
    const q = t.factory.create(t.params) as TransmissionPolicy;
    const r = q.learn(2, Source.Pex, { seed: true, uploadOnly: true }, 0) as TransmissionInfo;
    q.learn(2, Source.Pex, { seed: true, uploadOnly: true }, 1);
    expect(r.uploadOnly).toBe(true);
    q.onIncoming(r, 2);
    q.onHandshake(r, 2, false);
    q.onRemoteState(r, 2, { via: 'ltep', seed: false, uploadOnly: false });
    expect(r.uploadOnly).toBe(false);
    q.learn(2, Source.Pex, { seed: true, uploadOnly: true }, 3);
    expect(r.uploadOnly).toBe(true);
    q.onClose(r, 4, { reason: 'peer_left', byUs: false, severity: 'normal', pieceBytes: 0, outgoing: false });
    q.learn(2, Source.Pex, { connectable: true }, 5);
    q.learn(2, Source.Pex, { connectable: true }, 6); // a no-op now
    q.onDial(r, 7);
    q.onConnectFailure(r, 37, 'timeout'); // nothing read: unreachable
    expect(r.connectable).toBe(false);
    q.learn(2, Source.Pex, { connectable: true }, 40); // 4.1: a PEX connectable flag clears it
    expect(r.connectable).toBe(true);

    const m = getPolicyFactory('transmission-main-2023');
    const w = m.factory.create(m.params);
    const x = w.learn(3, Source.Pex, { seed: true }, 0)!;
    w.learn(3, Source.Pex, { seed: true }, 1);
    w.learn(3, Source.Tracker, {}, 2); // main overwrites the seed bit on every non-incoming add
    expect(x.seed).toBe(false);
    w.learn(3, Source.Pex, { seed: true }, 3);
    expect(x.seed).toBe(true);
  });
});

const seedState: RemoteState = { via: 'bitfield', seed: true, uploadOnly: true };
const ltepUploadOnly: RemoteState = { via: 'ltep', seed: false, uploadOnly: true };
const ltepNotUploadOnly: RemoteState = { via: 'ltep', seed: false, uploadOnly: false };
const behaviours: Behaviour[] = [
  () => ({ type: 'timeout' }),
  () => ({ type: 'refused' }),
  () => ({ type: 'handshake-fail', after: 2, readAnything: true }),
  () => ({ type: 'handshake-fail', after: 3, readAnything: false }),
  () => ({ type: 'connect', handshakeAfter: 1, closeAfter: 3, close: { reason: 'peer_left', byUs: false } }),
  () => ({ type: 'connect', handshakeAfter: 1, states: [ltepUploadOnly, seedState], closeAfter: 0.5, close: { reason: 'seed_seed', byUs: true } }),
  () => ({ type: 'connect', handshakeAfter: 0.4, states: [ltepUploadOnly], closeAfter: 0.1, close: { reason: 'uninteresting', byUs: true } }),
  (n) => ({ type: 'connect', handshakeAfter: 1, states: [ltepNotUploadOnly], dataAt: n % 2 ? [1] : [2, 9], closeAfter: 12, close: { reason: 'idle', byUs: true } }),
  () => ({ type: 'connect', handshakeAfter: 0.7, dataAt: [1, 2, 3], closeAfter: 90, close: { reason: 'peer_left', byUs: false, severity: 'peer_error' } }),
];

/**
 * A mixed swarm of `remotes` peers for one policy: scripted behaviours, listings from every
 * source, PEX-like re-listings with the flags the swarm sends (seed and upload-only together,
 * connectable or not) and tracker re-listings, the host finishing at 1200 s and losing PEX at
 * 1800 s. `setup` adjusts the policy before the run; `check` runs every 211 s.
 */
function mixedSwarm(name: string, remotes: number, useNextWake: boolean, setup: (p: ReconnectPolicy) => ReconnectPolicy, check?: (h: Harness) => void, via: 'learn' | 'note' = 'learn'): Harness {
  const { factory, params } = getPolicyFactory(name);
  const policy = setup(factory.create(params));
  const lt = name.startsWith('libtorrent');
  const h = new Harness(policy, { pulse: lt ? 1 : 0.5, peerLimit: lt ? 40 : 25, useNextWake, seed: `big:${name}` });
  for (let r = 0; r < remotes; r++) {
    const src = [Source.Tracker, Source.Pex, Source.Dht, Source.Incoming][r % 4] as Source;
    const flags = r % 5 === 0 ? { seed: true, uploadOnly: true } : r % 3 === 0 ? { connectable: true } : {};
    h.addRemote(r, behaviours[(r * 7) % behaviours.length] as Behaviour, src, flags, (r * 13) % 400);
  }
  for (let t = 150; t < 2400; t += 47) {
    h.at(t, () => {
      for (let r = t % 7; r < remotes; r += 5) {
        const seed = (r + Math.floor(t / 600)) % 3 === 0;
        const pex = r % 4 !== 1;
        const flags = pex ? { seed, uploadOnly: seed, connectable: r % 2 ? true : undefined } : {};
        if (via === 'note') h.policy.note!(r, pex ? Source.Pex : Source.Tracker, flags, t);
        else h.policy.learn(r, pex ? Source.Pex : Source.Tracker, flags, t);
      }
    });
  }
  h.at(1200, () => {
    h.host.done = true;
  });
  h.at(1800, () => {
    h.host.pexAllowed = false;
  });
  if (check) for (let t = 30; t < 2400; t += 211) h.at(t + 0.25, () => check(h));
  h.run(2400);
  return h;
}

function expectSameDials(a: Harness, b: Harness, remotes: number): void {
  let total = 0;
  for (let r = 0; r < remotes; r++) {
    expect(b.dialTimes(r), `remote ${r}`).toEqual(a.dialTimes(r));
    total += a.dialTimes(r).length;
  }
  expect(total).toBeGreaterThan(remotes);
}

/**
 * The slot tree changes how much work a select does, never what it decides: every client
 * policy is run through a swarm larger than libtorrent's 300-entry window with the tree and in
 * their scanning references (the scans the tree replaced, in reference-policies.ts), with and without sleeping on nextWake.
 */
describe('slot-tree policies decide as the exhaustive scans', () => {
  const REMOTES = 700;
  for (const name of ['libtorrent-2.0', 'libtorrent-2.1', 'transmission-4.0', 'transmission-main-2023', 'transmission-4.1']) {
    it(`${name}: same dials at the same times`, () => {
      for (const useNextWake of [false, true]) {
        const run = (exhaustive: boolean): Harness =>
          mixedSwarm(
            name,
            REMOTES,
            useNextWake,
            (p) => (exhaustive ? scanning(p) : p),
            (h) => expect(checkKeys(h.policy, h.host)).toBe(-1),
          );
        const a = run(true);
        const b = run(false);
        expectSameDials(a, b, REMOTES);
        if (useNextWake) expect(b.selects).toBe(a.selects);
      }
    });
  }
});

/** note() is learn() without the record: every built-in policy has it and dials the same. */
describe('note() decides as learn()', () => {
  const REMOTES = 300;
  for (const name of policyNames()) {
    it(`${name}: same dials when re-learns go through note()`, () => {
      const { factory, params } = getPolicyFactory(name);
      expect(typeof factory.create(params).note).toBe('function');
      const run = (via: 'learn' | 'note'): Harness => mixedSwarm(name, REMOTES, true, (p) => p, undefined, via);
      expectSameDials(run('learn'), run('note'), REMOTES);
    });
  }
});

/** The no-op learn memo only skips work: every built-in policy dials the same without it. */
describe('no-op learn memo changes no decision', () => {
  const REMOTES = 300;
  for (const name of policyNames()) {
    it(`${name}: same dials with and without the memo`, () => {
      const run = (memo: boolean): Harness =>
        mixedSwarm(name, REMOTES, true, (p) => (memo ? p : withoutLearnMemo(p)));
      expectSameDials(run(false), run(true), REMOTES);
    });
  }
});
