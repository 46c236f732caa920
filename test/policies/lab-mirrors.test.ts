import { describe, expect, it } from 'vitest';
import { ARIA2, QBITTORRENT, RTORRENT, TRANSMISSION_3, WEBTORRENT } from '../../sim/model/client-kind.js';
import { aria2136, type Aria2Policy } from '../../sim/policies/clients/aria2-1.36.js';
import { libtorrent20 } from '../../sim/policies/clients/libtorrent-2.0.js';
import { qbittorrent45 } from '../../sim/policies/clients/qbittorrent-4.5.js';
import { rtorrent09 } from '../../sim/policies/clients/rtorrent-0.9.js';
import { seedProbability, type TransmissionInfo, type TransmissionPolicy } from '../../sim/policies/clients/transmission-common.js';
import { transmission30 } from '../../sim/policies/clients/transmission-3.0.js';
import { webtorrent, type WebtorrentInfo } from '../../sim/policies/clients/webtorrent.js';
import type { ReconnectPolicy } from '../../sim/policies/policy.js';
import { getPolicyFactory } from '../../sim/policies/registry.js';
import { Source } from '../../sim/policies/source.js';
import { Harness, closesAfterHandshake, dead, hostView, weCloseAfterHandshake, type Behaviour } from './harness.js';

const make30 = (): TransmissionPolicy => transmission30.create({}) as unknown as TransmissionPolicy;
const refused = (after: number): Behaviour => () => ({ type: 'refused', after });

describe('registry: the lab mirrors and their client kinds', () => {
  it('each mirror is built in and runs on a client kind of its own', () => {
    const kinds = Object.fromEntries(['transmission-3.0', 'qbittorrent-4.5', 'webtorrent', 'rtorrent-0.9', 'aria2-1.36'].map((n) => [n, getPolicyFactory(n).factory.client]));
    expect(kinds).toEqual({ 'transmission-3.0': 'transmission-3', 'qbittorrent-4.5': 'qbittorrent', webtorrent: 'webtorrent', 'rtorrent-0.9': 'rtorrent', 'aria2-1.36': 'aria2' });
    expect([TRANSMISSION_3, QBITTORRENT, WEBTORRENT, RTORRENT, ARIA2].map((k) => k.defaultPolicy)).toEqual(['transmission-3.0', 'qbittorrent-4.5', 'webtorrent', 'rtorrent-0.9', 'aria2-1.36']);
  });

  it('client-wide rules: pulses, limits, seed-to-seed closes', () => {
    expect([TRANSMISSION_3.pulsePeriod, WEBTORRENT.pulsePeriod, RTORRENT.pulsePeriod, ARIA2.pulsePeriod]).toEqual([0.5, 0.1, 1, 10]);
    expect(TRANSMISSION_3.lastHaveBatched && TRANSMISSION_3.plaintextRetry).toBe(true);
    expect(QBITTORRENT.peerLimit).toBe(100);
    expect(WEBTORRENT.seedSeedDelay(false)).toBe(Infinity); // WebTorrent never closes a seed
    expect(RTORRENT.seedSeedDelay(false)).toBe(0); // "seeder rejected"
    const st = (handshaked: number, sockets: number, done: boolean) => ({ handshaked, sockets, done, stealsSocketSlots: false });
    expect(RTORRENT.dialBudget(st(39, 60, true))).toBe(40); // below min_peers 40: up to max_peers 100
    expect(RTORRENT.dialBudget(st(40, 40, true))).toBe(0);
    expect(ARIA2.dialBudget(st(50, 52, true))).toBe(5); // a seed: up to bt-max-peers 55
    expect(ARIA2.dialBudget(st(44, 44, false))).toBe(0); // a leecher: below 0.8 × 55 = 44
    expect(WEBTORRENT.dialBudget(st(10, 50, false))).toBe(5); // maxConns 55 counts pending dials
  });
});

