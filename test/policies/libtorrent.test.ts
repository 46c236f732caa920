import { describe, expect, it } from 'vitest';
import { libtorrent20 } from '../../sim/policies/clients/libtorrent-2.0.js';
import { libtorrent21 } from '../../sim/policies/clients/libtorrent-2.1.js';
import { LibtorrentInfo, LibtorrentPolicy } from '../../sim/policies/clients/libtorrent-common.js';
import type { CloseInfo, RemoteState } from '../../sim/policies/policy.js';
import { Source } from '../../sim/policies/source.js';
import { Harness, LTEP_UPLOAD_ONLY, closesAfterHandshake, dead, hostView, uploadOnlyBeforeHaveAll } from './harness.js';

const make20 = (): LibtorrentPolicy => libtorrent20.create({}) as unknown as LibtorrentPolicy;
const make21 = (): LibtorrentPolicy => libtorrent21.create({}) as unknown as LibtorrentPolicy;

const UPLOAD_ONLY = LTEP_UPLOAD_ONLY;

function close(over: Partial<CloseInfo> = {}): CloseInfo {
  return { reason: 'peer_left', byUs: false, severity: 'normal', pieceBytes: 0, outgoing: true, ...over };
}

describe('libtorrent anchors (§9, validation §7)', () => {
  for (const make of [make20, make21]) {
    it(`${make().name}: a dead peer is dialled at 0, 135 and 333 s, then never`, () => {
      const h = new Harness(make(), { pulse: 1 });
      h.addRemote(1, dead);
      h.run(20000);
      expect(h.dialTimes(1)).toEqual([0, 135, 333]);
      expect((h.info(1) as LibtorrentInfo).failcount).toBe(3);
    });
  }

  it('one more dial per tracker response that lists the dead peer; none for DHT/PEX', () => {
    const h = new Harness(make21(), { pulse: 1 });
    h.addRemote(1, dead);
    h.run(999);
    h.at(1000, () => h.policy.learn(1, Source.Dht, {}, 1000));
    h.at(1000, () => h.policy.learn(1, Source.Pex, {}, 1000));
    h.run(1500);
    expect(h.dialTimes(1)).toEqual([0, 135, 333]);
    h.at(2000, () => h.policy.learn(1, Source.Tracker, {}, 2000));
    h.run(5000);
    expect(h.dialTimes(1)).toEqual([0, 135, 333, 2000]);
    h.at(6000, () => h.policy.learn(1, Source.Tracker, {}, 6000));
    h.run(9000);
    expect(h.dialTimes(1)).toEqual([0, 135, 333, 2000, 6000]);
  });

  it('a DHT-only dead peer gets exactly 3 dials', () => {
    const h = new Harness(make20(), { pulse: 1 });
    h.addRemote(1, dead, Source.Dht);
    h.run(50000);
    expect(h.dialTimes(1).length).toBe(3);
  });

  it('upstream dead_peers: 3 dead peers, 1 s connect timeout, 100 s → exactly 3 connect timeouts', () => {
    const h = new Harness(make21(), { pulse: 1 });
    for (const r of [1, 2, 3]) h.addRemote(r, () => ({ type: 'timeout', after: 1 }));
    h.run(100);
    expect([1, 2, 3].map((r) => h.dialTimes(r).length)).toEqual([1, 1, 1]);
  });

  for (const d of [1, 2, 5, 13]) {
    it(`finished client vs an upload_only-before-have_all seed (d = ${d} s): 2.0 ⌊H/(60+d)⌋+1 dials, 2.1 one`, () => {
      const H = 3600;
      const h20 = new Harness(make20(), { pulse: 1, done: true });
      const h21 = new Harness(make21(), { pulse: 1, done: true });
      for (const h of [h20, h21]) {
        h.addRemote(1, uploadOnlyBeforeHaveAll(d));
        h.run(H);
      }
      expect(h20.dialTimes(1).length).toBe(Math.floor(H / (60 + d)) + 1);
      expect(h20.dialTimes(1).slice(0, 3)).toEqual([0, 60 + d, 2 * (60 + d)]);
      expect(h21.dialTimes(1)).toEqual([0]);
      expect((h20.info(1) as LibtorrentInfo).failcount).toBe(0);
      expect(h20.info(1).seed).toBe(false);
    });
  }

  it('2.0 suppresses a seed once the bitfield arrives; a downloading host still dials it', () => {
    const full: RemoteState = { via: 'bitfield', seed: true, uploadOnly: true };
    const h = new Harness(make20(), { pulse: 1, done: true });
    h.addRemote(1, () => ({ type: 'connect', handshakeAfter: 1, states: [UPLOAD_ONLY, full], closeAfter: 0, close: { byUs: true } }));
    h.run(1000);
    expect(h.dialTimes(1)).toEqual([0]);
    const p = h.policy as unknown as LibtorrentPolicy;
    const info = h.info(1) as LibtorrentInfo;
    expect(p.eligibleAt(info, hostView({ done: true }))).toBe(Infinity);
    expect(p.eligibleAt(info, hostView({ done: false }))).toBe(61);
  });

  it('2.1: an LTEP handshake only sets upload_only (bt_peer_connection.cpp:2038), a have that completes the peer sets seed and upload_only', () => {
    const p = make21();
    const info = p.learn(1, Source.Tracker, {}, 0) as LibtorrentInfo;
    p.onRemoteState(info, 1, UPLOAD_ONLY);
    expect(p.eligibleAt(info, hostView({ done: true }))).toBe(Infinity);
    p.onRemoteState(info, 2, { via: 'ltep', seed: false, uploadOnly: false });
    expect(info.uploadOnly).toBe(true);
    expect(p.eligibleAt(info, hostView({ done: true }))).toBe(Infinity);
    const other = p.learn(2, Source.Tracker, {}, 0) as LibtorrentInfo;
    p.onRemoteState(other, 3, { via: 'have', seed: true, uploadOnly: true });
    expect(other.seed && other.uploadOnly).toBe(true);
    const p20 = make20();
    const i20 = p20.learn(1, Source.Tracker, {}, 0) as LibtorrentInfo;
    p20.onRemoteState(i20, 1, UPLOAD_ONLY);
    expect(i20.uploadOnly).toBe(false);
    p20.onRemoteState(i20, 2, { via: 'have', seed: true, uploadOnly: true });
    expect(i20.seed).toBe(true); // set_seed on the last have (peer_connection.cpp:2056): 2.0 stops re-dialling it
    expect(i20.uploadOnly).toBe(false);
    expect(p20.eligibleAt(i20, hostView({ done: true }))).toBe(Infinity);
  });
});

