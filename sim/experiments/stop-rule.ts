import { canDownload, type MetricsRecorder } from '../metrics/recorder.js';
import { settleTime } from '../metrics/settle-time.js';
import type { Swarm } from '../model/swarm.js';
import type { Scenario } from '../scenario/schema.js';

/**
 * Stop rules (SPEC "Stop rules", scenario field `stop`). The engine knows nothing of them: the run
 * is advanced one sampling interval at a time (`env.run(t)` up to each sampling point, which is
 * exactly what a run whose duration is that point does), and after each point the condition is
 * read from the metrics recorder and the swarm. The run ends at the first sampling point where it
 * holds, so the time series stays on its grid and ends there; a stopped run's CSV rows are those
 * of the same run with `duration` set to its stop time.
 *
 * - `converged`: every leecher counted by convergence_s (arrived, did not give up, a client that
 *   can download) holds the whole file, there is at least one, and no such leecher is still to
 *   arrive before the run's end.
 * - `settled`: swarm_settle_s of the series so far (the first time after which the whole swarm's
 *   churn per peer per minute stays within 10% of the mean of the last quarter of the samples so
 *   far) lies at least `stop.window` before the current sampling point.
 *
 * Without either, the run ends at `min(stop.max, duration)`: reason `max` when `stop.max` is the
 * smaller (or equal), `duration` when `duration` is (a shorter `--duration`).
 */

export type StopReason = 'converged' | 'settled' | 'max' | 'duration';

/** Why and when (simulated seconds) a run with a stop rule ended; manifest.json records it per run. */
export interface StopRecord {
  reason: StopReason;
  time: number;
}

/** When a run of `s` ends at the latest: `duration`, or `stop.max` when smaller. */
export function horizonOf(s: Scenario): number {
  return s.stop?.max !== undefined ? Math.min(s.stop.max, s.duration) : s.duration;
}

/**
 * The scenario the model runs: `duration` cut to the stop rule's `max` (arrivals after it are not
 * drawn, as in a run of that duration). Scenarios without `stop` are returned as they are.
 */
export function modelScenario(s: Scenario): Scenario {
  const end = horizonOf(s);
  return end === s.duration ? s : { ...s, duration: end };
}

/** Whether every leecher counted by convergence_s is complete and none is still to arrive by `end`. */
export function converged(swarm: Swarm, end: number): boolean {
  let any = false;
  for (const p of swarm.peers) {
    if (p.startsAsSeed || !canDownload(p)) continue;
    if (p.arrivedAt < 0) {
      if (swarm.arrivals[p.id]! <= end) return false;
      continue;
    }
    if (p.aborted) continue;
    if (p.completedAt < 0) return false;
    any = true;
  }
  return any;
}

/** Whether the swarm's churn series so far has been within 10% of its final-quarter mean for `window` s. */
export function settled(recorder: MetricsRecorder, interval: number, window: number): boolean {
  const { times, values } = recorder.swarmChurn();
  const n = times.length;
  if (n === 0) return false;
  const from = settleTime(times, values, interval)!;
  return times[n - 1]! - from >= window - 1e-9;
}

/**
 * Runs `swarm` (built from `original` through modelScenario) to its end: to `duration` when the
 * scenario has no stop rule (returns undefined), else to the first sampling point where the rule
 * holds, or to its horizon.
 */
export function runWithStop(swarm: Swarm, recorder: MetricsRecorder, original: Scenario): StopRecord | undefined {
  const stop = original.stop;
  if (!stop) {
    swarm.run();
    return undefined;
  }
  const end = horizonOf(original);
  const interval = original.sample_interval;
  const holds = stop.when === 'converged' ? () => converged(swarm, end) : () => settled(recorder, interval, stop.window);
  const env = swarm.env;
  // Sampling points are computed as the swarm schedules them (previous point + interval), so
  // each segment ends exactly on one.
  let t = 0;
  for (;;) {
    const next = t + interval;
    if (next > end) break;
    env.run(next);
    t = next;
    if (holds()) return { reason: stop.when, time: t };
  }
  env.run(end);
  return { reason: stop.max !== undefined && stop.max <= original.duration ? 'max' : 'duration', time: end };
}