describe('transmission-3.0 (Transmission 3.00)', () => {
  it('refuses known seeds in the encrypted handshake once done, as 4.0.6 does and main and 4.1.3 do not', () => {
    const refuses = (name: string) => getPolicyFactory(name).factory.create({}).refusesKnownSeeds === true;
    expect(['transmission-3.0', 'transmission-4.0', 'transmission-main-2023', 'transmission-4.1'].map(refuses)).toEqual([true, true, false, false]);
  });

  it('numFails +1 per fruitless close: waits 10, 120, 900, 1800 s (the 4.0 table)', () => {
    const h = new Harness(make30(), { pulse: 0.5 });
    h.addRemote(1, closesAfterHandshake(1, 1));
    h.run(4000);
    expect(h.dialTimes(1)).toEqual([0, 12, 134, 1036, 2838]);
    expect((h.info(1) as TransmissionInfo).fails).toBe(5);
  });

  it('an unreachable peer stays a candidate at step + 2 (4.0.6 drops it)', () => {
    const h = new Harness(make30(), { pulse: 0.5 });
    h.addRemote(1, dead);
    h.run(5000);
    // timeout at 30 → fails 1, unreachable → step 3: 900 s from the attempt; then step 4, 1800 s.
    expect(h.dialTimes(1)).toEqual([0, 900, 2700]);
  });

  it('a close after piece data zeroes the count and re-dials after 5 s', () => {
    const h = new Harness(make30(), { pulse: 0.5 });
    h.addRemote(1, () => ({ type: 'connect', handshakeAfter: 1, dataAt: [1], closeAfter: 2, close: { reason: 'peer_left', byUs: false } }));
    h.run(9);
    expect(h.dialTimes(1)).toEqual([0, 8]);
    expect((h.info(1) as TransmissionInfo).fails).toBe(0);
  });

  it('the tracker seed probability marks the peers of an all-seeds answer as seeds, never dialled by a seed', () => {
    expect([seedProbability(4, 0), seedProbability(4, 1), seedProbability(0, 0)]).toEqual([100, 80, -1]);
    const p = make30();
    p.onTrackerResponse!(4, 0, 2, 0);
    const a = p.learn(1, Source.Tracker, {}, 0)!;
    const incoming = p.learn(3, Source.Incoming, {}, 0)!;
    expect(a.seed).toBe(true);
    expect(p.eligibleAt(a, hostView({ done: true }))).toBe(Infinity);
    expect(p.eligibleAt(a, hostView({ done: false }))).toBe(0);
    expect(incoming.seed).toBe(false);
    // A later answer: new peers take its probability, an unknown one too, a known one keeps its own.
    p.onTrackerResponse!(4, 1, 3, 60);
    const b = p.learn(2, Source.Tracker, {}, 60)!;
    p.learn(1, Source.Tracker, {}, 60);
    expect([b.seed, a.seed]).toEqual([false, true]);
    p.onTrackerResponse!(5, 0, 1, 120);
    p.learn(3, Source.Tracker, {}, 120);
    p.learn(2, Source.Tracker, {}, 120);
    expect([incoming.seed, b.seed]).toEqual([true, false]);
  });

  it("a connection's bitfield showing the whole file marks the atom a seed for good", () => {
    const h = new Harness(make30(), { pulse: 0.5, done: true });
    h.addRemote(1, weCloseAfterHandshake(1, 1, [{ via: 'bitfield', seed: true, uploadOnly: true }]));
    h.run(600);
    expect(h.dialTimes(1)).toEqual([0]);
    expect(h.info(1).seed).toBe(true);
  });

  it('takes 6 per 0.5 s pulse (12 connections/s), re-ranked every pulse', () => {
    const h = new Harness(make30(), { pulse: 0.5 });
    for (let r = 1; r <= 20; r++) h.addRemote(r, dead);
    h.run(1.5);
    expect([...h.dials.values()].flat().sort((x, y) => x - y)).toEqual([0, 0, 0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1, 1, 1, 1.5, 1.5]);
  });
});

describe('webtorrent (WebTorrent 3.0.21)', () => {
  const make = (): ReconnectPolicy => webtorrent.create({});

  it('the counter resets on every handshake: a peer that handshakes and closes is re-dialled 1 s after every close, without end', () => {
    const h = new Harness(make(), { pulse: 0.1 });
    h.addRemote(1, closesAfterHandshake(0.05, 0.05));
    h.run(60);
    const d = h.dialTimes(1);
    expect(d.length).toBeGreaterThan(50);
    const gaps = d.slice(1).map((t, i) => t - d[i]!);
    // close at +0.1, re-added 1 s later, dialled on the next 0.1 s look
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1.1 - 1e-6);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(1.2 + 1e-6);
    expect((h.info(1) as WebtorrentInfo).retries).toBe(1);
  });

  it('failures before the handshake: re-added after 1, 5 and 15 s, then not again (max 3 attempts)', () => {
    const h = new Harness(make(), { pulse: 0.1 });
    h.addRemote(1, refused(0.1));
    h.run(200);
    expect(h.dialTimes(1).map((t) => Math.round(t * 10) / 10)).toEqual([0, 1.1, 6.2, 21.3]);
  });

  it('a tracker listing queues a given-up peer again at once with the counter at 0', () => {
    const h = new Harness(make(), { pulse: 0.1 });
    h.addRemote(1, refused(0.1));
    h.at(60, () => h.policy.learn(1, Source.Tracker, {}, 60));
    h.run(100);
    expect(h.dialTimes(1).map((t) => Math.round(t * 10) / 10)).toEqual([0, 1.1, 6.2, 21.3, 60, 61.1, 66.2, 81.3]);
  });

  it('a connection it accepted is not re-dialled when it closes', () => {
    const p = make();
    const info = p.learn(7, Source.Incoming, {}, 0)!;
    p.onIncoming(info, 0);
    p.onHandshake(info, 0.1, false);
    p.onClose(info, 1, { reason: 'peer_left', byUs: false, severity: 'normal', pieceBytes: 0, outgoing: false });
    expect(p.eligibleAt(info, hostView({ now: 5 }))).toBe(Infinity);
  });
});

