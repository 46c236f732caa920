import { join } from 'node:path';
import { runOne } from '../sim/experiments/run-one.js';
import { PACKAGE_ROOT } from '../sim/experiments/package-info.js';
import { getPolicyFactory } from '../sim/policies/registry.js';
import { loadScenario, type Override } from '../sim/scenario/load.js';
import { row, timed, type BenchRow } from './bench-row.js';

/** A whole-model benchmark: one replication of a scenario file under one subject policy. */
interface ScenarioBench {
  name: string;
  file: string;
  policy: string;
  set?: Record<string, string>;
  /** Minutes of wall time today: only with `--heavy` (issue 7 targets). */
  heavy?: boolean;
}

const BENCHES: ScenarioBench[] = [
  { name: 'scenario-seed-heavy', file: 'scenarios/seed-heavy.yaml', policy: 'transmission-4.1' },
  { name: 'scenario-seed-heavy-main-2023', file: 'scenarios/seed-heavy.yaml', policy: 'transmission-main-2023' },
  { name: 'scenario-flash-crowd-1k', file: 'scenarios/flash-crowd.yaml', policy: 'transmission-4.1' },
  { name: 'scenario-flash-crowd-5k', file: 'scenarios/flash-crowd-5k.yaml', policy: 'transmission-4.1', heavy: true },
  { name: 'scenario-large-10k', file: 'scenarios/large.yaml', policy: 'transmission-4.1', heavy: true },
];

export function benchScenario(b: ScenarioBench): BenchRow {
  const overrides: Override[] = Object.entries(b.set ?? {}).map(([path, value]) => ({ path, value }));
  const { scenario } = loadScenario(join(PACKAGE_ROOT, b.file), overrides);
  const { factory, params } = getPolicyFactory(b.policy);
  const peersBefore = process.memoryUsage().rss;
  const { value: r, seconds } = timed(() => runOne({ scenario, policy: b.policy, factory, params, rep: 0, seed: 1, trace: 'none' }));
  return row(b.name, r.events, seconds, {
    policy: b.policy,
    simulated_s: scenario.duration,
    rss_mb: Math.round(Math.max(peersBefore, process.memoryUsage().rss) / 1e6),
  });
}

export async function benchScenarios(want: (name: string) => boolean, heavy: boolean): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  for (const b of BENCHES) if (want(b.name) && (heavy || !b.heavy)) out.push(benchScenario(b));
  return out;
}
