import { describe, expect, it } from 'vitest';
import { buildRun } from '../../sim/experiments/run-one.js';
import { libtorrent20 } from '../../sim/policies/clients/libtorrent-2.0.js';
import { libtorrent21, libtorrent21Variant } from '../../sim/policies/clients/libtorrent-2.1.js';
import {
  LT_MAX_PEERLIST,
  LT_WEED_FROM,
  LibtorrentInfo,
  LibtorrentPolicy,
} from '../../sim/policies/clients/libtorrent-common.js';
import type { CloseInfo, HostView, RemoteState } from '../../sim/policies/policy.js';
import { getPolicyFactory } from '../../sim/policies/registry.js';
import { Source } from '../../sim/policies/source.js';
import { ScenarioSchema } from '../../sim/scenario/schema.js';
import { Harness, hostView, type Behaviour } from './harness.js';
import { ScanningLibtorrent, checkKeys, withoutLearnMemo } from './reference-policies.js';

/**
 * libtorrent's peer-list limit and weeding (reference/libtorrent.md §5): max_peerlist_size 3000,
 * weeding from 2850 in the refill window, erase_peers when a new peer meets a full list
 * (force_erase for an incoming connection), compare_peer_erase order.
 */

const make20 = (): LibtorrentPolicy => libtorrent20.create({}) as unknown as LibtorrentPolicy;
const make21 = (): LibtorrentPolicy => libtorrent21.create({}) as unknown as LibtorrentPolicy;

/** erase_peers with its window start fixed (upstream draws it at random). */
class FixedStart extends LibtorrentPolicy {
  start = 0;
  constructor() {
    super(libtorrent21Variant);
  }
  protected override eraseStart(): number {
    return this.start;
  }
}

const T = 100_000;
const host = (over: Partial<HostView> = {}): HostView => hostView({ now: T, peerLimit: 200, ...over });
const out = new Int32Array(64);

function close(over: Partial<CloseInfo> = {}): CloseInfo {
  return { reason: 'peer_left', byUs: false, severity: 'normal', pieceBytes: 0, outgoing: true, ...over };
}

function rec(p: LibtorrentPolicy, remote: number): LibtorrentInfo {
  const i = p.get(remote);
  if (i === undefined) throw new Error(`remote ${remote} not held`);
  return i as LibtorrentInfo;
}

/** `k` failed dials: failcount + k (3 and more: never dialled again, erasable). */
function fail(p: LibtorrentPolicy, remote: number, k = 3): LibtorrentInfo {
  const info = rec(p, remote);
  for (let j = 0; j < k; j++) {
    p.onDial(info, 1);
    p.onConnectFailure(info, 2, 'refused');
  }
  return info;
}

/** An incoming connection that moved `pieces` pieces, then closed normally: trust = pieces. */
function served(p: LibtorrentPolicy, remote: number, pieces: number): void {
  const info = rec(p, remote);
  p.onIncoming(info, 1);
  p.onHandshake(info, 1, false);
  for (let j = 0; j < pieces; j++) p.onPieceData(info, 1);
  p.onClose(info, 2, close({ outgoing: false }));
}

/** Remotes 0…n−1 at slots 0…n−1; `incoming` ones known only from an incoming connection. */
function filled(n: number, p: LibtorrentPolicy = make21(), incoming: readonly number[] = []): LibtorrentPolicy {
  for (let r = 0; r < n; r++) expect(p.learn(r, incoming.includes(r) ? Source.Incoming : Source.Tracker, {}, 0)).toBeDefined();
  return p;
}

/** Which of `watched` one select (one refill) at ≥ 2850 records erased. */
function weededBy(p: LibtorrentPolicy, watched: readonly number[], h: HostView = host()): number[] {
  p.select(h, 30, out);
  expect(checkKeys(p, h)).toBe(-1);
  return watched.filter((r) => p.get(r) === undefined);
}

