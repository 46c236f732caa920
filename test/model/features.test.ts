import { describe, expect, it } from 'vitest';
import { buildRun, runOne } from '../../sim/experiments/run-one.js';
import { pickRarest } from '../../sim/model/piece-picker.js';
import { Bitfield } from '../../sim/model/bitfield.js';
import { RandomStream } from '../../sim/engine/random.js';
import { getPolicyFactory } from '../../sim/policies/registry.js';
import { loadScenario } from '../../sim/scenario/load.js';
import { InputError } from '../../sim/input-error.js';
import { runTraced, testScenario } from './run-helpers.js';

const scenario = testScenario;
const run = runTraced;

describe('pieces and choking', () => {
  it('rarest first picks the piece the fewest connected peers have', () => {
    const other = new Bitfield(64);
    other.fill();
    const mine = new Bitfield(64);
    mine.set(3);
    const busy = new Bitfield(64);
    busy.set(9);
    const avail = new Uint16Array(64).fill(5);
    avail[3] = 0; // mine already
    avail[9] = 1; // in flight
    avail[40] = 2;
    avail[41] = 2;
    const rng = new RandomStream('picker');
    const picks = new Set<number>();
    for (let i = 0; i < 200; i++) picks.add(pickRarest(other, mine, busy, avail, rng));
    // Uniform among the equally rarest (40 and 41), never the busy or held ones.
    expect([...picks].sort()).toEqual([40, 41]);
    avail[50] = 0; // nobody connected has it (only seeds): rarer still
    expect(pickRarest(other, mine, busy, avail, rng)).toBe(50);
  });

  it('a seed unchokes at most its slots and the optimistic unchoke lets every leecher in', () => {
    // 30 s optimistic rotations among 20 leechers, whose choked links the seed closes as idle
    // after ~194 s (and re-dials): 1800 s gives every leecher a turn.
    const s = scenario({
      duration: 1800,
      torrent: { size: 64 * 1024 * 1024, piece_size: 256 * 1024 },
      population: {
        subject: { count: 1, role: 'seed', upload: 1e6 },
        crowd: { count: 20, role: 'leecher', upload: 1, download: 1e7, arrival: { at: 0 } },
      },
    });
    const r = run(s);
    const got = new Set(r.swarm.peers.filter((p) => p.pieceBytesDown > 0).map((p) => p.id));
    expect(got.size).toBe(20);
    expect(r.swarm.peers[0]!.unchoked).toBeLessThanOrEqual(8);
  });
});

describe('arrivals and departures', () => {
  it('reads arrivals from a CSV trace relative to the scenario file', () => {
    const { scenario: s } = loadScenario('test/fixtures/trace-arrivals.yaml');
    const r = run(s);
    const arrivals = r.swarm.peers.filter((p) => p.group === 1).map((p) => p.arrivedAt);
    expect(arrivals).toEqual([5, 10.5, 600]);
  });

  it('names the file and line of a malformed trace row', () => {
    expect(() => loadScenario('test/fixtures/trace-arrivals.yaml', [{ path: 'population.crowd.arrival.trace', value: 'arrivals-bad.csv' }])).toThrow(
      /arrivals-bad\.csv:3: expected a time in seconds ≥ 0 in column 'time', got 'abc'/,
    );
    expect(() => loadScenario('test/fixtures/trace-arrivals.yaml', [{ path: 'population.crowd.arrival.trace', value: 'arrivals-bad.csv' }])).toThrow(InputError);
  });

  it('leechers that abort leave before completing and do not hold convergence back', () => {
    const s = scenario({
      population: {
        subject: { count: 1, role: 'seed', upload: 2e5 },
        crowd: { count: 10, role: 'leecher', download: 1e6, upload: 1e5, abort: { exponential: 120 }, stay: { fixed: 0 } },
      },
    });
    const r = run(s);
    const aborted = r.swarm.peers.filter((p) => p.aborted);
    expect(aborted.length).toBeGreaterThan(0);
    for (const p of aborted) {
      expect(p.done).toBe(false);
      expect(p.online).toBe(false);
    }
    expect(r.summary.swarm_completed_fraction).toBe(1);
    expect(r.summary.swarm_convergence_s).not.toBeNull();
  });

  it('flapping peers go offline and come back with their pieces', () => {
    const s = scenario({
      duration: 3600,
      sample_interval: 30,
      population: {
        subject: { count: 2, role: 'seed', upload: 5e5 },
        crowd: { count: 6, role: 'leecher', download: 1e6, upload: 1e5, flapping: { share: 1, online: 120, offline: 60 } },
      },
    });
    const r = run(s);
    const online = r.recorder.timeseries.map((row) => row[1 + 12]!); // swarm_online_peers
    expect(Math.min(...online)).toBeLessThan(8);
    expect(r.summary.swarm_completed_fraction).toBe(1);
    expect(r.rows.some((x) => x.close_reason === 'local_left')).toBe(true);
  });
});

describe('discovery', () => {
  it('DHT alone lets peers find each other when the tracker answers nobody', () => {
    const s = scenario({
      discovery: { tracker: { numwant: 0 }, dht: { enabled: true, interval: 60, numwant: 8 } },
      population: {
        subject: { count: 1, role: 'seed' },
        crowd: { count: 5, role: 'leecher', download: 1e6 },
      },
    });
    expect(run(s).summary.swarm_completed_fraction).toBe(1);
    const off = scenario({ ...s, discovery: { tracker: { numwant: 0 } }, population: s.population } as never);
    expect(run(off).summary.swarm_handshakes).toBe(0);
  });
});

