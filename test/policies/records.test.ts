import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../sim/engine/random.js';
import { TrackedInfo } from '../../sim/policies/base.js';
import { LibtorrentInfo, LibtorrentPolicy } from '../../sim/policies/clients/libtorrent-common.js';
import { PeerRecord, type PeerInfo } from '../../sim/policies/peer-info.js';
import { getPolicyFactory } from '../../sim/policies/registry.js';
import { Source } from '../../sim/policies/source.js';
import type { TransmissionInfo } from '../../sim/policies/clients/transmission-common.js';
import { hostView } from './harness.js';
import { checkKeys } from './reference-policies.js';

/**
 * The packed record layout (peer-info.ts): flags and small counters share one integer word
 * behind accessors, learnedAt is kept as the halves of its double. Every public field must read
 * back exactly what was written, and one field's writes must never show in another.
 */
describe('packed known-peer records', () => {
  it('keep learnedAt exactly, for any double', () => {
    const rng = new RandomStream('learned');
    const times = [0, 1, 0.1, 1 / 3, 12345.678901, 2 ** 40 + 0.5, 1e-300, Number.MAX_VALUE, -0, Infinity];
    for (let i = 0; i < 1000; i++) times.push(rng.uniform() * 10 ** rng.int(9));
    for (const t of times) expect(Object.is(new PeerRecord(1, Source.Pex, t).learnedAt, t)).toBe(true);
  });

  it('read back every field as written, each independent of the others', () => {
    const rng = new RandomStream('fields');
    type Rec = LibtorrentInfo & TransmissionInfo;
    const bools = ['inUse', 'banned', 'seed', 'uploadOnly', 'everConnected', 'listenKnown', 'maybeUploadOnly'] as const;
    const ints: [keyof Rec, number, string][] = [
      ['conns', 7, 'both'],
      ['established', 7, 'both'],
      ['fails', 255, 'transmission'],
      ['failcount', 31, 'libtorrent'],
      ['sources', 0x7f, 'both'],
    ];
    for (const kind of ['transmission', 'libtorrent']) {
      // Rows (record-rows.ts) behind views: every field must map to its own words and bits.
      const f = getPolicyFactory(kind === 'transmission' ? 'transmission-4.1' : 'libtorrent-2.1');
      const r = f.factory.create(f.params).learn(5, Source.Dht, {}, 2.5) as Rec;
      const want: Record<string, unknown> = {};
      for (let step = 0; step < 2000; step++) {
        const op = rng.int(3);
        if (op === 0) {
          // PeerInfo's flags, and LibtorrentInfo's for a libtorrent record.
          const b = bools[rng.int(kind === 'libtorrent' ? bools.length : 4)] as (typeof bools)[number];
          const v = rng.chance(0.5);
          r[b] = v;
          want[b] = v;
        } else if (op === 1) {
          const [f, max, only] = ints[rng.int(ints.length)] as [keyof Rec, number, string];
          if (only !== 'both' && only !== kind) continue;
          const v = rng.int(max + 1);
          (r as unknown as Record<string, number>)[f] = v;
          want[f] = v;
        } else {
          const v = [true, false, undefined][rng.int(3)];
          r.connectable = v;
          want.connectable = v;
        }
        for (const [k, v] of Object.entries(want)) expect((r as unknown as Record<string, unknown>)[k], `${kind} ${k}`).toBe(v);
        expect(r.remote).toBe(5);
        expect(r.learnedAt).toBe(2.5);
      }
    }
  });

  it('fromBest is the lowest source seen', () => {
    const p = getPolicyFactory('transmission-4.1');
    const policy = p.factory.create(p.params);
    const info = policy.learn(9, Source.Pex, {}, 0) as PeerInfo;
    expect([info.fromBest, info.sources]).toEqual([Source.Pex, 1 << Source.Pex]);
    policy.learn(9, Source.Dht, {}, 1);
    policy.learn(9, Source.Ltep, {}, 2);
    expect([info.fromBest, info.sources]).toEqual([Source.Dht, (1 << Source.Pex) | (1 << Source.Dht) | (1 << Source.Ltep)]);
    policy.learn(9, Source.Incoming, {}, 3);
    expect(info.fromBest).toBe(Source.Incoming);
  });

  it('refuse an eighth connection with one peer rather than wrap the count', () => {
    const info = new TrackedInfo(1, Source.Tracker, 0);
    info.conns = 7;
    expect(() => {
      info.conns++;
    }).toThrow(RangeError);
    expect(info.conns).toBe(7);
  });

  it('libtorrent: the BEP 40 stand-in is -1 until ranked, then the unsigned 32-bit rank; picks are cleared after select', () => {
    const p = getPolicyFactory('libtorrent-2.1');
    const policy = p.factory.create(p.params) as unknown as LibtorrentPolicy;
    const infos = [1, 2, 3, 4, 5, 6, 7, 8].map((r) => policy.learn(r, Source.Tracker, {}, 0) as LibtorrentInfo);
    expect(infos.every((i) => i.bep40 === -1)).toBe(true);
    const out = new Int32Array(30);
    expect(policy.select(hostView({ now: 1 }), 30, out)).toBe(8);
    expect(infos.every((i) => i.bep40 >= 0 && i.bep40 <= 0xffffffff && Number.isInteger(i.bep40))).toBe(true);
    expect(infos.some((i) => i.bep40 >= 2 ** 31)).toBe(true);
    expect(infos.some((i) => i.picked)).toBe(false);
  });

  it('object records (the generic families) hold few own fields (each is 8 bytes of heap per record)', () => {
    // remote, learnedAt's two halves, attemptedAt, changedAt, pieceDataAt, bits, slot; see
    // peer-info.ts for what each trick saves.
    expect(Object.keys(new TrackedInfo(1, Source.Pex, 0.5))).toHaveLength(8);
  });

  it('libtorrent: every entry keeps its own fields through column growth and swap-removes', () => {
    const policy = getPolicyFactory('libtorrent-2.1');
    const p = policy.factory.create(policy.params) as unknown as LibtorrentPolicy;
    const rng = new RandomStream('rows');
    const want = new Map<number, { learnedAt: number; failcount: number; trust: number }>();
    const fail = (r: number): void => {
      const info = p.get(r) as LibtorrentInfo;
      p.onDial(info, 1);
      p.onConnectFailure(info, 1, 'refused');
    };
    const held = new Map<number, LibtorrentInfo>(); // views taken before any record moves
    for (let r = 0; r < 3000; r++) {
      const t = rng.uniform() * 10 ** rng.int(6);
      held.set(r, p.learn(r, Source.Tracker, {}, t) as LibtorrentInfo);
      const failcount = rng.int(3);
      for (let k = 0; k < failcount; k++) fail(r);
      want.set(r, { learnedAt: t, failcount, trust: 0 });
    }
    // Pieces give trust; a few hundred fail up to 3 and become erasable, and new peers at a full
    // list then evict them one by one, moving the last entry into the freed slot each time.
    const host = hostView({ now: 10 });
    for (let r = 0; r < 600; r++) {
      const info = p.get(r) as LibtorrentInfo;
      p.onIncoming(info, 2);
      p.onPieceData(info, 2);
      p.onClose(info, 2, { reason: 'peer_left', byUs: false, severity: 'normal', pieceBytes: 1, outgoing: false });
      const w = want.get(r) as { failcount: number; trust: number };
      w.trust = 1;
      if (r % 2 === 0) {
        while ((p.get(r) as LibtorrentInfo).failcount < 3) fail(r);
        w.failcount = 3;
      }
    }
    let added = 0;
    for (let r = 3000; r < 3400; r++) if (p.learn(r, Source.Pex, {}, 5) !== undefined) added++;
    expect(added).toBeGreaterThan(0);
    expect(p.size()).toBe(3000);
    let checked = 0;
    for (const [r, w] of want) {
      const info = p.get(r) as LibtorrentInfo | undefined;
      const old = held.get(r) as LibtorrentInfo;
      if (info === undefined) {
        expect(w.failcount, `peer ${r} was erased`).toBe(3);
        expect(() => old.failcount).toThrow(/forgotten/);
        continue;
      }
      for (const view of [info, old]) {
        expect(Object.is(view.learnedAt, w.learnedAt), `peer ${r} learnedAt`).toBe(true);
        expect([view.remote, view.failcount, view.trust]).toEqual([r, w.failcount, w.trust]);
      }
      checked++;
    }
    expect(checked + added).toBe(3000);
    expect(checkKeys(p, host)).toBe(-1);
  });
});
