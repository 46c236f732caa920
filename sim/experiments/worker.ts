import { wallSeconds } from './wall-clock.js';
import { executeTask, type RunOutcome, type RunTask } from './task.js';

/** piscina worker entry: one task in, one outcome out (compiled to dist/, see pool.ts). */
export default function runTask(task: RunTask): Promise<RunOutcome> {
  return executeTask(task, wallSeconds);
}
