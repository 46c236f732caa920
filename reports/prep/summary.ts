import type { ComparisonRow, SummaryRow } from '../data.js';
import { band } from '../../sim/statistics.js';

/** A metric of one policy at one scenario point: mean with CI, and the paired difference to the reference. */
export interface MetricStat {
  scenario: string;
  pointLabel: string;
  policy: string;
  metric: string;
  n: number;
  mean: number | null;
  lo: number | null;
  hi: number | null;
  ref: string;
  /** Paired difference policy − reference over runs with the same seed; null for the reference itself. */
  diff: { mean: number | null; lo: number | null; hi: number | null } | null;
}

const num = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * Statistics from summary.csv: per scenario × point × policy × metric, the mean and t-based 95%
 * CI over replications, and the paired difference to `ref` (runs matched on rep and seed).
 */
export function summaryStats(rows: readonly SummaryRow[], metrics: readonly string[], policies: readonly string[], ref = policies[0] ?? ''): MetricStat[] {
  const groups = new Map<string, { scenario: string; pointLabel: string; byPolicy: Map<string, SummaryRow[]> }>();
  for (const r of rows) {
    const k = `${r.scenario}\u0000${r.pointLabel}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { scenario: r.scenario, pointLabel: r.pointLabel, byPolicy: new Map() }));
    let a = g.byPolicy.get(r.policy);
    if (!a) g.byPolicy.set(r.policy, (a = []));
    a.push(r);
  }
  const out: MetricStat[] = [];
  for (const g of groups.values()) {
    const refRuns = new Map((g.byPolicy.get(ref) ?? []).map((r) => [`${r.rep}:${r.seed}`, r]));
    for (const m of metrics) {
      for (const p of policies) {
        const runs = g.byPolicy.get(p);
        if (!runs) continue;
        const e = band(runs.map((r) => r.values[m] ?? null));
        let diff: MetricStat['diff'] = null;
        if (p !== ref && refRuns.size > 0) {
          const d: number[] = [];
          for (const r of runs) {
            const b = refRuns.get(`${r.rep}:${r.seed}`);
            const x = r.values[m];
            const y = b?.values[m];
            if (x !== null && x !== undefined && y !== null && y !== undefined) d.push(x - y);
          }
          const de = band(d);
          diff = { mean: num(de.mean), lo: num(de.lo), hi: num(de.hi) };
        }
        out.push({ scenario: g.scenario, pointLabel: g.pointLabel, policy: p, metric: m, n: e.n, mean: num(e.mean), lo: num(e.lo), hi: num(e.hi), ref, diff });
      }
    }
  }
  return out;
}

/** The same statistics as written by the experiments stage in comparison.csv. */
export function statsFromComparison(rows: readonly ComparisonRow[], metrics: readonly string[]): MetricStat[] {
  const want = new Set(metrics);
  return rows
    .filter((r) => want.has(r.metric))
    .map((r) => ({
      scenario: r.scenario,
      pointLabel: r.pointLabel,
      policy: r.policy,
      metric: r.metric,
      n: r.n,
      mean: r.mean,
      lo: r.ci_low,
      hi: r.ci_high,
      ref: r.ref_policy,
      diff: r.policy === r.ref_policy ? null : { mean: r.diff_mean, lo: r.diff_ci_low, hi: r.diff_ci_high },
    }));
}
