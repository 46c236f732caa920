import type { ComparisonRow } from '../data.js';
import type { MetricStat } from './summary.js';

/**
 * Data of the sweep charts: each headline metric against each swept parameter (grid key), one
 * series per policy, small multiples over the values of the other grid keys. Everything comes
 * from comparison.csv rows as written (mean, 95% CI, paired difference to the reference policy
 * and its CI); nothing is recomputed here.
 */

/** How a grid key's values are placed on the x axis. */
export type SweepScale = 'linear' | 'log' | 'ordinal';

export interface SweepPoint {
  /** The key's value as written in the CSV. */
  x: string;
  /** Position of x in SweepKeySeries.values. */
  i: number;
  n: number;
  mean: number | null;
  lo: number | null;
  hi: number | null;
  /** Paired difference policy − reference (same seeds) with its 95% CI; null for the reference policy. */
  diff: { mean: number | null; lo: number | null; hi: number | null } | null;
}

export interface SweepFacet {
  /** Machine key (data-facet): `k=v, k2=v2` of the other grid keys, or `all` when there are none. */
  key: string;
  /** Heading: the other grid keys' values, or '' when there are none. */
  label: string;
  /** Values of the other grid keys in this facet. */
  fixed: Record<string, string>;
  /** metric → policy → points in x order (points without a row are absent). */
  series: Map<string, Map<string, SweepPoint[]>>;
}

export interface SweepKeySeries {
  scenario: string;
  /** The grid key on the x axis (a scenario field path, e.g. `population.leechers.count`). */
  key: string;
  scale: SweepScale;
  /** The key's values in x order: numeric keys ascending, others in order of first appearance. */
  values: string[];
  /** The other grid keys (the facets' dimensions). */
  others: string[];
  facets: SweepFacet[];
  /** Metrics present, in the order asked for. */
  metrics: string[];
  /** Policies in the order given, those with rows only. */
  policies: string[];
  /** The reference policy of the paired differences. */
  ref: string;
}

const isNumeric = (v: string): boolean => v.trim() !== '' && Number.isFinite(Number(v));

function distinct(rows: readonly ComparisonRow[], col: string): string[] {
  const out: string[] = [];
  for (const r of rows) {
    const v = r.point[col];
    if (v !== undefined && !out.includes(v)) out.push(v);
  }
  return out;
}

/**
 * The swept parameters: override columns that take more than one value among the rows. A plain
 * run's overrides (`--duration`, `--set`) hold one value each and are not grid keys.
 */
export function gridKeys(rows: readonly ComparisonRow[]): string[] {
  const cols: string[] = [];
  for (const r of rows) for (const c of Object.keys(r.point)) if (!cols.includes(c)) cols.push(c);
  return cols.filter((c) => distinct(rows, c).length > 1);
}

function spreadOf(gaps: number[]): number {
  const m = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  if (!(m > 0)) return Infinity;
  return Math.sqrt(gaps.reduce((a, g) => a + (g - m) ** 2, 0) / gaps.length) / m;
}

/**
 * The x scale of a key's values: ordinal unless every value is a number; log for positive values
 * spread over two decades or more, or over a factor 4 or more and more evenly spaced in log than
 * in linear terms (4, 8, 16); linear otherwise.
 */
export function sweepScale(values: readonly string[]): SweepScale {
  if (values.length === 0 || !values.every(isNumeric)) return 'ordinal';
  const v = [...new Set(values.map(Number))].sort((a, b) => a - b);
  if (v.length < 2 || v[0]! <= 0) return 'linear';
  const ratio = v.at(-1)! / v[0]!;
  if (ratio >= 100) return 'log';
  if (v.length < 3 || ratio < 4) return 'linear';
  const lin = v.slice(1).map((x, i) => x - v[i]!);
  const log = v.slice(1).map((x, i) => Math.log(x) - Math.log(v[i]!));
  return spreadOf(log) < spreadOf(lin) ? 'log' : 'linear';
}

/** The key's values in x order: ascending when all numeric, else in order of first appearance. */
export function orderValues(values: readonly string[]): string[] {
  const v = [...new Set(values)];
  return v.every(isNumeric) ? v.sort((a, b) => Number(a) - Number(b)) : v;
}