describe('libtorrent peer-list limit (max_peerlist_size 3000)', () => {
  it('the list never exceeds 3000; with nothing erasable a new peer is refused, known peers still update', () => {
    const p = make21();
    let kept = 0;
    for (let r = 0; r < 5000; r++) if (p.learn(r, [Source.Tracker, Source.Pex, Source.Dht][r % 3] as Source, {}, 0) !== undefined) kept++;
    expect(kept).toBe(LT_MAX_PEERLIST);
    expect(p.size()).toBe(3000);
    expect(p.get(3000)).toBeUndefined();
    expect(p.learn(3000, Source.Tracker, {}, 1)).toBeUndefined();
    expect(p.size()).toBe(3000);
    // A known peer is not an add: it is found and updated (tracker decrement included).
    const info = fail(p, 7, 1);
    expect(p.learn(7, Source.Tracker, {}, 1)?.remote).toBe(7);
    expect(info.failcount).toBe(0);
    expect(checkKeys(p, host())).toBe(-1);
  });

  it('an incoming connection at a full list evicts the best unconnected peer (force_erase); refused when all are in use', () => {
    const p = new FixedStart();
    filled(3000, p);
    // Everything in use (dials in progress) except slots 50, 60 and 70 of the window [0, 300).
    for (let r = 0; r < 3000; r++) if (r !== 50 && r !== 60 && r !== 70) p.onDial(rec(p, r), 1);
    served(p, 50, 3); // failcount 0, trust 3
    fail(p, 60, 1); // failcount 1: still a candidate (waiting), so not erasable, but force-erasable first
    // 70: failcount 0, trust 0
    expect(p.erasableCount()).toBe(0);
    expect(p.learn(5000, Source.Tracker, {}, 3)).toBeUndefined(); // insert_peer: no force
    const evictions: number[] = [];
    for (let k = 0; k < 4; k++) {
      const remote = 5001 + k;
      const before = [50, 60, 70].filter((r) => p.get(r) !== undefined);
      const info = p.learn(remote, Source.Incoming, {}, 3);
      if (info === undefined) break;
      p.onIncoming(info as LibtorrentInfo, 3); // the host attaches the connection
      evictions.push(...before.filter((r) => p.get(r) === undefined));
      expect(p.size()).toBe(3000);
    }
    // compare_peer_erase: failcount 1 first, then lower trust.
    expect(evictions).toEqual([60, 70, 50]);
    expect(p.learn(6000, Source.Incoming, {}, 4)).toBeUndefined();
    expect(p.size()).toBe(3000);
    for (let r = 0; r < 3000; r++) if (r !== 50 && r !== 60 && r !== 70) expect(p.get(r), `remote ${r}`).toBeDefined();
    expect(checkKeys(p, host())).toBe(-1);
  });

  it('erase_peers at a full list scans 300 entries from its start and erases at most one', () => {
    const p = new FixedStart();
    filled(3000, p);
    fail(p, 300, 3);
    fail(p, 150, 3);
    fail(p, 151, 4);
    p.start = 2900; // window 2900…2999, 0…199
    expect(p.learn(5000, Source.Dht, {}, 3)).toBeDefined();
    expect([150, 151, 300].filter((r) => p.get(r) === undefined)).toEqual([151]);
    expect(p.learn(5001, Source.Dht, {}, 3)).toBeDefined();
    expect(p.get(150)).toBeUndefined();
    p.start = 0; // 300 is just outside [0, 300)
    expect(p.learn(5002, Source.Pex, {}, 3)).toBeUndefined();
    expect(p.get(300)).toBeDefined();
    p.start = 1;
    expect(p.learn(5002, Source.Pex, {}, 3)).toBeDefined();
    expect(p.get(300)).toBeUndefined();
    expect(p.size()).toBe(3000);
    expect(checkKeys(p, host())).toBe(-1);
  });
});

