import { join } from 'node:path';
import { RandomStream } from '../sim/engine/random.js';
import { buildRun, runOne } from '../sim/experiments/run-one.js';
import { PACKAGE_ROOT } from '../sim/experiments/package-info.js';
import { getPolicyFactory } from '../sim/policies/registry.js';
import { loadScenario, readScenarioFile } from '../sim/scenario/load.js';
import { settledMemory } from './settle.js';
import { round, row, timed, type BenchRow } from './bench-row.js';

const LARGE = join(PACKAGE_ROOT, 'scenarios', 'large.yaml');

/**
 * Growth: scenarios/large.yaml scaled to `sizes` peers (every group's count by the same factor,
 * so per-peer activity is unchanged), 5 simulated minutes each. Prints wall time per simulated
 * hour and the least-squares exponent of wall time against peers (target ≤ 1.15).
 */
export function benchGrowth(sizes: readonly number[] = [1000, 2000, 4000, 8000, 16000], minutes = 5): BenchRow[] {
  const raw = readScenarioFile(LARGE).raw as { population: Record<string, { count: number }> };
  const base = Object.values(raw.population).reduce((s, g) => s + g.count, 0);
  const { factory, params } = getPolicyFactory('transmission-4.1');
  const rows: BenchRow[] = [];
  const xs: number[] = [];
  const ys: number[] = [];
  const evs: number[] = [];
  // k = −1 runs the first size once, untimed: its timed run would otherwise carry the JIT
  // warm-up (4.7 µs an event cold against 2.5 µs at twice the size), which flattered both fits.
  for (let k = -1; k < sizes.length; k++) {
    const n = sizes[Math.max(k, 0)]!;
    const warmUp = k < 0;
    const f = n / base;
    const overrides = Object.entries(raw.population).map(([name, g]) => ({ path: `population.${name}.count`, value: String(Math.max(1, Math.round(g.count * f))) }));
    overrides.push({ path: 'duration', value: `${minutes}m` });
    const { scenario } = loadScenario(LARGE, overrides);
    const { value: r, seconds } = timed(() => runOne({ scenario, policy: 'transmission-4.1', factory, params, rep: 0, seed: 1, trace: 'none' }));
    if (warmUp) continue;
    const perHour = (seconds * 3600) / scenario.duration;
    xs.push(Math.log(n));
    ys.push(Math.log(perHour));
    evs.push(Math.log((r.events * 3600) / scenario.duration));
    rows.push(row(`growth-large-${n}`, r.events, seconds, { peers: n, wall_s_per_sim_hour: round(perHour, 2), us_per_event: round((1e6 * seconds) / r.events, 2) }));
  }
  // Wall time = events × cost per event: the two exponents say whether growth comes from the
  // model doing more per peer (seeds meeting more seeds) or from each event getting dearer.
  const exponent = (name: string, of: string, ys: number[]) =>
    ({ name, events: 0, seconds: 0, events_per_s: 0, ratio: round(slope(xs, ys), 3), of, to: 'peers' }) as BenchRow;
  rows.push(exponent('growth-exponent', 'wall time per simulated hour', ys));
  rows.push(exponent('growth-exponent-events', 'events per simulated hour', evs));
  rows.push(exponent('growth-exponent-cost-per-event', 'wall time per event', ys.map((y, i) => y - evs[i]!)));
  return rows;
}

/** Least-squares slope of ys against xs. */
function slope(xs: readonly number[], ys: readonly number[]): number {
  const k = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / k;
  const my = ys.reduce((a, b) => a + b, 0) / k;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < k; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  return sxy / sxx;
}

/**
 * Memory: bytes per peer (a built, not yet run, 10 000-peer swarm over an empty process) and per
 * known-peer record, from heap use after a forced GC when node runs with --expose-gc (npm run
 * bench does), else from heap deltas as they come. Records: 100 000 of them, learned at
 * fractional times from mixed sources and PEX flags, half with a dial history (timeouts,
 * fruitless and useful connections, some left open) and a select every 50 learns, as a swarm
 * leaves them: `memory-per-known-peer` is transmission-4.1 (one policy learning 100 000 peers),
 * `memory-per-known-peer-libtorrent-2.1` 40 policies of 2 500 (libtorrent keeps at most 3 000,
 * and weeds from 2 850). `external_bytes` is the typed arrays' share per record (remote index,
 * slot tree, per-slot ranks), outside the JS heap.
 */
