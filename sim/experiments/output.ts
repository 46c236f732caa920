import { cpus, availableParallelism, platform, arch } from 'node:os';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CONNECTION_COLUMNS, PEER_COLUMNS, SUMMARY_COLUMNS, TIMESERIES_COLUMNS } from '../metrics/columns.js';
import { AtomicWriter, syncDir, writeFileAtomic } from './atomic.js';
import { csvLine, csvLines, type Cell } from './format.js';
import { copyInto } from './trace-file.js';
import type { RunRecord } from './journal.js';
import type { PlanFile, Shard } from './plan.js';
import type { MetricValue } from './run-types.js';
import { estimate, pairedDifference } from '../statistics.js';
import type { StopRecord } from './stop-rule.js';

/** The output files of an experiment, assembled from run records in run order. */

export const OUTPUT_FILES = ['summary.csv', 'timeseries.csv', 'connections.csv', 'peers.csv', 'comparison.csv', 'failures.csv', 'manifest.json', 'timing.json'] as const;

const KEY_COLUMNS = ['scenario', 'policy', 'rep', 'seed'];

export interface RunSummary {
  index: number;
  ok: boolean;
  error: string | null;
  summary: Record<string, MetricValue> | null;
  events: number;
  wallSeconds: number;
  /** Why and when the run ended, when its scenario has a stop rule. */
  stop?: StopRecord | undefined;
}

export interface ComparisonRow {
  scenario: string;
  point: string[];
  policy: string;
  metric: string;
  n: number;
  mean: number | null;
  sd: number | null;
  ci_low: number | null;
  ci_high: number | null;
  ref_policy: string;
  diff_mean: number | null;
  diff_ci_low: number | null;
  diff_ci_high: number | null;
}

export const COMPARISON_COLUMNS = ['n', 'mean', 'sd', 'ci_low', 'ci_high', 'ref_policy', 'diff_mean', 'diff_ci_low', 'diff_ci_high'];

export interface WriteOptions {
  /** Which runs (plan indices, ascending) this output holds: all of them, or one shard's. */
  indices: readonly number[];
  shard: Shard | null;
  /** Wall-clock seconds of the whole command (timing.json). */
  wallSeconds: number;
  jobs: number;
}

export interface WriteResult {
  files: string[];
  failures: RunSummary[];
  runs: RunSummary[];
  comparison: ComparisonRow[];
}

/** Writes every output file of `plan` into `dir`, reading each run record once, in run order. */
export function writeOutputs(dir: string, plan: PlanFile, read: (index: number) => RunRecord, opts: WriteOptions): WriteResult {
  const files: string[] = [];
  const cols = plan.columns;
  const traced = plan.trace.mode !== 'none';
  const summary = new AtomicWriter(join(dir, 'summary.csv'));
  const ts = new AtomicWriter(join(dir, 'timeseries.csv'));
  const conn = traced ? new AtomicWriter(join(dir, 'connections.csv')) : undefined;
  const peers = new AtomicWriter(join(dir, 'peers.csv'));
  const runs: RunSummary[] = [];
  try {
    summary.write(csvLine([...KEY_COLUMNS, ...cols, ...SUMMARY_COLUMNS]));
    ts.write(csvLine([...KEY_COLUMNS, ...cols, ...TIMESERIES_COLUMNS]));
    conn?.write(csvLine([...KEY_COLUMNS, ...cols, ...CONNECTION_COLUMNS]));
    peers.write(csvLine([...KEY_COLUMNS, ...cols, ...PEER_COLUMNS]));
    for (const i of opts.indices) {
      const r = read(i);
      runs.push(summaryOf(i, r));
      if (!r.ok) continue;
      summary.write(r.summaryCsv);
      ts.write(r.timeseriesCsv);
      if (conn && r.connectionsPath !== undefined) copyInto(conn, r.connectionsPath);
      else conn?.write(r.connectionsCsv);
      peers.write(r.peersCsv ?? '');
    }
    summary.commit();
    ts.commit();
    conn?.commit();
    peers.commit();
  } catch (e) {
    summary.abort();
    ts.abort();
    conn?.abort();
    peers.abort();
    throw e;
  }
  files.push('summary.csv', 'timeseries.csv', 'peers.csv');
  if (conn) files.push('connections.csv');
  else rmSync(join(dir, 'connections.csv'), { force: true });

  const failures = runs.filter((r) => !r.ok);
  if (failures.length > 0) {
    const rows: Cell[][] = failures.map((f) => [...keyCells(plan, f.index), f.error ?? '']);
    writeFileAtomic(join(dir, 'failures.csv'), csvLine([...KEY_COLUMNS, ...cols, 'error']) + csvLines(rows));
    files.push('failures.csv');
  } else rmSync(join(dir, 'failures.csv'), { force: true });

  let comparison: ComparisonRow[] = [];
  if (!opts.shard) {
    comparison = compare(plan, runs);
    writeFileAtomic(join(dir, 'comparison.csv'), comparisonCsv(plan, comparison));
    files.push('comparison.csv');
  } else rmSync(join(dir, 'comparison.csv'), { force: true });

  writeFileAtomic(join(dir, 'manifest.json'), JSON.stringify(manifestOf(plan, runs, opts.shard), null, 2) + '\n');
  writeFileAtomic(join(dir, 'timing.json'), JSON.stringify(timingOf(plan, runs, opts), null, 2) + '\n');
  files.push('manifest.json', 'timing.json');
  syncDir(dir);
  return { files, failures, runs, comparison };
}

/** What the manifest, timing and statistics need of a run record. */
export function summaryOf(index: number, r: RunRecord): RunSummary {
  return { index, ok: r.ok, error: r.error, summary: r.summary, events: r.events, wallSeconds: r.wallSeconds, ...(r.ok && r.stop ? { stop: r.stop } : {}) };
}

