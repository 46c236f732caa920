import { describe, expect, it } from 'vitest';
import { BIGLYBT } from '../../sim/model/client-kind.js';
import {
  BIGLYBT_BLACKLIST_MAX,
  BiglybtPolicy,
  biglybt,
} from '../../sim/policies/clients/biglybt.js';
import type { CloseInfo, RemoteState } from '../../sim/policies/policy.js';
import { Source } from '../../sim/policies/source.js';
import { Harness, closesAfterHandshake, dead, hostView, weCloseAfterHandshake, type Behaviour } from './harness.js';

const make = (): BiglybtPolicy => biglybt.create({}) as BiglybtPolicy;
const FULL: RemoteState = { via: 'bitfield', seed: true, uploadOnly: true };

/** Re-lists `remote` from PEX every `every` s from `from` to `to`. */
function relist(h: Harness, remote: number, from: number, to: number, every: number): void {
  for (let t = from; t <= to; t += every) h.at(t, () => h.policy.learn(remote, Source.Pex, {}, t));
}

/** This client closes seed-to-seed (CR_UPLOAD_TO_UPLOAD) once `remote` is known. */
function blacklistDirect(p: BiglybtPolicy, remote: number, t: number): void {
  const info = p.learn(remote, Source.Tracker, {}, t)!;
  p.onDial(info, t);
  p.onHandshake(info, t, true);
  const close: CloseInfo = { reason: 'seed_seed', byUs: true, severity: 'normal', pieceBytes: 0, outgoing: true };
  p.onClose(info, t, close);
}

describe('biglybt: close-reason blacklist (PEPeerControlImpl handleCloseReason)', () => {
  it('a seed-to-seed close by this seed blacklists the address: never dialled again however often it is listed', () => {
    const h = new Harness(make(), { pulse: 1, done: true });
    h.addRemote(1, weCloseAfterHandshake(1, 1, [FULL]));
    relist(h, 1, 90, 7200, 90);
    h.run(7200);
    expect(h.dialTimes(1)).toEqual([0]);
    expect([...(h.policy as BiglybtPolicy).blacklist]).toEqual([[1, 6]]);
  });

  it('a fruitless close by the remote blacklists nothing: dialled again at each new listing, not before', () => {
    const h = new Harness(make(), { pulse: 1, done: true });
    h.addRemote(1, closesAfterHandshake(1, 1));
    h.at(1000, () => h.policy.learn(1, Source.Tracker, {}, 1000));
    h.at(2000, () => h.policy.learn(1, Source.Pex, {}, 2000));
    h.run(3000);
    expect(h.dialTimes(1)).toEqual([0, 1000, 2000]);
    expect((h.policy as BiglybtPolicy).blacklist.size).toBe(0);
  });

  it(`keeps ${BIGLYBT_BLACKLIST_MAX} addresses: the next one evicts the least recently used, which may then be dialled`, () => {
    const p = make();
    for (let r = 1; r <= BIGLYBT_BLACKLIST_MAX + 1; r++) blacklistDirect(p, r, r);
    expect(p.blacklist.size).toBe(BIGLYBT_BLACKLIST_MAX);
    expect(p.blacklist.has(1)).toBe(false);
    expect(p.blacklist.has(2)).toBe(true);
    const host = hostView({ now: 5000, done: true });
    p.learn(1, Source.Tracker, {}, 5000);
    p.learn(2, Source.Tracker, {}, 5000);
    expect(p.eligibleAt(p.get(1)!, host)).toBe(5000);
    expect(p.eligibleAt(p.get(2)!, host)).toBe(Infinity);
  });

  it('a refused listing refreshes the entry (access order): the eviction takes the next oldest', () => {
    const p = make();
    for (let r = 1; r <= BIGLYBT_BLACKLIST_MAX; r++) blacklistDirect(p, r, r);
    p.learn(1, Source.Pex, {}, 2000); // refused, and 1 becomes the most recently used
    blacklistDirect(p, 5000, 2001);
    expect(p.blacklist.has(1)).toBe(true);
    expect(p.blacklist.has(2)).toBe(false);
    expect(p.blacklist.size).toBe(BIGLYBT_BLACKLIST_MAX);
  });
});