describe('libtorrent failcount and timing (§3, §4)', () => {
  it('transitions: +1 connect failure, +1 failure/peer_error close, normal closes unchanged, 0 at handshake, −1 tracker', () => {
    const p = make21();
    const info = p.learn(1, Source.Tracker, {}, 0) as LibtorrentInfo;
    p.onDial(info, 0);
    p.onConnectFailure(info, 15, 'timeout');
    expect([info.failcount, info.lastConnected]).toEqual([1, 15]);
    expect(p.connectTimeout(info)).toBe(18);
    expect(p.eligibleAt(info, hostView())).toBe(135);
    p.onDial(info, 135);
    p.onHandshakeFailure(info, 140, true, true); // EOF / handshake timeout: normal
    expect([info.failcount, info.lastConnected]).toEqual([1, 140]);
    p.onDial(info, 300);
    p.onHandshake(info, 301, true);
    expect(info.failcount).toBe(0);
    p.onClose(info, 302, close({ severity: 'peer_error' }));
    expect(info.failcount).toBe(1);
    p.onDial(info, 500);
    p.onHandshake(info, 501, true);
    p.onClose(info, 502, close({ severity: 'normal', reason: 'seed_seed', byUs: true }));
    expect(info.failcount).toBe(0);
    expect(p.eligibleAt(info, hostView())).toBe(562);
    info.failcount = 2;
    expect(p.eligibleAt(info, hostView())).toBe(502 + 180);
    expect(p.connectTimeout(info)).toBe(21);
    p.learn(1, Source.Dht, {}, 600);
    expect(info.failcount).toBe(2);
    p.learn(1, Source.Tracker, {}, 600);
    expect(info.failcount).toBe(1);
    p.learn(1, Source.Tracker, {}, 601);
    p.learn(1, Source.Tracker, {}, 602);
    expect(info.failcount).toBe(0);
    info.failcount = 3;
    expect(p.eligibleAt(info, hostView())).toBe(Infinity);
  });

  it('a peer that accepts then hangs up is retried every 60 s after the close, forever', () => {
    const h = new Harness(make20(), { pulse: 1 });
    h.addRemote(1, closesAfterHandshake(1, 1));
    h.run(1000);
    const d = h.dialTimes(1);
    expect(d.slice(0, 4)).toEqual([0, 62, 124, 186]);
    expect(d.length).toBe(Math.floor(1000 / 62) + 1);
  });

  it('a peer known only from an incoming connection is not dialled until its handshake', () => {
    const p = make21();
    const info = p.learn(7, Source.Incoming, {}, 0) as LibtorrentInfo;
    expect(p.eligibleAt(info, hostView())).toBe(Infinity);
    p.onIncoming(info, 0);
    p.onHandshake(info, 1, false);
    p.onClose(info, 2, close());
    expect(p.eligibleAt(info, hostView())).toBe(62);
  });
});

