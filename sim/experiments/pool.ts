import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { wallSeconds } from '../cli/clock.js';
import { PACKAGE_ROOT } from './package-info.js';
import { executeTask, failedOutcome, type RunOutcome, type RunTask } from './task.js';

/**
 * Runs tasks one at a time in this thread (jobs = 1) or on a pool of worker threads (piscina).
 * Outcomes are handed to `onOutcome` as they finish, in whatever order; callers key them by
 * task index, so the files written never depend on the finishing order.
 */
export interface RunTasksOptions {
  jobs: number;
  onOutcome: (o: RunOutcome) => void;
}

/** The compiled worker: workers always run JavaScript from dist/ (TypeScript workers start 5× slower). */
export function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const sibling = join(here, '..', 'worker.js');
  if (here.endsWith('.js') && existsSync(sibling)) return sibling;
  const built = join(PACKAGE_ROOT, 'dist', 'sim', 'experiments', 'worker.js');
  if (!existsSync(built)) throw new Error(`--jobs needs the compiled worker ${built}: run npm run build first`);
  return built;
}

export async function runTasks(tasks: readonly RunTask[], opts: RunTasksOptions): Promise<void> {
  if (tasks.length === 0) return;
  if (opts.jobs <= 1 || tasks.length === 1) {
    for (const t of tasks) {
      opts.onOutcome(await executeTask(t, wallSeconds));
      // Let timers (progress) and signals through between runs.
      await new Promise<void>((r) => setImmediate(r));
    }
    return;
  }
  const threads = Math.min(opts.jobs, tasks.length);
  const { Piscina } = await import('piscina');
  const pool = new Piscina<RunTask, RunOutcome>({
    filename: pathToFileURL(workerFile()).href,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
    concurrentTasksPerWorker: 1,
  });
  try {
    // Keep a bounded number of tasks queued so a huge sweep does not hold every result at once.
    const window = threads * 2;
    let next = 0;
    let firstError: unknown;
    await new Promise<void>((resolveAll) => {
      let inFlight = 0;
      const launch = (): void => {
        while (inFlight < window && next < tasks.length && firstError === undefined) {
          const t = tasks[next++]!;
          inFlight++;
          const started = wallSeconds();
          pool
            .run(t)
            .catch((e: unknown) => failedOutcome(t, e, wallSeconds() - started))
            .then((o) => {
              try {
                opts.onOutcome(o);
              } catch (e) {
                firstError ??= e;
              }
              inFlight--;
              if (inFlight === 0 && (next >= tasks.length || firstError !== undefined)) resolveAll();
              else launch();
            });
        }
      };
      launch();
    });
    if (firstError !== undefined) throw firstError;
  } finally {
    await pool.destroy();
  }
}
