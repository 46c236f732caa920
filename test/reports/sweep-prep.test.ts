import { describe, expect, it } from 'vitest';
import { SWEEP_METRICS } from '../../reports/charts/sweep-common.js';
import { pointLabelOf, type ComparisonRow } from '../../reports/data.js';
import { gridKeys, orderValues, rowsFromStats, sweepScale, sweepSeries } from '../../reports/prep/sweep.js';
import { summaryStats } from '../../reports/prep/summary.js';
import { TABLE_METRICS } from '../../sim/cli/table.js';

/**
 * Synthetic comparison.csv rows of a 3 × 2 sweep (leechers 16, 4, 8 written out of order; pex
 * true/false) plus a constant override (duration) that is not a grid key. Every number is a
 * distinct function of (point, policy, metric), so a value taken from the wrong row shows.
 */
const POLICIES = ['ref', 'new'];
const LEECHERS = ['16', '4', '8'];
const PEX = ['true', 'false'];
const METRICS = ['subject_wasted_handshakes', 'subject_useful_ratio'];

function value(l: string, pex: string, p: string, m: string): number {
  return Number(l) * 100 + (pex === 'true' ? 10 : 20) + POLICIES.indexOf(p) * 1000 + METRICS.indexOf(m) * 0.5;
}

function row(point: Record<string, string>, policy: string, metric: string, over: Partial<ComparisonRow> = {}): ComparisonRow {
  const v = value(point['population.leechers.count']!, point['discovery.pex.enabled']!, policy, metric);
  const isRef = policy === 'ref';
  const refV = value(point['population.leechers.count']!, point['discovery.pex.enabled']!, 'ref', metric);
  return {
    scenario: 'sc',
    point,
    pointLabel: pointLabelOf(point),
    policy,
    metric,
    n: 5,
    mean: v,
    sd: 1,
    ci_low: v - 3,
    ci_high: v + 4,
    ref_policy: 'ref',
    diff_mean: isRef ? null : v - refV,
    diff_ci_low: isRef ? null : v - refV - 7,
    diff_ci_high: isRef ? null : v - refV + 9,
    ...over,
  };
}

function rows(): ComparisonRow[] {
  const out: ComparisonRow[] = [];
  for (const l of LEECHERS)
    for (const pex of PEX)
      for (const p of POLICIES)
        for (const m of [...METRICS, 'subject_connect_attempts']) out.push(row({ duration: '180', 'population.leechers.count': l, 'discovery.pex.enabled': pex }, p, m));
  return out;
}

describe('gridKeys', () => {
  it('are the override columns that take more than one value', () => {
    expect(gridKeys(rows())).toEqual(['population.leechers.count', 'discovery.pex.enabled']);
  });
  it('a plain run (no overrides, or --duration only) has none', () => {
    expect(gridKeys(rows().map((r) => ({ ...r, point: {} })))).toEqual([]);
    expect(gridKeys(rows().filter((r) => r.point['population.leechers.count'] === '4' && r.point['discovery.pex.enabled'] === 'true'))).toEqual([]);
  });
});

describe('sweepScale and orderValues', () => {
  it('numbers are linear or log, anything else ordinal', () => {
    expect(sweepScale(['4', '8', '16'])).toBe('log');
    expect(sweepScale(['1', '10', '1000'])).toBe('log');
    expect(sweepScale(['1', '200'])).toBe('log');
    expect(sweepScale(['10', '20', '30'])).toBe('linear');
    expect(sweepScale(['1', '2'])).toBe('linear');
    expect(sweepScale(['0', '10', '100'])).toBe('linear'); // zero has no logarithm
    expect(sweepScale(['-5', '5'])).toBe('linear');
    expect(sweepScale(['true', 'false'])).toBe('ordinal');
    expect(sweepScale(['5', 'fast'])).toBe('ordinal');
  });
  it('numeric values ascend; others keep their order of appearance', () => {
    expect(orderValues(['16', '4', '8', '4'])).toEqual(['4', '8', '16']);
    expect(orderValues(['true', 'false'])).toEqual(['true', 'false']);
    expect(orderValues(['b', 'a', '3'])).toEqual(['b', 'a', '3']);
  });
});