function cartesian(keys: readonly string[], valuesOf: (k: string) => string[]): Record<string, string>[] {
  let out: Record<string, string>[] = [{}];
  for (const k of keys) out = out.flatMap((o) => valuesOf(k).map((v) => ({ ...o, [k]: v })));
  return out;
}

export const facetKey = (fixed: Record<string, string>): string => {
  const e = Object.entries(fixed);
  return e.length ? e.map(([k, v]) => `${k}=${v}`).join(', ') : 'all';
};

/**
 * One SweepKeySeries per grid key of `scenario` (none for a plain run): for each other-keys
 * combination present in the rows (a facet), each metric and each policy, the points (key value,
 * n, mean, 95% CI, paired difference and its CI) in x order.
 */
export function sweepSeries(rows: readonly ComparisonRow[], o: { scenario: string; metrics: readonly string[]; policies: readonly string[] }): SweepKeySeries[] {
  const mine = rows.filter((r) => r.scenario === o.scenario);
  const keys = gridKeys(mine);
  if (keys.length === 0) return [];
  const want = new Set(o.metrics);
  const used = mine.filter((r) => want.has(r.metric));
  const metrics = o.metrics.filter((m) => used.some((r) => r.metric === m));
  const policies = o.policies.filter((p) => used.some((r) => r.policy === p));
  const ref = used.find((r) => r.ref_policy !== '')?.ref_policy ?? policies[0] ?? '';
  const valuesOf = new Map(keys.map((k) => [k, orderValues(distinct(mine, k))]));
  const index = new Map<string, ComparisonRow>();
  const rowId = (point: Record<string, string>, policy: string, metric: string) => `${keys.map((k) => point[k]).join('\u0000')}\u0001${policy}\u0001${metric}`;
  for (const r of used) index.set(rowId(r.point, r.policy, r.metric), r);
  return keys.map((key) => {
    const values = valuesOf.get(key)!;
    const others = keys.filter((k) => k !== key);
    const combos = cartesian(others, (k) => valuesOf.get(k)!).filter((fixed) => used.some((r) => others.every((k) => r.point[k] === fixed[k])));
    const facets: SweepFacet[] = combos.map((fixed) => {
      const series = new Map<string, Map<string, SweepPoint[]>>();
      for (const m of metrics) {
        const byPolicy = new Map<string, SweepPoint[]>();
        for (const p of policies) {
          const pts: SweepPoint[] = [];
          values.forEach((x, i) => {
            const r = index.get(rowId({ ...fixed, [key]: x }, p, m));
            if (!r) return;
            pts.push({
              x,
              i,
              n: r.n,
              mean: r.mean,
              lo: r.ci_low,
              hi: r.ci_high,
              diff: r.policy === r.ref_policy ? null : { mean: r.diff_mean, lo: r.diff_ci_low, hi: r.diff_ci_high },
            });
          });
          byPolicy.set(p, pts);
        }
        series.set(m, byPolicy);
      }
      const k = facetKey(fixed);
      return { key: k, label: others.length ? k : '', fixed, series };
    });
    return { scenario: o.scenario, key, scale: sweepScale(values), values, others, facets, metrics, policies, ref };
  });
}

/**
 * Comparison rows rebuilt from statistics computed from summary.csv (prep/summary.ts), for an
 * output directory without comparison.csv; `points` gives each point label's override values.
 */
export function rowsFromStats(stats: readonly MetricStat[], points: ReadonlyMap<string, Record<string, string>>): ComparisonRow[] {
  return stats.map((s) => ({
    scenario: s.scenario,
    point: points.get(s.pointLabel) ?? {},
    pointLabel: s.pointLabel,
    policy: s.policy,
    metric: s.metric,
    n: s.n,
    mean: s.mean,
    sd: null,
    ci_low: s.lo,
    ci_high: s.hi,
    ref_policy: s.ref,
    diff_mean: s.diff?.mean ?? null,
    diff_ci_low: s.diff?.lo ?? null,
    diff_ci_high: s.diff?.hi ?? null,
  }));
}