describe('libtorrent weeding in find_connect_candidates (from 2850 records)', () => {
  it('starts at 2850 records, one per refill, in the refill window', () => {
    expect(LT_WEED_FROM).toBe(3000 * 0.95);
    const p = make21();
    filled(2849, p);
    for (let r = 0; r < 2849; r++) fail(p, r, 3);
    expect(p.erasableCount()).toBe(2849);
    expect(weededBy(p, [...Array(2849).keys()])).toEqual([]);
    expect(p.size()).toBe(2849);
    p.learn(9000, Source.Tracker, {}, 5); // the 2850th
    const gone = weededBy(p, [...Array(2849).keys()]);
    expect(gone.length).toBe(1);
    expect(p.size()).toBe(2849);
    weededBy(p, [...Array(2849).keys()]);
    expect(p.size()).toBe(2849); // below 2850 again: no weeding
  });

  it('no weeding in a refill while nothing is a connect candidate (want_peers() is false)', () => {
    const p = filled(2900, make21());
    for (let r = 0; r < 2900; r++) fail(p, r, r < 2899 ? 3 : 2); // one candidate left: 2899
    p.onDial(rec(p, 2899), 3); // ...now in use
    for (let k = 0; k < 12; k++) weededBy(p, []);
    expect(p.size()).toBe(2900);
    p.onConnectFailure(rec(p, 2899), 4, 'timeout'); // failcount 3: still none
    weededBy(p, []);
    expect(p.size()).toBe(2900);
    p.learn(9000, Source.Tracker, {}, 5); // a candidate again
    weededBy(p, []);
    expect(p.size()).toBeLessThan(2901);
  });

  /** Two erasable records at window slots 10 and 20 of a 2850 list; returns the one weeded. */
  function pair(setup: (p: LibtorrentPolicy, a: number, b: number) => void, incoming: number[] = []): number[] {
    const p = filled(2850, make21(), incoming);
    setup(p, 10, 20);
    return weededBy(p, [10, 20]);
  }

  it('erase order: higher failcount first, then not connectable, then lower trust points; ties to the later entry', () => {
    // failcount
    expect(pair((p, a, b) => (fail(p, a, 3), fail(p, b, 4)))).toEqual([20]);
    expect(pair((p, a, b) => (fail(p, a, 4), fail(p, b, 3)))).toEqual([10]);
    // connectable (listen port known) is kept longer
    expect(pair((p, a, b) => (fail(p, a, 3), fail(p, b, 3)), [10])).toEqual([10]);
    expect(pair((p, a, b) => (fail(p, a, 3), fail(p, b, 3)), [20])).toEqual([20]);
    // failcount before connectability
    expect(pair((p, a, b) => (fail(p, a, 3), fail(p, b, 4)), [10])).toEqual([20]);
    // trust points
    expect(pair((p, a, b) => (served(p, a, 2), served(p, b, 0), fail(p, a, 3), fail(p, b, 3)))).toEqual([20]);
    expect(pair((p, a, b) => (served(p, a, 0), served(p, b, 5), fail(p, a, 3), fail(p, b, 3)))).toEqual([10]);
    // equals: the later entry of the scan
    expect(pair((p, a, b) => (fail(p, a, 3), fail(p, b, 3)))).toEqual([20]);
  });

  it('never erases a connected peer, a candidate waiting to retry, or a failcount-0 peer', () => {
    const p = filled(2850, make21(), [30]);
    const busy = fail(p, 10, 3);
    p.onIncoming(busy, 3); // connected (incoming) at failcount 3
    const dialling = fail(p, 11, 3);
    p.onDial(dialling, 3); // an outgoing attempt in progress counts as connected
    fail(p, 20, 2); // failcount 2: a candidate, only waiting
    const banned = rec(p, 40);
    p.onDial(banned, 1);
    p.onHandshake(banned, 1, true);
    p.onClose(banned, 2, close({ reason: 'banned', byUs: true })); // banned, failcount 0
    // 30: known only from an incoming connection, failcount 0
    expect(weededBy(p, [10, 11, 20, 30, 40])).toEqual([]);
    expect(p.size()).toBe(2850);
    // Once the connection closes the dead peer is weeded (the next refill window is elsewhere:
    // the one after the cursor's lap comes back to slot 10).
    p.onClose(busy, 5, close({ outgoing: false }));
    const gone: number[] = [];
    for (let k = 0; k < 10 && gone.length === 0; k++) gone.push(...weededBy(p, [10, 11, 20, 30, 40]));
    expect(gone).toEqual([10]);
  });

  it('a known seed is erasable only while the host is done (is_connect_candidate)', () => {
    const seedState: RemoteState = { via: 'bitfield', seed: true, uploadOnly: true };
    for (const done of [false, true]) {
      const p = filled(2850, make20());
      const s = rec(p, 10);
      p.onDial(s, 1);
      p.onHandshake(s, 1, true);
      p.onRemoteState(s, 1, seedState);
      p.onClose(s, 2, close({ severity: 'peer_error' })); // failcount 1
      expect(weededBy(p, [10], host({ done }))).toEqual(done ? [10] : []);
    }
  });

  it('peers at max_failcount stay, never dialled, until weeded', () => {
    const p = filled(2000, make21());
    fail(p, 5, 3);
    for (let t = 0; t < 20; t++) {
      const n = p.select(host({ now: T + t * 1000 }), 30, out);
      expect([...out.slice(0, n)]).not.toContain(5);
    }
    expect(p.get(5)).toBeDefined();
  });
});

const dead: Behaviour = () => ({ type: 'timeout' });
const flaky: Behaviour = (n) =>
  n % 3 === 2
    ? { type: 'refused' }
    : { type: 'connect', handshakeAfter: 1, dataAt: n % 2 ? [1, 2] : [], closeAfter: 20, close: { reason: 'peer_left', byUs: false, severity: n % 4 === 1 ? 'peer_error' : 'normal' } };
const quick: Behaviour = () => ({ type: 'connect', handshakeAfter: 0.5, closeAfter: 5, close: { reason: 'idle', byUs: true } });

