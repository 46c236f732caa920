import { runOne } from '../../sim/experiments/run-one.js';
import type { RunResult, TraceMode } from '../../sim/experiments/run-types.js';
import { CONNECTION_COLUMNS } from '../../sim/metrics/columns.js';
import { getPolicyFactory } from '../../sim/policies/registry.js';
import { loadScenario, type Override } from '../../sim/scenario/load.js';

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
