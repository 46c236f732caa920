import { describe, expect, it } from 'vitest';
import { libtorrent1212 } from '../../sim/policies/clients/libtorrent-1.2.12.js';
import { libtorrent20 } from '../../sim/policies/clients/libtorrent-2.0.js';
import type { LibtorrentPolicy } from '../../sim/policies/clients/libtorrent-common.js';
import { Source } from '../../sim/policies/source.js';
import { Harness, LTEP_UPLOAD_ONLY, closesAfterHandshake, dead, hostView, uploadOnlyBeforeHaveAll } from './harness.js';

const make = (): LibtorrentPolicy => libtorrent1212.create({}) as unknown as LibtorrentPolicy;
const make20 = (): LibtorrentPolicy => libtorrent20.create({}) as unknown as LibtorrentPolicy;
const UPLOAD_ONLY = LTEP_UPLOAD_ONLY;

describe('libtorrent-1.2.12: LTEP upload_only stored as seed (peer_connection.cpp:6618-6629 at v1.2.12)', () => {
  it('a finished client dials the upload_only-before-have_all seed once in an hour; 2.0.x every 60 + d s', () => {
    const h = new Harness(make(), { pulse: 1, done: true });
    const h20 = new Harness(make20(), { pulse: 1, done: true });
    for (const x of [h, h20]) {
      x.addRemote(1, uploadOnlyBeforeHaveAll(2));
      x.run(3600);
    }
    expect(h.dialTimes(1)).toEqual([0]);
    expect(h.info(1).seed).toBe(true);
    expect(h20.dialTimes(1).slice(0, 3)).toEqual([0, 62, 124]);
    expect(h20.dialTimes(1).length).toBe(Math.floor(3600 / 62) + 1);
  });

  it('a PEX seed flag suppresses a never-connected peer while finished; 2.0.x only orders it last', () => {
    const h = new Harness(make(), { pulse: 1, done: true });
    const h20 = new Harness(make20(), { pulse: 1, done: true });
    for (const x of [h, h20]) {
      x.addRemote(1, closesAfterHandshake(1, 1), Source.Pex, { seed: true });
      x.run(600);
    }
    expect(h.dialTimes(1)).toEqual([]);
    expect(h20.dialTimes(1)[0]).toBe(0);
  });

  it('the seed flag is ignored while connected, and a non-full bitfield clears it', () => {
    const p = make();
    const host = hostView({ now: 100, done: true });
    const info = p.learn(1, Source.Tracker, {}, 0)!;
    p.onDial(info, 0);
    p.learn(1, Source.Pex, { seed: true }, 1); // connected: "we already know if it's a seed"
    p.onHandshake(info, 1, true);
    expect(info.seed).toBe(false);
    p.onRemoteState(info, 1, UPLOAD_ONLY);
    expect(info.seed).toBe(true);
    p.onRemoteState(info, 1, { via: 'bitfield', seed: false, uploadOnly: false });
    expect(info.seed).toBe(false);
    p.onClose(info, 2, { reason: 'peer_left', byUs: false, severity: 'normal', pieceBytes: 0, outgoing: true });
    expect(p.eligibleAt(info, host)).toBe(62);
  });

  it('keeps the shared failcount rule: a dead peer is dialled at 0, 135 and 333 s, then never', () => {
    const h = new Harness(make(), { pulse: 1 });
    h.addRemote(1, dead);
    h.run(20_000);
    expect(h.dialTimes(1)).toEqual([0, 135, 333]);
  });
});