describe('sweepSeries', () => {
  const all = sweepSeries(rows(), { scenario: 'sc', metrics: METRICS, policies: POLICIES });

  it('one series set per grid key, facets over the other key, values in x order', () => {
    expect(all.map((k) => [k.key, k.scale, k.values, k.others])).toEqual([
      ['population.leechers.count', 'log', ['4', '8', '16'], ['discovery.pex.enabled']],
      ['discovery.pex.enabled', 'ordinal', ['true', 'false'], ['population.leechers.count']],
    ]);
    expect(all[0]!.facets.map((f) => f.key)).toEqual(['discovery.pex.enabled=true', 'discovery.pex.enabled=false']);
    expect(all[1]!.facets.map((f) => f.label)).toEqual(['population.leechers.count=4', 'population.leechers.count=8', 'population.leechers.count=16']);
    expect(all[0]!.metrics).toEqual(METRICS); // subject_connect_attempts was not asked for
    expect(all[0]!.ref).toBe('ref');
    for (const k of all) for (const f of k.facets) for (const m of METRICS) for (const p of POLICIES) expect(f.series.get(m)!.get(p)!.map((q) => q.x)).toEqual(k.values);
  });

  it('takes mean, CI and n from the row of that point, policy and metric', () => {
    const pts = all[0]!.facets[1]!.series.get('subject_useful_ratio')!.get('new')!; // pex=false
    expect(pts.map((q) => [q.x, q.i, q.n, q.mean, q.lo, q.hi])).toEqual(
      ['4', '8', '16'].map((l, i) => {
        const v = value(l, 'false', 'new', 'subject_useful_ratio');
        return [l, i, 5, v, v - 3, v + 4];
      }),
    );
    const byPex = all[1]!.facets[2]!.series.get('subject_wasted_handshakes')!.get('ref')!; // leechers=16
    expect(byPex.map((q) => q.mean)).toEqual([value('16', 'true', 'ref', 'subject_wasted_handshakes'), value('16', 'false', 'ref', 'subject_wasted_handshakes')]);
  });

  it('carries the paired difference and its CI; none for the reference policy', () => {
    const f = all[1]!.facets[0]!; // leechers=4
    const d = f.series.get('subject_wasted_handshakes')!.get('new')!;
    expect(d.map((q) => q.diff)).toEqual([
      { mean: 1000, lo: 993, hi: 1009 },
      { mean: 1000, lo: 993, hi: 1009 },
    ]);
    expect(f.series.get('subject_wasted_handshakes')!.get('ref')!.every((q) => q.diff === null)).toBe(true);
  });

  it('a missing row leaves its point out, and an empty mean stays null', () => {
    const rs = rows().filter((r) => !(r.policy === 'new' && r.metric === 'subject_useful_ratio' && r.point['population.leechers.count'] === '8' && r.point['discovery.pex.enabled'] === 'true'));
    const i = rs.findIndex((r) => r.policy === 'ref' && r.metric === 'subject_useful_ratio' && r.point['population.leechers.count'] === '16' && r.point['discovery.pex.enabled'] === 'true');
    rs[i] = { ...rs[i]!, mean: null, ci_low: null, ci_high: null };
    const k = sweepSeries(rs, { scenario: 'sc', metrics: METRICS, policies: POLICIES })[0]!;
    expect(k.facets[0]!.series.get('subject_useful_ratio')!.get('new')!.map((q) => q.x)).toEqual(['4', '16']);
    expect(k.facets[0]!.series.get('subject_useful_ratio')!.get('ref')!.map((q) => q.mean)).toEqual([value('4', 'true', 'ref', 'subject_useful_ratio'), value('8', 'true', 'ref', 'subject_useful_ratio'), null]);
  });

  it('three keys: facets are the combinations of the other two present', () => {
    const rs = rows().flatMap((r) => ['a', 'b'].map((c) => ({ ...r, point: { ...r.point, mode: c } })));
    const ks = sweepSeries(rs, { scenario: 'sc', metrics: METRICS, policies: POLICIES });
    expect(ks.map((k) => k.key)).toEqual(['population.leechers.count', 'discovery.pex.enabled', 'mode']);
    expect(ks[0]!.facets.map((f) => f.key)).toEqual(['discovery.pex.enabled=true, mode=a', 'discovery.pex.enabled=true, mode=b', 'discovery.pex.enabled=false, mode=a', 'discovery.pex.enabled=false, mode=b']);
    expect(ks[2]!.facets).toHaveLength(6);
  });

  it('a plain run, or another scenario, gives nothing', () => {
    expect(sweepSeries(rows().map((r) => ({ ...r, point: { duration: '180' } })), { scenario: 'sc', metrics: METRICS, policies: POLICIES })).toEqual([]);
    expect(sweepSeries(rows(), { scenario: 'other', metrics: METRICS, policies: POLICIES })).toEqual([]);
  });

  it('rows rebuilt from summary.csv statistics give the same points (no comparison.csv)', () => {
    const sum = ['1', '2'].flatMap((l) =>
      POLICIES.flatMap((policy, pi) =>
        [0, 1, 2].map((rep) => ({ scenario: 'sc', policy, rep, seed: 10 + rep, point: { k: l }, pointLabel: `k=${l}`, values: { subject_wasted_handshakes: Number(l) * 10 + pi * 100 + rep } })),
      ),
    );
    const stats = summaryStats(sum, ['subject_wasted_handshakes'], POLICIES);
    const k = sweepSeries(rowsFromStats(stats, new Map(sum.map((r) => [r.pointLabel, r.point]))), { scenario: 'sc', metrics: ['subject_wasted_handshakes'], policies: POLICIES })[0]!;
    expect(k.key).toBe('k');
    const pts = k.facets[0]!.series.get('subject_wasted_handshakes')!.get('new')!;
    expect(pts.map((q) => [q.x, q.n, q.mean])).toEqual([
      ['1', 3, 111],
      ['2', 3, 121],
    ]);
    expect(pts[0]!.diff!.mean).toBe(100);
    expect(pts[0]!.lo).toBeCloseTo(111 - 4.302653 / Math.sqrt(3), 4); // sd 1 over 3 replications
  });
});

describe('SWEEP_METRICS', () => {
  it('are the headline metrics the run and sweep commands print, in that order', () => {
    expect(SWEEP_METRICS.map((m) => m.metric)).toEqual(TABLE_METRICS.map((m) => m.metric));
    expect(SWEEP_METRICS.every((m) => m.label.length > 0 && m.unit.length > 0)).toBe(true);
  });
});