export async function benchMemory(): Promise<BenchRow[]> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const heap = () => {
    gc?.();
    return process.memoryUsage().heapUsed;
  };
  const { scenario } = loadScenario(LARGE);
  const { factory, params } = getPolicyFactory('transmission-4.1');
  const h0 = heap();
  const { swarm } = buildRun({ scenario, policy: 'transmission-4.1', factory, params, rep: 0, seed: 1, trace: 'none' });
  const h1 = heap();
  const peers = swarm.peers.length;
  const rows: BenchRow[] = [{ name: 'memory-per-peer', events: 0, seconds: 0, events_per_s: 0, bytes: Math.round((h1 - h0) / peers), peers }];
  const records = async (name: string, policyName: string, hosts: number, perHost: number): Promise<void> => {
    const lt = getPolicyFactory(policyName);
    const policies = Array.from({ length: hosts }, () => lt.factory.create(lt.params));
    const out = new Int32Array(64);
    const rng = new RandomStream('bench-memory');
    // peerLimit 50 000: Transmission's pool pruning (above 3 × peerLimit) stays out of the way.
    const host = { now: 0, done: false, pexAllowed: true, connections: 0, peerLimit: 50_000, rng };
    const flags = [{}, { connectable: true }, { seed: true, uploadOnly: true }, { seed: true, uploadOnly: true, connectable: true }];
    type Close = Parameters<(typeof policies)[number]['onClose']>[2];
    const fruitless: Close = { reason: 'peer_left', byUs: false, severity: 'normal', pieceBytes: 0, outgoing: true };
    const useful: Close = { reason: 'idle', byUs: true, severity: 'normal', pieceBytes: 1 << 20, outgoing: true };
    const mix = (x: number): number => {
      const h = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
      return Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    };
    const ab0 = (await settledMemory()).arrayBuffers;
    const h2 = heap();
    for (let p = 0; p < hosts; p++) {
      const policy = policies[p]!;
      for (let i = 0; i < perHost; i++) {
        const remote = p * perHost + i;
        const h = mix(remote + 1);
        const now = 0.25 + i * 0.0137 + p * 0.731;
        host.now = now;
        // Sources 0–4 (incoming, LPD, tracker, DHT, PEX), with and without PEX flags.
        const info = policy.learn(remote, (h % 5) as 0 | 1 | 2 | 3 | 4, flags[(h >>> 3) & 3]!, now);
        const k = (h >>> 6) & 7;
        if (info !== undefined && k >= 4 && !info.inUse) {
          policy.onDial(info, now + 0.25);
          if (k === 4) policy.onConnectFailure(info, now + 15.5, 'timeout');
          else {
            policy.onHandshake(info, now + 0.5, true);
            policy.onRemoteState(info, now + 0.5, { via: 'bitfield', seed: k === 5, uploadOnly: k === 5 });
            if (k >= 6) policy.onPieceData(info, now + 3.7);
            if (k !== 7) policy.onClose(info, now + 20.9, k === 6 ? useful : fruitless);
          }
        }
        if (i % 50 === 49) {
          host.now = now + 100;
          policy.select(host, 50, out);
        }
      }
    }
    const external = (await settledMemory()).arrayBuffers - ab0;
    const h3 = heap();
    const held = policies.reduce((s, policy) => s + policy.size(), 0);
    rows.push({ name, events: 0, seconds: 0, events_per_s: 0, bytes: Math.round((h3 - h2) / held), records: held, external_bytes: Math.round(external / held) });
  };
  await records('memory-per-known-peer', 'transmission-4.1', 1, 100_000);
  await records('memory-per-known-peer-libtorrent-2.1', 'libtorrent-2.1', 40, 2_500);
  // Keep the swarm alive until here, or its collection would hide the records' growth.
  if (swarm.peers.length !== peers) throw new Error('unreachable');
  return rows;
}