describe('rtorrent-0.9 (rTorrent 0.9.8 / libtorrent-rakshasa 0.13.8)', () => {
  const make = (): ReconnectPolicy => rtorrent09.create({});

  it('pops a listed peer and forgets it: no retry until a tracker lists it again, not within 600 s of the last handshake', () => {
    const h = new Harness(make(), { pulse: 1 });
    h.addRemote(1, weCloseAfterHandshake(0.1, 0.1));
    for (const t of [60, 300, 599, 601, 1200]) h.at(t, () => h.policy.learn(1, Source.Tracker, {}, t));
    h.run(1500);
    // 60, 300, 599: within 600 s of the dial at 0; 601: listed again, dialled; 1200: within 600 s of 601.
    expect(h.dialTimes(1)).toEqual([0, 601]);
  });

  it('an incoming connection counts as a handshake for the 600 s filter', () => {
    const p = make();
    const info = p.learn(2, Source.Incoming, {}, 10)!;
    p.onIncoming(info, 10);
    p.onClose(info, 11, { reason: 'peer_left', byUs: false, severity: 'normal', pieceBytes: 0, outgoing: false });
    p.learn(2, Source.Tracker, {}, 300);
    expect(p.eligibleAt(info, hostView({ now: 300 }))).toBe(Infinity);
    p.learn(2, Source.Tracker, {}, 610);
    expect(p.eligibleAt(info, hostView({ now: 610 }))).toBeLessThanOrEqual(610);
  });

  it('pops at random, each listed peer once', () => {
    const h = new Harness(make(), { pulse: 1 });
    for (let r = 1; r <= 8; r++) h.addRemote(r, dead);
    h.host.peerLimit = 3; // budget 3 per pulse in the harness
    h.run(70);
    const order = [...h.dials.entries()].sort((a, b) => a[1][0]! - b[1][0]! || 0).map(([r]) => r);
    expect(order.slice().sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...h.dials.values()].every((d) => d.length === 1)).toBe(true);
  });
});

describe('aria2-1.36 (aria2 1.36.0)', () => {
  const make = (): Aria2Policy => aria2136.create({}) as unknown as Aria2Policy;

  it('dials each listing once, first in first out, 5 per 10 s tick, and forgets the peer whatever happened', () => {
    const h = new Harness(make(), { pulse: 10 });
    for (let r = 1; r <= 7; r++) h.addRemote(r, refused(0.1));
    h.run(15);
    expect([1, 2, 3, 4, 5, 6, 7].map((r) => h.dialTimes(r))).toEqual([[0], [0], [0], [0], [0], [10], [10]]);
    expect(h.policy.get(1)).toBeUndefined();
  });

  it('a new listing brings a forgotten peer back, dialled at the next tick; a repeated one adds nothing', () => {
    const h = new Harness(make(), { pulse: 10 });
    h.addRemote(1, weCloseAfterHandshake(0.1, 0.1));
    h.at(25, () => h.policy.learn(1, Source.Tracker, {}, 25));
    h.at(26, () => h.policy.learn(1, Source.Tracker, {}, 26));
    h.run(100);
    expect(h.dialTimes(1)).toEqual([0, 30]);
  });

  it('a bad piece marks the address bad for 600 s: listings are refused meanwhile', () => {
    const p = make();
    const info = p.learn(1, Source.Tracker, {}, 0)!;
    p.onDial(info, 0);
    p.onHandshake(info, 0.1, true);
    p.onClose(info, 5, { reason: 'banned', byUs: true, severity: 'peer_error', pieceBytes: 16384, outgoing: true });
    p.learn(1, Source.Tracker, {}, 100);
    expect(p.eligibleAt(info, hostView({ now: 100 }))).toBe(Infinity);
    p.learn(1, Source.Tracker, {}, 606);
    expect(p.eligibleAt(info, hostView({ now: 606 }))).toBe(606);
  });
});

describe('qbittorrent-4.5 (qBittorrent 4.5.2 on libtorrent 2.0.8)', () => {
  it('connection_speed 20 per second where libtorrent has 30; the rest is libtorrent-2.0', () => {
    const count = (f: { create(p: object): ReconnectPolicy }): number => {
      const p = f.create({});
      for (let r = 1; r <= 80; r++) p.learn(r, Source.Tracker, {}, 0);
      return p.select(hostView({ peerLimit: 100 }), 100, new Int32Array(100));
    };
    expect(count(qbittorrent45)).toBe(20);
    expect(count(libtorrent20)).toBe(30);
    const h = new Harness(qbittorrent45.create({}), { pulse: 1, done: true });
    h.addRemote(1, weCloseAfterHandshake(0.1, 0.1));
    h.run(200);
    expect(h.dialTimes(1)).toEqual([0, 60, 120, 180]); // #7700: 60 s after every close (whole seconds)
  });
});