/** 3 400 remotes (more than the list holds), relisted by PEX and trackers, some incoming. */
function bigSwarm(exhaustive: boolean, memo: boolean, sizes: number[]): Harness {
  const made = exhaustive ? new ScanningLibtorrent(libtorrent21Variant) : make21();
  const p = memo ? made : (withoutLearnMemo(made) as LibtorrentPolicy);
  const h = new Harness(p, { pulse: 1, peerLimit: 200, useNextWake: true, seed: 'weeding' });
  const N = 3400;
  for (let r = 0; r < N; r++) {
    const b = r % 5 < 3 ? dead : r % 5 === 3 ? flaky : quick;
    h.addRemote(r, b, r % 7 === 0 ? Source.Incoming : Source.Tracker, {}, (r * 17) % 300);
  }
  for (let t = 320; t < 900; t += 37) {
    h.at(t, () => {
      for (let r = t % 11; r < N; r += 9) {
        if (r % 13 === 0) {
          const info = h.policy.learn(r, Source.Incoming, {}, t);
          // An incoming connection that fails its handshake at once.
          if (info !== undefined && !info.inUse) {
            h.policy.onIncoming(info, t);
            h.policy.onHandshakeFailure(info, t, false, false);
          }
        } else h.policy.learn(r, r % 2 ? Source.Pex : Source.Tracker, r % 3 ? {} : { seed: true, uploadOnly: true }, t);
      }
    });
  }
  h.at(600, () => {
    h.host.done = true;
  });
  for (let t = 5; t < 900; t += 29) {
    h.at(t + 0.5, () => {
      sizes.push(p.size());
      expect(checkKeys(p, h.host)).toBe(-1);
    });
  }
  h.run(900);
  return h;
}

describe('weeding keeps every structure consistent', () => {
  it('3 400 remotes: ≤ 3000 records; same dials with the erase ranks as ranking records, with and without the learn memo', () => {
    const sizes: number[] = [];
    const a = bigSwarm(true, true, sizes);
    const b = bigSwarm(false, true, []);
    const c = bigSwarm(false, false, []);
    expect(Math.max(...sizes)).toBe(LT_MAX_PEERLIST);
    const pa = a.policy as LibtorrentPolicy;
    let dialled = 0;
    for (let r = 0; r < 3400; r++) if (a.dialTimes(r).length > 0) dialled++;
    // More peers dialled than the list holds: dialled-out peers were weeded to make room.
    expect(dialled).toBeGreaterThan(LT_MAX_PEERLIST);
    expect([...Array(3400).keys()].filter((r) => a.dialTimes(r).length > 0 && pa.get(r) === undefined).length).toBeGreaterThan(100);
    let total = 0;
    for (let r = 0; r < 3400; r++) {
      expect(b.dialTimes(r), `remote ${r}`).toEqual(a.dialTimes(r));
      expect(c.dialTimes(r), `remote ${r}`).toEqual(a.dialTimes(r));
      expect(b.policy.get(r) === undefined).toBe(pa.get(r) === undefined);
      total += a.dialTimes(r).length;
    }
    expect(total).toBeGreaterThan(3400);
    expect(b.policy.size()).toBe(pa.size());
  });
});

describe('libtorrent peer lists in a swarm larger than 3000', () => {
  it('3 050 libtorrent peers, the last arrivals told of everyone: no policy holds more than 3000 records', () => {
    // The crowd trickles in over 1 s (peer k hears of the k − 1 before it, so only the last
    // ones meet the limit) and mostly refuses connections without dialling (cheap); the subject
    // group arrives last and hears of all 3 030 others.
    const scenario = ScenarioSchema.parse({
      duration: 2,
      torrent: { size: 4 * 1024 * 1024, piece_size: 256 * 1024 },
      network: { rtt: { median: 0.05, sigma: 0 } },
      discovery: { tracker: { interval: 3600, min_interval: 3600, numwant: 4000 } },
      population: {
        subject: { count: 20, role: 'leecher', client: 'libtorrent', arrival: { at: 1 } },
        crowd: { count: 3030, role: 'leecher', client: 'libtorrent', policy: 'libtorrent-2.1', arrival: { uniform: [0, 1] }, behaviour: { refuse: 0.9 } },
      },
      subject: 'subject',
    });
    const { factory, params } = getPolicyFactory('libtorrent-2.0');
    const { swarm } = buildRun({ scenario, policy: 'libtorrent-2.0', factory, params, rep: 0, seed: 1, trace: 'none' });
    swarm.run();
    const full = new Map<string, number>();
    for (const peer of swarm.peers) {
      const p = peer.policy as unknown as LibtorrentPolicy;
      expect(p.size()).toBeLessThanOrEqual(LT_MAX_PEERLIST);
      if (p.size() === LT_MAX_PEERLIST) full.set(p.name, (full.get(p.name) ?? 0) + 1);
      expect(checkKeys(p, peer)).toBe(-1);
    }
    // Every subject and the crowd's last arrivals reached the limit.
    expect(full.get('libtorrent-2.0')).toBe(20);
    expect(full.get('libtorrent-2.1')).toBeGreaterThan(10);
  });
});
