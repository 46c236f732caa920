import { describe, expect, it } from 'vitest';
import { ANACROLIX } from '../../sim/model/client-kind.js';
import { anacrolixTorrent } from '../../sim/policies/clients/anacrolix-torrent.js';
import { Source } from '../../sim/policies/source.js';
import { Harness, closesAfterHandshake, dead, type Behaviour } from './harness.js';

const make = () => anacrolixTorrent.create({});

describe('anacrolix-torrent: pop and forget (torrent.go openNewConns, addPeer)', () => {
  it('a dead peer is dialled once per listing, at once, and never in between', () => {
    const h = new Harness(make(), { pulse: 1, connectTimeout: 20 });
    h.addRemote(1, dead);
    for (const t of [100, 5000]) h.at(t, () => h.policy.learn(1, Source.Tracker, {}, t));
    h.run(10_000);
    expect(h.dialTimes(1)).toEqual([0, 100, 5000]);
  });

  it('a fruitless close is not retried; DHT and PEX listings bring the peer back like a tracker', () => {
    const h = new Harness(make(), { pulse: 1 });
    h.addRemote(1, closesAfterHandshake(1, 1));
    h.at(700, () => h.policy.learn(1, Source.Dht, {}, 700));
    h.at(900, () => h.policy.learn(1, Source.Pex, { seed: true }, 900)); // first PEX: no cooldown yet
    h.run(3600);
    expect(h.dialTimes(1)).toEqual([0, 700, 900]);
  });

  it('PEX cooldown: after a PEX message that listed peers, PEX listings are discarded for 60 s, torrent-wide', () => {
    const h = new Harness(make(), { pulse: 1 });
    h.addRemote(1, closesAfterHandshake(1, 1));
    h.addRemote(2, closesAfterHandshake(1, 1));
    h.at(100, () => h.policy.learn(1, Source.Pex, {}, 100)); // opens the cooldown until 160
    h.at(100, () => h.policy.learn(2, Source.Pex, {}, 100)); // same message
    h.at(130, () => h.policy.learn(1, Source.Pex, {}, 130)); // discarded
    h.at(130, () => h.policy.learn(2, Source.Tracker, {}, 130)); // trackers are not throttled
    h.at(160, () => h.policy.learn(1, Source.Pex, {}, 160)); // cooldown over
    h.run(300);
    expect(h.dialTimes(1)).toEqual([0, 100, 160]);
    expect(h.dialTimes(2)).toEqual([0, 100, 130]);
  });

  it('a useful connection is not retried either', () => {
    const h = new Harness(make(), { pulse: 1 });
    h.addRemote(1, () => ({ type: 'connect', handshakeAfter: 1, dataAt: [1, 2], closeAfter: 5 }));
    h.run(3600);
    expect(h.dialTimes(1)).toEqual([0]);
  });

  it('a listing while the peer is connected adds nothing (the popped address is active)', () => {
    const h = new Harness(make(), { pulse: 1 });
    h.addRemote(1, () => ({ type: 'connect', handshakeAfter: 1, closeAfter: 500 }));
    h.at(100, () => h.policy.learn(1, Source.Tracker, {}, 100));
    h.at(600, () => h.policy.learn(1, Source.Tracker, {}, 600));
    h.run(1200);
    expect(h.dialTimes(1)).toEqual([0, 600]);
  });

  it('at most 10 dials a second (DialRateLimiter 10/s, burst 10)', () => {
    const h = new Harness(make(), { pulse: 1, peerLimit: 100, connectTimeout: 20 });
    for (let r = 1; r <= 25; r++) h.addRemote(r, dead);
    h.run(5);
    const byTime = new Map<number, number>();
    for (let r = 1; r <= 25; r++) for (const t of h.dialTimes(r)) byTime.set(t, (byTime.get(t) ?? 0) + 1);
    expect([...byTime].sort((a, b) => a[0] - b[0])).toEqual([
      [0, 10],
      [1, 10],
      [2, 5],
    ]);
  });

  it('a bad-piece ban is for the session: listings do not bring the peer back', () => {
    const bad: Behaviour = () => ({
      type: 'connect',
      handshakeAfter: 1,
      closeAfter: 2,
      close: { reason: 'banned', byUs: true, severity: 'peer_error', pieceBytes: 16384 },
    });
    const h = new Harness(make(), { pulse: 1 });
    h.addRemote(1, bad);
    h.at(100, () => h.policy.learn(1, Source.Tracker, {}, 100));
    h.run(300);
    expect(h.dialTimes(1)).toEqual([0]);
  });
});

describe('anacrolix client kind (config.go defaults, maxHalfOpen)', () => {
  it('half-open at most min(5 + headroom, 25); none at 50 established; mutually complete peers dropped at once', () => {
    const s = (handshaked: number, sockets: number) => ({ handshaked, sockets, done: false, stealsSocketSlots: false });
    expect(ANACROLIX.dialBudget(s(0, 0))).toBe(25);
    expect(ANACROLIX.dialBudget(s(0, 20))).toBe(5);
    expect(ANACROLIX.dialBudget(s(40, 45))).toBe(10);
    expect(ANACROLIX.dialBudget(s(49, 52))).toBe(3);
    expect(ANACROLIX.dialBudget(s(50, 50))).toBe(0);
    expect(ANACROLIX.seedSeedDelay(true)).toBe(0);
    expect(ANACROLIX.connectTimeout).toBe(20);
    expect(ANACROLIX.handshakeTimeout).toBe(4);
  });
});