describe('libtorrent candidate order and window (§1, §2)', () => {
  it('compare_peer: failcount, last connected, seed hint when finished, source rank, BEP 40 stand-in', () => {
    const p = make21();
    const a = p.learn(1, Source.Tracker, {}, 0) as LibtorrentInfo;
    const b = p.learn(2, Source.Dht, {}, 0) as LibtorrentInfo;
    const c = p.learn(3, Source.Tracker, {}, 0) as LibtorrentInfo;
    p.learn(3, Source.Lpd, {}, 0); // rank 48
    const d = p.learn(4, Source.Tracker, { seed: true }, 0) as LibtorrentInfo; // hint
    const e = p.learn(5, Source.Tracker, {}, 0) as LibtorrentInfo;
    Object.assign(e, { everConnected: true, lastConnected: 10 });
    const f = p.learn(6, Source.Tracker, {}, 0) as LibtorrentInfo;
    Object.assign(f, { failcount: 1, everConnected: true, lastConnected: 5 });
    const out = new Int32Array(30);
    let n = p.select(hostView({ now: 1000, done: false }), 30, out);
    // 3 (tracker + LSD = 48) first; 1 and 4 (tracker, 32; the hint counts only when finished)
    // by BEP 40 stand-in; 2 (DHT, 8); then 5 (connected before); then 6 (failcount 1).
    const pair = a.bep40 > d.bep40 ? [1, 4] : [4, 1];
    expect([...out.slice(0, n)]).toEqual([3, ...pair, 2, 5, 6]);
    expect([b, c, e, f].every((x) => x.bep40 >= 0)).toBe(true);
    // Finished: the seed hint moves 4 behind the other never-connected peers.
    const q = make21();
    for (const [r, s, fl] of [
      [1, Source.Tracker, {}],
      [4, Source.Tracker, { seed: true }],
      [2, Source.Dht, {}],
    ] as const)
      q.learn(r, s, fl, 0);
    n = q.select(hostView({ now: 10, done: true }), 30, out);
    expect([...out.slice(0, n)]).toEqual([1, 2, 4]);
  });

  it('scans a 300-entry round-robin window and keeps the best 10', () => {
    const p = make20();
    for (let r = 0; r < 1000; r++) p.learn(r, Source.Tracker, {}, 0);
    const out = new Int32Array(64);
    const n = p.select(hostView({ now: 0, peerLimit: 200 }), 64, out);
    expect(n).toBe(30);
    const got = [...out.slice(0, n)];
    const bep = (r: number): number => (p.get(r) as LibtorrentInfo).bep40;
    for (const [i, lo] of [
      [0, 0],
      [10, 300],
      [20, 600],
    ] as const) {
      const window = [...Array(300).keys()].map((k) => k + lo);
      const best10 = window.sort((x, y) => bep(y) - bep(x)).slice(0, 10);
      expect(got.slice(i, i + 10)).toEqual(best10);
    }
  });

  it('refills only when the cache is empty; drops cached peers that stopped being candidates', () => {
    const p = make21();
    for (let r = 0; r < 20; r++) p.learn(r, Source.Tracker, {}, 0);
    const out = new Int32Array(64);
    expect(p.select(hostView({ now: 0 }), 3, out)).toBe(3);
    expect(p.cachedRemaining()).toBe(7);
    const bep = (r: number): number => (p.get(r) as LibtorrentInfo).bep40;
    const ranked = [...Array(20).keys()].sort((x, y) => bep(y) - bep(x));
    expect([...out.slice(0, 3)]).toEqual(ranked.slice(0, 3));
    // A better peer (more sources) arrives; the 4th-best becomes connected (incoming).
    p.learn(100, Source.Tracker, {}, 0.5);
    p.learn(100, Source.Lpd, {}, 0.5);
    p.onIncoming(p.get(ranked[3] as number) as LibtorrentInfo, 0.5);
    // The cache is served first, skipping the connected one; 100 waits for the refill.
    const n = p.select(hostView({ now: 1 }), 30, out);
    const got = [...out.slice(0, n)];
    expect(got.slice(0, 6)).toEqual(ranked.slice(4, 10));
    expect(got[6]).toBe(100);
    expect(got).not.toContain(ranked[3]);
    expect(new Set(got).size).toBe(got.length);
  });

  it('a tick gives up after num_torrents + 1 empty tries: 3 refills before its first dial, 2 after one (session_impl.cpp:4563)', () => {
    // 1 200 peers, all in use except one at 700 (window 3) and one at 1 000 (window 4).
    const p = make21();
    for (let r = 0; r < 1200; r++) p.learn(r, Source.Tracker, {}, 0);
    for (let r = 0; r < 1200; r++) if (r !== 700 && r !== 1000) p.onDial(p.get(r) as LibtorrentInfo, 0);
    const out = new Int32Array(64);
    // Windows [0,300) and [300,600) are empty; the third refill finds 700, the cache then runs
    // dry and two empty refills ([900,1200) holds 1000, so the first of them dials it).
    expect([...out.slice(0, p.select(hostView({ now: 1, peerLimit: 200 }), 30, out))]).toEqual([700, 1000]);
    // 1 500 peers, candidates in windows 2 and 5: after the dial of 400, windows 3 and 4 are
    // two empty refills and end the tick; 1 300 waits for the next tick.
    const q = make21();
    for (let r = 0; r < 1500; r++) q.learn(r, Source.Tracker, {}, 0);
    for (let r = 0; r < 1500; r++) if (r !== 400 && r !== 1300) q.onDial(q.get(r) as LibtorrentInfo, 0);
    expect([...out.slice(0, q.select(hostView({ now: 1, peerLimit: 200 }), 30, out))]).toEqual([400]);
    q.onDial(q.get(400) as LibtorrentInfo, 1);
    expect([...out.slice(0, q.select(hostView({ now: 2, peerLimit: 200 }), 30, out))]).toEqual([1300]);
  });

  it('rate: ≤ 30 per tick, smoothed to ⌊(limit − connections + 1) / 2⌋, ≤ budget', () => {
    const p = make21();
    for (let r = 0; r < 100; r++) p.learn(r, Source.Tracker, {}, 0);
    const out = new Int32Array(64);
    expect(p.select(hostView({ peerLimit: 200, connections: 0 }), 64, out)).toBe(30);
    expect(p.select(hostView({ peerLimit: 50, connections: 40 }), 64, out)).toBe(5);
    expect(p.select(hostView({ peerLimit: 50, connections: 40 }), 2, out)).toBe(2);
    expect(p.select(hostView({ peerLimit: 50, connections: 50 }), 0, out)).toBe(0);
  });

  it('nextWake lets the host sleep without changing dial times', () => {
    const a = new Harness(make20(), { pulse: 1 });
    const b = new Harness(make20(), { pulse: 1, useNextWake: true });
    for (const h of [a, b]) {
      h.addRemote(1, dead);
      h.addRemote(2, closesAfterHandshake(1, 5));
      h.addRemote(3, dead, Source.Dht, {}, 40);
      h.at(1200, () => h.policy.learn(1, Source.Tracker, {}, 1200));
      h.run(5000);
    }
    for (const r of [1, 2, 3]) expect(b.dialTimes(r)).toEqual(a.dialTimes(r));
    expect(b.selects).toBeLessThan(a.selects / 5);
  });
});

