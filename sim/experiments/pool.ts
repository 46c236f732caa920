import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { wallSeconds } from './wall-clock.js';
import { PACKAGE_ROOT } from './package-info.js';
import { executeTask, failedOutcome, type RunOutcome, type RunTask } from './task.js';
import { callLimitSeconds, runWatched } from './watchdog.js';

/**
 * Runs tasks one at a time in this thread (jobs = 1), or with jobs > 1 in this thread and on
 * jobs − 1 worker threads (piscina).
 * Outcomes are handed to `onOutcome` as they finish, in whatever order; callers key them by
 * task index, so the files written never depend on the finishing order.
 */
export interface RunTasksOptions {
  jobs: number;
  onOutcome: (o: RunOutcome) => void;
  /**
   * Heap (MB) all runs together may use. Given, every run goes to a worker thread whose old
   * space is capped at its share, so a run that outgrows it fails as an outcome
   * (`outOfMemory`) instead of taking the process down with V8's fatal error.
   */
  memoryMb?: number;
}

/** The heap cap of each of `runners` worker threads sharing `memoryMb`. */
export function heapShareMb(memoryMb: number, runners: number): number {
  return Math.max(16, Math.floor(memoryMb / Math.max(1, runners)));
}

/** The compiled worker: workers always run JavaScript from dist/ (TypeScript workers start 5× slower). */
export function workerFile(name = 'worker.js'): string {
  const here = fileURLToPath(import.meta.url);
  const sibling = join(here, '..', name);
  if (here.endsWith('.js') && existsSync(sibling)) return sibling;
  const built = join(PACKAGE_ROOT, 'dist', 'sim', 'experiments', name);
  if (!existsSync(built)) throw new Error(`--jobs needs the compiled worker ${built}: run npm run build first`);
  return built;
}

/**
 * Runs a task in this thread, or, when its policy is a user module, on a thread of its own under
 * the per-call watchdog: a module call that never returns cannot be stopped from inside.
 */
function runHere(t: RunTask): Promise<RunOutcome> {
  return t.policy.kind === 'module' ? runWatched(t, callLimitSeconds()) : executeTask(t, wallSeconds);
}

export async function runTasks(tasks: readonly RunTask[], opts: RunTasksOptions): Promise<void> {
  if (tasks.length === 0) return;
  if (opts.memoryMb === undefined && (opts.jobs <= 1 || tasks.length === 1)) {
    for (const t of tasks) {
      opts.onOutcome(await runHere(t));
      // Let timers (progress) and signals through between runs.
      await new Promise<void>((r) => setImmediate(r));
    }
    return;
  }
  // This thread is one of the `jobs` runners and the pool supplies the others: a worker's first
  // run pays its thread start, module loading and JIT warm-up, which a sweep of short runs would
  // otherwise lose a whole runner's worth to (docs/performance.md).
  // With a memory cap every runner is a worker (this thread's heap cannot be capped) and this
  // thread only hands out tasks.
  const capped = opts.memoryMb !== undefined;
  const workers = Math.max(1, Math.min(opts.jobs, tasks.length) - (capped ? 0 : 1));
  const heapMb = capped ? heapShareMb(opts.memoryMb!, workers) : undefined;
  const { Piscina } = await import('piscina');
  const pool = new Piscina<RunTask, RunOutcome>({
    filename: pathToFileURL(workerFile()).href,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 60_000,
    ...(heapMb !== undefined ? { resourceLimits: { maxOldGenerationSizeMb: heapMb } } : {}),
    // Two tasks at a worker: it starts the second while this thread is busy with a run of its
    // own and cannot hand it another.
    concurrentTasksPerWorker: 2,
  });
  let next = 0;
  let firstError: unknown;
  let inFlight = 0;
  let wakeMain: (() => void) | undefined;
  const deliver = (o: RunOutcome): void => {
    try {
      opts.onOutcome(o);
    } catch (e) {
      firstError ??= e;
    }
  };
  // Keep the workers' queues full (two each), no further: a huge sweep never holds every result.
  const launch = (): void => {
    // Capped, this thread runs nothing, so `workers` in flight keep every runner busy, and runs
    // start in order (with one job, strictly one after the other).
    while (inFlight < (capped ? workers : workers * 2) && next < tasks.length && firstError === undefined) {
      const t = tasks[next++]!;
      inFlight++;
      const started = wallSeconds();
      (t.policy.kind === 'module' ? runWatched(t, callLimitSeconds(), heapMb) : pool.run(t))
        .catch((e: unknown) => failedOutcome(t, e, wallSeconds() - started))
        .then((o) => {
          deliver(o);
          inFlight--;
          launch();
          wakeMain?.();
        });
    }
  };
  try {
    launch();
    for (;;) {
      if (!capped && next < tasks.length && firstError === undefined) {
        deliver(await runHere(tasks[next++]!));
        // Let worker results, timers (progress) and signals through between runs.
        await new Promise<void>((r) => setImmediate(r));
        launch();
        continue;
      }
      if (inFlight === 0) break;
      await new Promise<void>((r) => (wakeMain = r));
      wakeMain = undefined;
    }
    if (firstError !== undefined) throw firstError;
  } finally {
    await pool.destroy();
  }
}
