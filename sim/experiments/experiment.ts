import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { wallSeconds } from './wall-clock.js';
import { InputError } from '../input-error.js';
import { readScenarioFile, type ScenarioSource } from '../scenario/load.js';
import { DiskFullError, ensureOutputDir, errCode, isDiskFull, removeStaleTemps } from './atomic.js';
import { Journal, type RunRecord } from './journal.js';
import { compare, OUTPUT_FILES, summaryOf, writeOutputs, type ComparisonRow, type RunSummary } from './output.js';
import { buildPlan, shardRuns, taskOf, type Plan, type PlanFile, type PlanInput, type PlanRun, type Shard } from './plan.js';
import { heapShareMb, runTasks } from './pool.js';
import type { RunOutcome } from './task.js';

/**
 * runExperiment: the one entry point for `run`, `sweep`, `check` and scripts. Plans the run list
 * (validating everything first), runs it serially or on worker threads, journals every finished
 * run under OUT/.runs/ and assembles the output files in run order.
 */

export interface ProgressEvent {
  /** The run that finished. */
  index: number;
  policy: string;
  rep: number;
  seed: number;
  /** Override values of its point, as CSV cells. */
  point: string[];
  ok: boolean;
  error: string | null;
  wallSeconds: number;
  /** Runs finished so far in this invocation and in total to do (after skipping resumed ones). */
  done: number;
  total: number;
  failed: number;
}

export interface ProgressListener {
  start?(info: { total: number; skipped: number; jobs: number; plan: PlanFile; outDir: string | null }): void;
  run?(e: ProgressEvent): void;
  end?(): void;
}

export interface ExperimentOptions extends Omit<PlanInput, 'source' | 'kind'> {
  kind?: 'run' | 'sweep';
  /** Scenario file path, or a file already read with readScenarioFile. */
  scenario: string | ScenarioSource;
  /** Worker threads; 1 (default) runs in this thread. Results are identical for every value. */
  jobs?: number;
  /** Output folder; null or undefined keeps everything in memory (nothing written). */
  out?: string | null;
  /** Skip runs the journal in `out` records as finished. */
  resume?: boolean;
  /** Run only shard K of N (1-based) of the run list. */
  shard?: Shard;
  progress?: ProgressListener;
  /**
   * Heap (MB) the runs together may use: each runs on a worker thread capped at its share, and
   * one that outgrows it stops the experiment with an InputError (exit 2) saying what to change.
   */
  maxMemoryMb?: number;
  /**
   * Stop at the first run failing through the user's fault (a policy module that throws or breaks
   * the seam) with that InputError, writing nothing (`run` does; a sweep records the failure in
   * failures.csv and goes on).
   */
  stopOnUserError?: boolean;
}

export interface ExperimentResult {
  plan: PlanFile;
  outDir: string | null;
  /** Runs of this output (all, or the shard's), in run order. */
  runs: RunSummary[];
  failures: RunSummary[];
  /** Empty for a shard (statistics need every run: merge first). */
  comparison: ComparisonRow[];
  files: string[];
  /** Runs skipped because the journal had them (--resume). */
  skipped: number;
}

export async function runExperiment(opts: ExperimentOptions): Promise<ExperimentResult> {
  const started = wallSeconds();
  const source = typeof opts.scenario === 'string' ? readScenarioFile(opts.scenario) : opts.scenario;
  const plan = await buildPlan({ ...opts, kind: opts.kind ?? 'run', source });
  const jobs = Math.max(1, Math.floor(opts.jobs ?? 1));
  const selected = shardRuns(plan.file.runs, opts.shard);
  const out = opts.out ?? null;

  if (out === null) return runInMemory(plan, selected, jobs, opts, started);

  let created: string | undefined;
  let journal: Journal;
  try {
    created = ensureOutputDir(out);
    removeStaleTemps(out);
    journal = Journal.open(out, plan.file, opts.shard ?? null, opts.resume === true);
  } catch (e) {
    if (created) rmSync(created, { recursive: true, force: true });
    if (e instanceof InputError) throw e;
    throw new InputError(`--out ${out}: cannot write there (${errCode(e)})`);
  }
  try {
    const done = opts.resume ? journal.finished() : new Set<number>();
    const todo = selected.filter((r) => !done.has(r.index));
    await execute(plan, todo, jobs, opts, out, done.size, (run, o) => journal.write(run, o), (i) => journal.traceFileOf(i));
    let res: ReturnType<typeof writeOutputs>;
    try {
      res = writeOutputs(out, plan.file, (i) => journal.readRecord(i), {
        indices: selected.map((r) => r.index),
        shard: opts.shard ?? null,
        wallSeconds: wallSeconds() - started,
        jobs,
      });
    } catch (e) {
      if (!isDiskFull(e)) throw e;
      // Some files may have been renamed into place before the disk filled: none stays, so the
      // folder never holds a mix of old and new (the journal rebuilds them all on --resume).
      for (const name of OUTPUT_FILES) rmSync(join(out, name), { force: true });
      throw new DiskFullError(out, e);
    }
    // A complete, unsharded output needs no journal (it only serves --resume and merge): drop it
    // rather than keep every run's rows twice. Shards keep theirs for merge; failed runs keep
    // theirs so --resume re-runs just those.
    if (!opts.shard && res.failures.length === 0) rmSync(journal.dir, { recursive: true, force: true });
    return { plan: plan.file, outDir: out, runs: res.runs, failures: res.failures, comparison: res.comparison, files: res.files.map((f) => join(out, f)), skipped: done.size };
  } catch (e) {
    if (e instanceof DiskFullError) {
      removeStaleTemps(out);
      removeStaleTemps(journal.dir);
    } else if (e instanceof InputError) {
      if (created) rmSync(created, { recursive: true, force: true });
      else if (!opts.resume) rmSync(journal.dir, { recursive: true, force: true });
    }
    throw e;
  }
}