describe('misbehaving clients', () => {
  const base = (behaviour: string, extra: Record<string, unknown> = {}) =>
    scenario({
      population: {
        subject: { count: 1, role: 'leecher', download: 1e6 },
        bad: { count: 1, role: 'seed', behaviour, ...extra },
        ...(behaviour === 'bad_data' ? { good: { count: 1, role: 'seed', upload: 2e5 } } : {}),
      },
    });
  const outcomes = (behaviour: string) => run(base(behaviour)).rows.filter((x) => x.to_group === 'bad' || x.from_group === 'bad');

  it('ghosts time out, refusers refuse at once', () => {
    expect(outcomes('ghost').every((x) => x.outcome === 'timeout')).toBe(true);
    const refused = outcomes('refuse');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((x) => x.outcome === 'refused' && Number(x.t_close) - Number(x.t_dial) < 0.2)).toBe(true);
  });

  it('a dropper closes right after the handshake, an always-full client as too many peers', () => {
    expect(outcomes('drop_after_handshake').every((x) => x.close_reason === 'dropped')).toBe(true);
    expect(outcomes('always_full').every((x) => x.close_reason === 'too_many_peers')).toBe(true);
  });

  it('a peer that never unchokes gives nothing and is closed as idle', () => {
    const rows = outcomes('never_unchoke');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((x) => Number(x.bytes_from_to) + Number(x.bytes_to_from) === 0)).toBe(true);
    expect(rows.some((x) => x.close_reason === 'idle' && x.closed_by === 'from')).toBe(true);
  });

  it('bad data is banned after 5 hash failures (Transmission) and never dialled again', () => {
    const r = run(base('bad_data'));
    const bad = r.rows.filter((x) => x.to_group === 'bad');
    expect(bad.length).toBe(1);
    expect(bad[0]!.close_reason).toBe('banned');
    expect(Number(bad[0]!.bytes_to_from)).toBe(5 * 256 * 1024);
    expect(r.summary.subject_completed_fraction).toBe(1);
  });

  it('a hammer re-dials at once after every close it did not make', () => {
    const s = scenario({
      duration: 600,
      population: {
        subject: { count: 1, role: 'seed', client: 'libtorrent' },
        hammer: { count: 1, role: 'seed', behaviour: 'hammer' },
      },
    });
    const rows = run(s, 'libtorrent-2.1').rows.filter((x) => x.from_group === 'hammer');
    expect(rows.length).toBeGreaterThan(100);
  });
});

describe('libtorrent seed-to-seed (validation.md §7)', () => {
  // A finished libtorrent client against a seed that sends upload_only before have_all.
  const s = scenario({
    duration: 3600,
    discovery: { pex: { enabled: false } },
    population: {
      subject: { count: 1, role: 'seed', client: 'libtorrent' },
      seed: { count: 1, role: 'seed', client: 'libtorrent', policy: 'libtorrent-2.1' },
    },
  });
  it('libtorrent-2.0 re-dials about every 60 s plus the handshake; 2.1 dials once', () => {
    const r20 = runOne({ scenario: s, policy: 'libtorrent-2.0', ...getPolicyFactory('libtorrent-2.0'), rep: 0, seed: 1, trace: 'all' });
    const r21 = runOne({ scenario: s, policy: 'libtorrent-2.1', ...getPolicyFactory('libtorrent-2.1'), rep: 0, seed: 1, trace: 'all' });
    const d20 = r20.connections.filter((x) => x[4] === 0).length;
    const d21 = r21.connections.filter((x) => x[4] === 0).length;
    expect(d21).toBe(1);
    // ⌊H/(60 + d)⌋ + 1 with d under a second, plus 1 s tick rounding.
    expect(d20).toBeGreaterThanOrEqual(55);
    expect(d20).toBeLessThanOrEqual(60);
  });
});

describe('policy upkeep timer', () => {
  it('Transmission 4.1 prunes its pool every 60 s also while at its peer limit (peer_info_pulse)', () => {
    // A crowd far larger than the peer limit, learning each other by PEX: most peers sit at the
    // limit, so their dial pulse is parked; only the upkeep timer can prune them.
    const s = scenario({
      duration: 185,
      torrent: { size: 64 * 1024 * 1024, piece_size: 256 * 1024 },
      population: {
        subject: { count: 2, role: 'seed', client: 'transmission', upload: 1e6 },
        crowd: { count: 300, role: 'leecher', client: 'transmission', upload: 2e5, download: 1e6, arrival: { at: 0 } },
      },
    });
    const { swarm } = buildRun({ scenario: s, policy: 'transmission-4.1', factory: getPolicyFactory('transmission-4.1').factory, params: {}, rep: 0, seed: 1, trace: 'none' });
    swarm.env.run(180); // through the prune at 180 s (PEX refills a pool within seconds here)
    const crowd = swarm.peers.filter((p) => p.online && p.policy.name === 'transmission-4.1');
    const full = crowd.filter((p) => p.conns.length >= p.kind.peerLimit);
    expect(full.length).toBeGreaterThan(200);
    // Above the cap (peer_limit when done, else 3 ×) only entries in use stay.
    for (const p of crowd) expect(p.policy.size()).toBeLessThanOrEqual((p.done ? 1 : 3) * p.kind.peerLimit + p.conns.length);
  });
});
