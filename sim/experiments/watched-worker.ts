import { parentPort, workerData } from 'node:worker_threads';
import { watchCalls } from '../policies/call-watch.js';
import { executeTask, type RunTask } from './task.js';
import { wallSeconds } from './wall-clock.js';

/** Entry of a watched run's thread (watchdog.ts): one task, its policy calls on the shared board. */
const { task, board } = workerData as { task: RunTask; board: SharedArrayBuffer };
watchCalls(board);
void executeTask(task, wallSeconds).then((o) => parentPort!.postMessage(o));
