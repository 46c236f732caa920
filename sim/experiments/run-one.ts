import type { RunRequest, RunResult } from './run-types.js';

/** Runs one simulation to its end. Pure: the result depends only on the request. */
export function runOne(req: RunRequest): RunResult {
  void req;
  throw new Error('runOne: the swarm model is not wired yet');
}
