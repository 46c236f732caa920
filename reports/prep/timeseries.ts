import type { SummaryRow, TimeseriesRun } from '../data.js';
import { band } from '../../sim/statistics.js';

/** One point of a band series: the mean across replications at time t and its 95% CI. */
export interface BandPoint {
  t: number;
  mean: number;
  lo: number;
  hi: number;
  n: number;
}

/** Per policy, the band series of one column across the replications of one scenario. */
export type BandSeries = Map<string, BandPoint[]>;

/**
 * Mean and 95% CI across replications, per policy and sampling time. Runs are aligned on t; a time
 * where only some replications have a value uses those. `values` maps a run to the numbers to
 * average (default: the column as written).
 */
export function bandSeries(
  runs: readonly TimeseriesRun[],
  column: string,
  policies: readonly string[],
  values: (run: TimeseriesRun) => readonly (number | null)[] = (run) => run.cols[column] ?? [],
): BandSeries {
  const out: BandSeries = new Map();
  for (const p of policies) {
    const byT = new Map<number, (number | null)[]>();
    for (const run of runs) {
      if (run.policy !== p) continue;
      const v = values(run);
      run.t.forEach((t, i) => {
        let a = byT.get(t);
        if (!a) byT.set(t, (a = []));
        a.push(v[i] ?? null);
      });
    }
    const pts: BandPoint[] = [];
    for (const t of [...byT.keys()].sort((a, b) => a - b)) {
      const e = band(byT.get(t)!);
      if (e.n === 0) continue;
      pts.push({ t, mean: e.mean, lo: e.lo, hi: e.hi, n: e.n });
    }
    out.set(p, pts);
  }
  return out;
}

/**
 * Cumulative completions of a run as a share (%) of the group's leechers: completed_total scaled so
 * that its final value equals the run's completed_fraction (summary.csv). Leechers that never
 * finish keep the curve below 100%. Without a usable fraction, the share of the final count; all
 * null when the group has no leechers (fraction empty in summary.csv and nothing completed).
 */
export function completionShare(run: TimeseriesRun, group: 'subject' | 'swarm', summary: SummaryRow | undefined): (number | null)[] {
  const col = run.cols[`${group}_completed_total`] ?? [];
  let final = 0;
  for (const v of col) if (v !== null && v > final) final = v;
  const frac = summary?.values[`${group}_completed_fraction`];
  // No leechers in the group (fraction not defined, nothing completed): no curve rather than a flat 0.
  if (summary && (frac === null || frac === undefined) && final === 0) return col.map(() => null);
  const scale = final > 0 ? (frac !== null && frac !== undefined && frac > 0 ? frac : 1) / final : 0;
  return col.map((v) => (v === null ? null : 100 * v * scale));
}

/** Identity of a run: scenario, sweep point, policy, replication, seed. */
export function runKeyString(k: { scenario: string; policy: string; rep: number; seed: number; pointLabel: string }): string {
  return `${k.scenario}\u0000${k.pointLabel}\u0000${k.policy}\u0000${k.rep}\u0000${k.seed}`;
}

/** Subject and swarm band series of one chart. */
export interface GroupSeries {
  subject: BandSeries;
  swarm: BandSeries;
}

function forGroups(f: (g: 'subject' | 'swarm') => BandSeries): GroupSeries {
  return { subject: f('subject'), swarm: f('swarm') };
}

/** Churn per online peer per minute, per sampling interval. */
export function churnSeries(runs: readonly TimeseriesRun[], policies: readonly string[]): GroupSeries {
  return forGroups((g) => bandSeries(runs, `${g}_churn_per_peer_min`, policies));
}

/** Wasted handshakes since the start (running total). */
export function wastedSeries(runs: readonly TimeseriesRun[], policies: readonly string[]): GroupSeries {
  return forGroups((g) => bandSeries(runs, `${g}_wasted_handshakes_total`, policies));
}

/** Share of leechers complete over time (see completionShare). `summaryOf` finds a run's summary row. */
export function completionSeries(runs: readonly TimeseriesRun[], policies: readonly string[], summaryOf: (run: TimeseriesRun) => SummaryRow | undefined): GroupSeries {
  // A CDF starts at 0: add t = 0 when the first sample is later.
  const withZero = runs.map((r) => (r.t.length > 0 && r.t[0]! > 0 ? { ...r, t: [0, ...r.t], cols: Object.fromEntries(Object.entries(r.cols).map(([k, v]) => [k, [0, ...v]])) } : r));
  return forGroups((g) => bandSeries(withZero, `${g}_completed_total`, policies, (run) => completionShare(run, g, summaryOf(run))));
}