describe('audit fixes (shared/reference/audit.md)', () => {
  it('#13: maybe_upload_only is cleared when a connection is attached and set by PEX only while unconnected', () => {
    const p = make21();
    const info = p.learn(1, Source.Pex, { seed: true }, 0) as LibtorrentInfo;
    expect(info.maybeUploadOnly).toBe(true);
    p.onDial(info, 1);
    expect(info.maybeUploadOnly).toBe(false);
    p.learn(1, Source.Pex, { seed: true }, 2); // connected: "we already know if it's a seed"
    expect(info.maybeUploadOnly).toBe(false);
    p.onConnectFailure(info, 16, 'timeout');
    p.learn(1, Source.Pex, { seed: true }, 20);
    expect(info.maybeUploadOnly).toBe(true);
  });

  it('#6: the first dial is uTP; a uTP failure costs no failcount and the next dial is TCP at once', () => {
    const p = make20();
    const info = p.learn(1, Source.Tracker, {}, 0) as LibtorrentInfo;
    expect(p.utpFirst(info)).toBe(true);
    p.onDial(info, 0);
    p.onUtpFailure(info, 15);
    expect(info.failcount).toBe(0);
    expect(info.inUse).toBe(false);
    expect(p.utpFirst(info)).toBe(false);
  });

  it('#5: PEX flags: seed as the link learned it, never connectable', () => {
    const p = make20();
    const info = p.learn(1, Source.Tracker, {}, 0) as LibtorrentInfo;
    p.onDial(info, 0);
    p.onHandshake(info, 1, true);
    p.onRemoteState(info, 1, { via: 'bitfield', seed: true, uploadOnly: true });
    const flags: { seed?: boolean; connectable?: boolean } = { connectable: true };
    p.advertise(1, flags);
    expect(flags).toMatchObject({ seed: true, connectable: undefined });
  });
});
