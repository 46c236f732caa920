import { describe, expect, it } from 'vitest';
import { CLOSE_REASONS, type CloseInfo } from '../../sim/policies/policy.js';
import type { PeerInfo } from '../../sim/policies/peer-info.js';
import type { Scenario } from '../../sim/scenario/schema.js';
import { runTraced, testScenario, type TracedRow } from './run-helpers.js';

/**
 * The audit's departures (shared/reference/audit.md), each held to its upstream rule on a whole
 * swarm: the model's mechanics, not a policy alone.
 */
const scenario = (over: Record<string, unknown>): Scenario => testScenario({ duration: 600, ...over });
const run = (s: Scenario, policy: string, before?: Parameters<typeof runTraced>[3]) => runTraced(s, policy, 1, before);
type Row = TracedRow;

const dialsBy = (rows: Row[], from: number, until = Infinity): Row[] => rows.filter((r) => r.from === from && (r.t_dial as number) < until);

describe('Transmission dial budget (audit #1)', () => {
  const deadPool = (client: string) =>
    scenario({
      duration: 60,
      discovery: { tracker: { numwant: 400 } },
      population: {
        subject: { count: 1, role: 'leecher', client: 'transmission' },
        seed: { count: 1, role: 'seed', client },
        dead: { count: 300, role: 'leecher', client: 'transmission', behaviour: 'ghost' },
      },
    });

  it('4.1 downloading takes 9 per 0.5 s pulse past 50 pending dials: ~18/s while dead peers time out', () => {
    const r = run(deadPool('transmission'), 'transmission-4.1');
    const first10 = dialsBy(r.rows, 0, 10).length;
    // Upstream: 18/s (K = 9 per pulse, no socket cap while downloading). The old budget
    // (50 − all sockets) allowed ~50 in the first 30 s.
    expect(first10).toBeGreaterThanOrEqual(170);
    expect(first10).toBeLessThanOrEqual(181);
  });

  it('4.0 stops at the global 200 open sockets (limit_reached, downloading or not), 12/s until then', () => {
    const r = run(deadPool('transmission'), 'transmission-4.0');
    expect(dialsBy(r.rows, 0, 10).length).toBeGreaterThanOrEqual(115);
    expect(dialsBy(r.rows, 0, 10).length).toBeLessThanOrEqual(121);
    // Ghost dials time out after 30 s: at most 200 are in flight at once.
    const rows = dialsBy(r.rows, 0, 30);
    expect(rows.length).toBeLessThanOrEqual(200);
    expect(rows.length).toBeGreaterThanOrEqual(195);
  });
});

describe('incoming connections reset Transmission 4.1 fruitless count (audit #2)', () => {
  it('a libtorrent seed dialling a 4.1 seed every 60 s keeps its count near 1, so 4.1 redials it about every 10 s', () => {
    const s = scenario({
      duration: 900,
      discovery: { pex: { enabled: false } },
      population: {
        subject: { count: 1, role: 'seed', client: 'transmission' },
        lt: { count: 1, role: 'seed', client: 'libtorrent', policy: 'libtorrent-2.0' },
      },
    });
    const r = run(s, 'transmission-4.1');
    const fails = (r.swarm.peers[0]!.policy.get(1) as unknown as { fails: number }).fails;
    expect(fails).toBeLessThanOrEqual(2);
    const incoming = r.rows.filter((x) => x.from === 1).length;
    expect(incoming).toBeGreaterThanOrEqual(13); // libtorrent 2.0's #7700 loop: every ~60 s
  });
});

