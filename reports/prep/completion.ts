import type { PeerRow, SummaryRow, TimeseriesRun } from '../data.js';
import { bandSeries, completionShare, runKeyString, type GroupSeries } from './timeseries.js';

/** Steps of the completion-time grid (0 to the longest completion time of the runs shown). */
export const COMPLETION_GRID_STEPS = 100;

/**
 * Completion-time CDF counted from each leecher's own arrival (peers.csv): per run, how many of
 * the group's leechers held the whole file within τ of arriving, for τ on a grid of
 * COMPLETION_GRID_STEPS + 1 points from 0 to the longest completion time among `runs`; then,
 * as for the curve from the start of the run (completionShare), scaled so that each run ends at
 * its completed_fraction (leechers that never finish keep it below 100 %), and averaged across
 * replications with a 95 % band. `runs` are the summary rows of one scenario point; `peers` may
 * hold other runs too (they are ignored). The subject group is the peers of `subjectGroup`.
 */
export function completionFromArrival(peers: readonly PeerRow[], runs: readonly SummaryRow[], policies: readonly string[], subjectGroup: string): GroupSeries {
  const byRun = new Map<string, { subject: number[]; swarm: number[] }>();
  for (const r of runs) byRun.set(runKeyString(r), { subject: [], swarm: [] });
  let max = 0;
  for (const p of peers) {
    if (p.arrival === null || p.completion === null) continue;
    const d = byRun.get(runKeyString(p));
    if (!d) continue;
    const x = Math.max(0, p.completion - p.arrival);
    d.swarm.push(x);
    if (p.group === subjectGroup) d.subject.push(x);
    if (x > max) max = x;
  }
  const steps = COMPLETION_GRID_STEPS;
  const grid = max > 0 ? Array.from({ length: steps + 1 }, (_, i) => (i === steps ? max : (max * i) / steps)) : [0];
  const counts = (xs: number[]): number[] => {
    const sorted = [...xs].sort((a, b) => a - b);
    let k = 0;
    return grid.map((t) => {
      while (k < sorted.length && sorted[k]! <= t) k++;
      return k;
    });
  };
  const sumByKey = new Map<string, SummaryRow>();
  const pseudo: TimeseriesRun[] = runs.map((r) => {
    const key = runKeyString(r);
    sumByKey.set(key, r);
    const d = byRun.get(key)!;
    return { scenario: r.scenario, policy: r.policy, rep: r.rep, seed: r.seed, point: r.point, pointLabel: r.pointLabel, t: grid, cols: { subject_completed_total: counts(d.subject), swarm_completed_total: counts(d.swarm) } };
  });
  const of = (g: 'subject' | 'swarm') => bandSeries(pseudo, `${g}_completed_total`, policies, (run) => completionShare(run, g, sumByKey.get(runKeyString(run))));
  return { subject: of('subject'), swarm: of('swarm') };
}