async function runInMemory(plan: Plan, selected: PlanRun[], jobs: number, opts: ExperimentOptions, started: number): Promise<ExperimentResult> {
  void started;
  const records = new Map<number, RunRecord>();
  await execute(plan, selected, jobs, opts, null, 0, (run, o) => records.set(run.index, { ...o, key: run.key }), () => null);
  const runs: RunSummary[] = selected.map((r) => summaryOf(r.index, records.get(r.index)!));
  return {
    plan: plan.file,
    outDir: null,
    runs,
    failures: runs.filter((r) => !r.ok),
    comparison: opts.shard ? [] : compare(plan.file, runs),
    files: [],
    skipped: 0,
  };
}

async function execute(
  plan: Plan,
  todo: readonly PlanRun[],
  jobs: number,
  opts: ExperimentOptions,
  outDir: string | null,
  skipped: number,
  record: (run: PlanRun, o: RunOutcome) => void,
  traceFileOf: (index: number) => string | null,
): Promise<void> {
  const f = plan.file;
  opts.progress?.start?.({ total: todo.length, skipped, jobs, plan: f, outDir });
  let done = 0;
  let failed = 0;
  try {
    // Traced runs take longest (they record every connection): start them first so no thread is
    // left with one at the end. The order of execution never shows in the files.
    const order = [...todo.filter((r) => r.trace !== 'none'), ...todo.filter((r) => r.trace === 'none')];
    await runTasks(
      order.map((r) => ({ ...taskOf(plan, r), traceFile: traceFileOf(r.index) })),
      {
        jobs,
        ...(opts.maxMemoryMb !== undefined ? { memoryMb: opts.maxMemoryMb } : {}),
        onOutcome: (o) => {
          const run = f.runs[o.index]!;
          if (o.diskFull) throw new DiskFullError(outDir ?? '.', { code: 'ENOSPC' });
          if (o.outOfMemory) {
            const runners = Math.min(jobs, todo.length);
            throw new InputError(
              `${f.scenario}: the run of ${f.policies[run.policy]!.label} rep ${run.rep} needs more than its ${heapShareMb(opts.maxMemoryMb!, runners)} MB of heap (--max-memory ${opts.maxMemoryMb} MB over ${runners} jobs); use fewer peers (--set population.<group>.count=…), fewer --jobs, or a larger --max-memory`,
            );
          }
          if (!o.ok && o.userError && opts.stopOnUserError) {
            const pol = f.policies[run.policy]!.label;
            throw new InputError(`${(o.error ?? '').replace(/^\w*Error: /, '')} (policy ${pol}, rep ${run.rep}, seed ${run.seed})`);
          }
          try {
            record(run, o);
          } catch (e) {
            if (isDiskFull(e)) throw new DiskFullError(outDir ?? '.', e);
            throw e;
          }
          done++;
          if (!o.ok) failed++;
          opts.progress?.run?.({
            index: o.index,
            policy: f.policies[run.policy]!.label,
            rep: run.rep,
            seed: run.seed,
            point: f.points[run.point]!.cells,
            ok: o.ok,
            error: o.error,
            wallSeconds: o.wallSeconds,
            done,
            total: todo.length,
            failed,
          });
        },
      },
    );
  } finally {
    opts.progress?.end?.();
  }
}