describe('biglybt: connect failures and reconnects', () => {
  it('a listing within 60 s of a connect failure is dropped (downloading); after 60 s it is dialled', () => {
    const h = new Harness(make(), { pulse: 1, connectTimeout: 15 });
    h.addRemote(1, dead);
    h.at(60, () => h.policy.learn(1, Source.Tracker, {}, 60)); // 45 s after the failure at 15
    h.at(76, () => h.policy.learn(1, Source.Tracker, {}, 76)); // 61 s after
    h.run(200);
    expect(h.dialTimes(1)).toEqual([0, 76]);
  });

  it('while seeding the wait is 180 s', () => {
    const h = new Harness(make(), { pulse: 1, connectTimeout: 15, done: true });
    h.addRemote(1, dead);
    h.at(150, () => h.policy.learn(1, Source.Tracker, {}, 150));
    h.at(195, () => h.policy.learn(1, Source.Tracker, {}, 195)); // exactly 180 s: still refused
    h.at(196, () => h.policy.learn(1, Source.Tracker, {}, 196));
    h.run(300);
    expect(h.dialTimes(1)).toEqual([0, 196]);
  });

  it('the remote ends a link that moved pieces: dialled again at once, without a listing (allowReconnect)', () => {
    const useful: Behaviour = (n) => ({ type: 'connect', handshakeAfter: 1, dataAt: n < 3 ? [1] : [], closeAfter: 10 });
    const h = new Harness(make(), { pulse: 1 });
    h.addRemote(1, useful);
    h.run(200);
    // each link closes 11 s after its dial, in time for that second's pulse; the fourth moves no
    // piece, so nothing follows it.
    expect(h.dialTimes(1)).toEqual([0, 11, 22, 33]);
  });

  it('a seed that ends a useful link with a seeding client is not reconnected', () => {
    const h = new Harness(make(), { pulse: 1, done: true });
    h.addRemote(1, () => ({ type: 'connect', handshakeAfter: 1, states: [FULL], dataAt: [1], closeAfter: 10 }));
    h.run(200);
    expect(h.dialTimes(1)).toEqual([0]);
  });

  it('peers handed out in the current or previous 420 s period go after the others', () => {
    const h = new Harness(make(), { pulse: 1, peerLimit: 1 });
    h.addRemote(1, closesAfterHandshake(1, 1));
    h.at(10, () => h.addRemote(2, closesAfterHandshake(1, 1)));
    h.at(10, () => h.policy.learn(1, Source.Pex, {}, 10));
    h.run(20);
    // both listed at 10, one dial slot: 2 (never handed out) before 1 (handed out at 0)
    expect(h.dialTimes(2)).toEqual([10]);
    expect(h.dialTimes(1)).toEqual([0, 12]);
  });
});

describe('biglybt client kind', () => {
  it('40 pending attempts at most; 50 connections, 25 while seeding, less 2 kept for incoming', () => {
    expect(BIGLYBT.dialBudget({ handshaked: 0, sockets: 0, done: false, stealsSocketSlots: false })).toBe(40);
    expect(BIGLYBT.dialBudget({ handshaked: 40, sockets: 45, done: false, stealsSocketSlots: false })).toBe(3);
    expect(BIGLYBT.dialBudget({ handshaked: 0, sockets: 0, done: true, stealsSocketSlots: false })).toBe(23);
    expect(BIGLYBT.dialBudget({ handshaked: 23, sockets: 23, done: true, stealsSocketSlots: false })).toBe(0);
    expect(BIGLYBT.seedSeedDelay(true)).toBe(1);
    expect(BIGLYBT.closesOnLtepUploadOnly).toBe(false);
    expect(BIGLYBT.connectTimeout).toBe(15);
  });
});