describe('Transmission 4.0.6 refuses a known seed when done (audit #14)', () => {
  // A libtorrent 2.0 seed re-dials the subject seed every 60 s (#7700). A downloading 4.1 leecher
  // tells the subject by PEX that the libtorrent peer is a seed; from then on a 4.0.6 subject
  // drops its encrypted handshakes (handshake.cc:523-531), while main (after #5756) and 4.1.3
  // complete them and close seed to seed.
  const s = (encryption: boolean) =>
    scenario({
      duration: 900,
      network: { rtt: { median: 0.05, sigma: 0 }, encryption },
      discovery: { pex: { enabled: true, interval: 60 } },
      population: {
        subject: { count: 1, role: 'seed', client: 'transmission' },
        lt: { count: 1, role: 'seed', client: 'libtorrent', policy: 'libtorrent-2.0' },
        leecher: { count: 1, role: 'leecher', client: 'transmission', policy: 'transmission-4.1', download: 2000 },
      },
    });
  const fromLt = (policy: string, encryption = true) => run(s(encryption), policy).rows.filter((x) => x.from_group === 'lt' && x.to_group === 'subject');

  it('4.0: once the pool holds the dialler as a seed, its encrypted handshakes fail; before that they close seed to seed', () => {
    const rows = fromLt('transmission-4.0');
    const refused = rows.filter((x) => x.outcome === 'handshake_failed');
    expect(refused.length).toBeGreaterThanOrEqual(8);
    const firstRefused = Math.min(...refused.map((x) => Number(x.t_dial)));
    // Every later dial is refused: the PEX seed flag is OR-ed and never cleared.
    expect(rows.filter((x) => Number(x.t_dial) > firstRefused).every((x) => x.outcome === 'handshake_failed')).toBe(true);
    expect(rows.filter((x) => x.outcome === 'wasted').every((x) => Number(x.t_dial) < firstRefused)).toBe(true);
  });

  it.each(['transmission-4.1', 'transmission-main-2023'])('%s completes them and closes seed to seed', (policy) => {
    const rows = fromLt(policy);
    expect(rows.length).toBeGreaterThanOrEqual(8);
    expect(rows.filter((x) => x.outcome === 'handshake_failed')).toEqual([]);
    expect(rows.filter((x) => x.outcome === 'wasted' && x.close_reason === 'seed_seed').length).toBeGreaterThanOrEqual(8);
  });

  it('4.0 reads a plaintext handshake without the check', () => {
    expect(fromLt('transmission-4.0', false).filter((x) => x.outcome === 'handshake_failed')).toEqual([]);
  });
});

describe('libtorrent uTP first (audit #6)', () => {
  it('a dead peer is dialled at 0, 15 (TCP at once after the uTP timeout), 150 and 348 s', () => {
    const s = scenario({
      duration: 850, // the re-announce at 900 s takes a failcount off
      population: {
        subject: { count: 1, role: 'leecher', client: 'libtorrent' },
        dead: { count: 1, role: 'leecher', client: 'libtorrent', behaviour: 'ghost' },
      },
    });
    const r = run(s, 'libtorrent-2.0');
    const t = dialsBy(r.rows, 0).map((x) => x.t_dial as number);
    const t0 = t[0]!;
    expect(t.map((x) => Math.round(x - t0))).toEqual([0, 15, 150, 348]);
  });
});

describe('wire exchange (audit #7, #8)', () => {
  it('both ends read LTEP and bitfield before the first close: a Transmission 4.1 seed learns a libtorrent seed that closes on LTEP', () => {
    const s = scenario({
      duration: 300,
      discovery: { pex: { enabled: false } },
      population: {
        subject: { count: 1, role: 'seed', client: 'transmission' },
        lt: { count: 1, role: 'seed', client: 'libtorrent', policy: 'libtorrent-2.0' },
      },
    });
    const r = run(s, 'transmission-4.1');
    const info = r.swarm.peers[0]!.policy.get(1) as PeerInfo;
    expect(info.seed).toBe(true);
    expect(info.uploadOnly).toBe(true);
    // So without PEX the done 4.1 seed never dials it (done ∧ upload-only ∧ ¬PEX); only the
    // libtorrent seed dials, and closes on the LTEP upload_only each time.
    expect(r.rows.filter((x) => x.from === 0)).toHaveLength(0);
    expect(r.rows.every((x) => x.close_reason === 'seed_seed' && x.closed_by === 'from')).toBe(true);
  });

  it('a peer that completes during a connection becomes a seed in the other end\'s record (libtorrent 2.0 stops re-dialling it)', () => {
    const s = scenario({
      duration: 1200,
      torrent: { size: 4 * 1024 * 1024, piece_size: 256 * 1024 },
      population: {
        subject: { count: 1, role: 'leecher', client: 'libtorrent', download: 2e5 },
        fast: { count: 1, role: 'leecher', client: 'libtorrent', policy: 'libtorrent-2.0', download: 1e7 },
        seed: { count: 1, role: 'seed', client: 'libtorrent', policy: 'libtorrent-2.0', upload: 2e6 },
      },
    });
    const r = run(s, 'libtorrent-2.0');
    const fast = r.swarm.peers[1]!;
    const subject = r.swarm.peers[0]!;
    expect(fast.completedAt).toBeLessThan(subject.completedAt);
    expect((subject.policy.get(1) as PeerInfo).seed).toBe(true);
    const after = r.rows.filter((x) => x.from === 0 && x.to === 1 && (x.t_dial as number) > subject.completedAt);
    expect(after).toHaveLength(0);
  });
});