function keyCells(plan: PlanFile, index: number): string[] {
  const run = plan.runs[index]!;
  const pt = plan.points[run.point]!;
  return [pt.scenario.name ?? plan.scenario, plan.policies[run.policy]!.label, String(run.rep), String(run.seed), ...pt.cells];
}

/**
 * comparison.csv rows: per point × policy × summary metric, the replication statistics and the
 * paired difference to the reference policy (the first listed) over the seeds both completed.
 */
export function compare(plan: PlanFile, runs: readonly RunSummary[]): ComparisonRow[] {
  const byIndex = new Map(runs.map((r) => [r.index, r]));
  const ref = plan.policies[0]!.label;
  const out: ComparisonRow[] = [];
  const seeds: number[] = [];
  for (let rep = 0; rep < plan.replications; rep++) seeds.push(plan.base_seed + rep);
  for (const pt of plan.points) {
    // values[policy][metric] = seed → value
    const values: Map<number, number>[][] = plan.policies.map(() => SUMMARY_COLUMNS.map(() => new Map<number, number>()));
    for (const run of plan.runs) {
      if (run.point !== pt.index) continue;
      const r = byIndex.get(run.index);
      if (!r?.ok || !r.summary) continue;
      SUMMARY_COLUMNS.forEach((m, mi) => {
        const v = r.summary![m];
        if (v !== null && v !== undefined && Number.isFinite(v)) values[run.policy]![mi]!.set(run.seed, v);
      });
    }
    plan.policies.forEach((pol, pi) => {
      SUMMARY_COLUMNS.forEach((metric, mi) => {
        const m = values[pi]![mi]!;
        const e = estimate(seeds.filter((s) => m.has(s)).map((s) => m.get(s)!));
        const d = pi === 0 ? undefined : pairedDifference(seeds, m, values[0]![mi]!);
        out.push({
          scenario: pt.scenario.name ?? plan.scenario,
          point: pt.cells,
          policy: pol.label,
          metric,
          n: e.n,
          mean: e.mean,
          sd: e.sd,
          ci_low: e.ciLow,
          ci_high: e.ciHigh,
          ref_policy: ref,
          diff_mean: d?.mean ?? null,
          diff_ci_low: d?.ciLow ?? null,
          diff_ci_high: d?.ciHigh ?? null,
        });
      });
    });
  }
  return out;
}

export function comparisonCsv(plan: PlanFile, rows: readonly ComparisonRow[]): string {
  const header = ['scenario', ...plan.columns, 'policy', 'metric', ...COMPARISON_COLUMNS];
  return (
    csvLine(header) +
    csvLines(
      rows.map((r) => [r.scenario, ...r.point, r.policy, r.metric, r.n, r.mean, r.sd, r.ci_low, r.ci_high, r.ref_policy, r.diff_mean, r.diff_ci_low, r.diff_ci_high]),
    )
  );
}

/** manifest.json: deterministic (no paths outside the project, no clock). */
export function manifestOf(plan: PlanFile, runs: readonly RunSummary[], shard: Shard | null): Record<string, unknown> {
  const seeds: number[] = [];
  for (let rep = 0; rep < plan.replications; rep++) seeds.push(plan.base_seed + rep);
  return {
    swarmsim: plan.swarmsim,
    command: plan.command,
    kind: plan.kind,
    scenario: plan.scenario,
    scenario_file: plan.scenario_file,
    ...(plan.sweep_file ? { sweep_file: plan.sweep_file } : {}),
    parameters: plan.columns,
    policies: plan.policies,
    reference_policy: plan.policies[0]!.label,
    replications: plan.replications,
    base_seed: plan.base_seed,
    seeds,
    trace: plan.trace,
    ...(shard ? { shard } : {}),
    plan_sha256: plan.hash,
    points: plan.points.map((p) => ({
      point: p.index,
      parameters: p.values,
      scenario_sha256: p.scenario_sha256,
      scenario: p.scenario,
    })),
    runs_total: plan.runs.length,
    runs_failed: runs.filter((r) => !r.ok).length,
    // A run of a scenario with a stop rule says why and when it ended (converged, settled, max or
    // duration; simulated seconds); runs without one always end at duration and say nothing.
    runs: runs.map((r) => ({ ...runIdentity(plan, r), status: r.ok ? 'ok' : 'failed', events: r.events, ...(r.stop ? { stop_reason: r.stop.reason, stop_time_s: r.stop.time } : {}) })),
  };
}

/** Which run a manifest or timing entry is about. */
function runIdentity(plan: PlanFile, r: RunSummary): Record<string, string | number> {
  const run = plan.runs[r.index]!;
  return { index: r.index, point: run.point, policy: plan.policies[run.policy]!.label, rep: run.rep, seed: run.seed };
}

/** timing.json: the one nondeterministic file. */
export function timingOf(plan: PlanFile, runs: readonly RunSummary[], opts: WriteOptions): Record<string, unknown> {
  const c = cpus();
  let runSeconds = 0;
  for (const r of runs) runSeconds += r.wallSeconds;
  return {
    node: process.version,
    platform: `${platform()} ${arch()}`,
    cpus: availableParallelism(),
    cpu_model: c[0]?.model ?? '',
    jobs: opts.jobs,
    wall_s: opts.wallSeconds,
    // Peak resident memory of the whole process so far, worker threads included (kB → MB).
    max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    run_wall_s_total: runSeconds,
    runs: runs.map((r) => ({
      ...runIdentity(plan, r),
      wall_s: r.wallSeconds,
      events: r.events,
      events_per_s: r.wallSeconds > 0 ? r.events / r.wallSeconds : null,
    })),
  };
}
