import { Worker } from 'node:worker_threads';
import { CALLS } from '../policies/call-watch.js';
import { PolicyModuleError } from '../policies/guarded.js';
import { workerFile } from './pool.js';
import { failedOutcome, type RunOutcome, type RunTask } from './task.js';

/** Seconds one call of a user policy module may take (SWARMSIM_CALL_LIMIT overrides; default 10). */
export function callLimitSeconds(): number {
  const v = Number(process.env.SWARMSIM_CALL_LIMIT);
  return Number.isFinite(v) && v > 0 ? v : 10;
}

const TICK_MS = 100;

/**
 * Runs a task whose policy is a user module on a thread of its own and watches the module's
 * calls (sim/policies/call-watch.ts): when one call has not returned after `limitS` seconds, the
 * thread is ended and the run fails with a PolicyModuleError naming the module and the call,
 * which `run` reports as one line, exit 2. The simulation itself never reads a clock.
 */
export function runWatched(task: RunTask, limitS: number, heapMb?: number): Promise<RunOutcome> {
  const board = new SharedArrayBuffer(8);
  const seen = new Int32Array(board);
  const worker = new Worker(workerFile('watched-worker.js'), {
    workerData: { task, board },
    ...(heapMb !== undefined ? { resourceLimits: { maxOldGenerationSizeMb: heapMb } } : {}),
  });
  return new Promise<RunOutcome>((resolve) => {
    let last = -1;
    let stuck = 0;
    let settled = false;
    const finish = (o: RunOutcome): void => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      void worker.terminate();
      resolve(o);
    };
    const timer = setInterval(() => {
      const seq = Atomics.load(seen, 0);
      const call = Atomics.load(seen, 1);
      if (call === 0 || seq !== last) {
        last = seq;
        stuck = 0;
        return;
      }
      stuck += TICK_MS / 1000;
      if (stuck >= limitS) {
        const what = CALLS[call - 1] ?? 'a call';
        finish(failedOutcome(task, new PolicyModuleError(`policy module ${task.policy.label}: ${what} did not return within ${limitS} s (SWARMSIM_CALL_LIMIT)`), stuck));
      }
    }, TICK_MS);
    worker.once('message', (o: RunOutcome) => finish(o));
    worker.once('error', (e) => finish(failedOutcome(task, e, 0)));
    worker.once('exit', (code) => finish(failedOutcome(task, new Error(`the run's thread exited (status ${code}) before it finished`), 0)));
  });
}