describe('piece data per block (audit #9)', () => {
  it('a piece streaming for longer than the idle limit keeps the link open', () => {
    const s = scenario({
      duration: 2000,
      torrent: { size: 8 * 1024 * 1024, piece_size: 4 * 1024 * 1024 },
      population: {
        subject: { count: 1, role: 'leecher', client: 'transmission', download: 1e7 },
        seed: { count: 1, role: 'seed', client: 'transmission', upload: 1e4 },
      },
    });
    const r = run(s, 'transmission-4.1');
    // 4 MiB at 10 kB/s: ~420 s a piece, longer than the 300 s idle limit.
    expect(r.rows.filter((x) => x.close_reason === 'idle')).toHaveLength(0);
    expect(r.swarm.peers[0]!.done).toBe(true);
  });
});

describe('close reasons per side', () => {
  it('the end that did not decide a close reads peer_left; the leaver reads local_left', () => {
    const s = scenario({
      duration: 3000,
      population: {
        subject: { count: 1, role: 'seed', client: 'transmission' },
        crowd: { count: 3, role: 'seed', client: 'transmission', flapping: { share: 1, online: 120, offline: 60 } },
      },
    });
    const seen: string[][] = [[], [], [], []];
    const r = run(s, 'transmission-4.0', (b) => {
      for (const p of b.swarm.peers) {
        const inner = p.policy.onClose.bind(p.policy);
        p.policy.onClose = (info: PeerInfo, now: number, close: CloseInfo) => {
          seen[p.id]!.push(`${close.reason}:${close.byUs}`);
          inner(info, now, close);
        };
      }
    });
    const left = r.rows.filter((x) => x.close_reason === 'local_left');
    expect(left.length).toBeGreaterThan(0);
    expect(seen[0]).toContain('peer_left:false');
    expect(seen.slice(1).flat()).toContain('local_left:true');
    expect(seen.flat().every((x) => x.startsWith('peer_left') ? x.endsWith(':false') : x.endsWith(':true'))).toBe(true);
  });
});

describe('the close vocabulary', () => {
  it('every reason in CLOSE_REASONS is produced by the model', () => {
    const reasons = new Set<string>();
    const mixed = scenario({
      duration: 1500,
      population: {
        subject: { count: 2, role: 'seed', client: 'transmission' },
        normal: { count: 6, role: 'leecher', client: 'transmission', stay: { fixed: 60 } },
        odd: {
          count: 12,
          role: 'leecher',
          client: 'transmission',
          behaviour: { drop_after_handshake: 0.25, always_full: 0.25, bad_data: 0.25, hammer: 0.25 },
        },
      },
    });
    for (const r of run(mixed, 'transmission-4.1').rows) reasons.add(String(r.close_reason));
    // Transmission's idle rule: a leecher whose only seed never unchokes it.
    const stingy = scenario({
      duration: 700,
      population: { subject: { count: 1, role: 'leecher', client: 'transmission' }, seed: { count: 1, role: 'seed', client: 'transmission', behaviour: 'never_unchoke' } },
    });
    for (const r of run(stingy, 'transmission-4.1').rows) reasons.add(String(r.close_reason));
    // libtorrent's mutual no-interest rule needs a client within 5 of its 200 connections:
    // 205 leechers and no seed, so nobody is ever interested.
    const crowd = scenario({
      duration: 700,
      population: { subject: { count: 1, role: 'leecher', client: 'libtorrent' }, crowd: { count: 204, role: 'leecher', client: 'libtorrent' } },
    });
    for (const r of run(crowd, 'libtorrent-2.1').rows) reasons.add(String(r.close_reason));
    for (const reason of CLOSE_REASONS) expect(reasons, reason).toContain(reason);
  });
});
