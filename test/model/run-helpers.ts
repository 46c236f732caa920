import { buildRun, runOne } from '../../sim/experiments/run-one.js';
import type { RunResult, TraceMode } from '../../sim/experiments/run-types.js';
import { CONNECTION_COLUMNS } from '../../sim/metrics/columns.js';
import { getPolicyFactory } from '../../sim/policies/registry.js';
import { loadScenario, type Override } from '../../sim/scenario/load.js';
import { ScenarioSchema, type Scenario } from '../../sim/scenario/schema.js';

/** A scenario from the defaults, a small torrent, 50 ms RTT and `subject` as the subject group. */
export function testScenario(over: Record<string, unknown>): Scenario {
  return ScenarioSchema.parse({
    duration: 1800,
    torrent: { size: 8 * 1024 * 1024, piece_size: 256 * 1024 },
    network: { rtt: { median: 0.05, sigma: 0 } },
    subject: 'subject',
    ...over,
  });
}

export type TracedRow = Record<(typeof CONNECTION_COLUMNS)[number], string | number>;

/**
 * One replication with every connection traced; `before` sees the built swarm before it runs
 * (to wrap a policy, say).
 */
export function runTraced(s: Scenario, policy = 'transmission-4.1', seed = 1, before?: (b: ReturnType<typeof buildRun>) => void) {
  const { factory, params } = getPolicyFactory(policy);
  const built = buildRun({ scenario: s, policy, factory, params, rep: 0, seed, trace: 'all' });
  before?.(built);
  built.swarm.run();
  const summary = built.recorder.finish(s.duration, built.swarm.conns);
  const rows = built.recorder.trace.map((r) => Object.fromEntries(CONNECTION_COLUMNS.map((c, i) => [c, r[i]])) as TracedRow);
  return { ...built, summary, rows };
}

/** Runs one replication of a scenario file with a subject policy, as the CLI would. */
export function runFile(file: string, policy: string, opts: { seed?: number; trace?: TraceMode; set?: Record<string, string | number> } = {}): RunResult {
  const overrides: Override[] = Object.entries(opts.set ?? {}).map(([path, value]) => ({ path, value: String(value) }));
  const { scenario } = loadScenario(file, overrides);
  const { factory, params } = getPolicyFactory(policy);
  return runOne({ scenario, policy, factory, params, rep: 0, seed: opts.seed ?? 1, trace: opts.trace ?? 'subject' });
}

export type TraceRow = Record<(typeof CONNECTION_COLUMNS)[number], string | number>;

/** connections rows as objects keyed by column name. */
export function traceRows(r: RunResult): TraceRow[] {
  return r.connections.map((row) => Object.fromEntries(CONNECTION_COLUMNS.map((c, i) => [c, row[i]!])) as TraceRow);
}
