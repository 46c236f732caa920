import { join } from 'node:path';
import { buildRun, runOne } from '../sim/experiments/run-one.js';
import { PACKAGE_ROOT } from '../sim/experiments/package-info.js';
import { getPolicyFactory } from '../sim/policies/registry.js';
import { loadScenario, readScenarioFile } from '../sim/scenario/load.js';
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
  for (const n of sizes) {
    const f = n / base;
    const overrides = Object.entries(raw.population).map(([name, g]) => ({ path: `population.${name}.count`, value: String(Math.max(1, Math.round(g.count * f))) }));
    overrides.push({ path: 'duration', value: `${minutes}m` });
    const { scenario } = loadScenario(LARGE, overrides);
    const { value: r, seconds } = timed(() => runOne({ scenario, policy: 'transmission-4.1', factory, params, rep: 0, seed: 1, trace: 'none' }));
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
 * known-peer record (one policy learning 100 000 peers), from heap use after a forced GC when
 * node runs with --expose-gc (npm run bench does), else from heap deltas as they come.
 */
export function benchMemory(): BenchRow[] {
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
  const lt = getPolicyFactory('transmission-4.1');
  const policy = lt.factory.create(lt.params);
  const h2 = heap();
  const n = 100_000;
  for (let i = 0; i < n; i++) policy.learn(i, 2, {}, 0);
  const h3 = heap();
  // Keep the swarm alive until here, or its collection would hide the records' growth.
  if (swarm.peers.length !== peers) throw new Error('unreachable');
  return [
    { name: 'memory-per-peer', events: 0, seconds: 0, events_per_s: 0, bytes: Math.round((h1 - h0) / peers), peers },
    { name: 'memory-per-known-peer', events: 0, seconds: 0, events_per_s: 0, bytes: Math.round((h3 - h2) / n), records: policy.size() },
  ];
}
