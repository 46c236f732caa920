import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { churnChart } from '../../reports/charts/churn.js';
import { completionChart } from '../../reports/charts/completion.js';
import { rasterChart } from '../../reports/charts/raster.js';
import { summaryBarsChart } from '../../reports/charts/summary-bars.js';
import { SWEEP_METRICS } from '../../reports/charts/sweep-common.js';
import { sweepDiffChart } from '../../reports/charts/sweep-diff.js';
import { sweepMetricChart } from '../../reports/charts/sweep-metric.js';
import { wastedChart } from '../../reports/charts/wasted.js';
import { pointLabelOf, type ComparisonRow } from '../../reports/data.js';
import { policyStyles } from '../../reports/palette.js';
import { sweepSeries } from '../../reports/prep/sweep.js';
import type { MetricStat } from '../../reports/prep/summary.js';
import type { BandPoint } from '../../reports/prep/timeseries.js';

const styles = policyStyles(['ref', 'new']);
const pts = (k: number): BandPoint[] => [0, 60, 120].map((t) => ({ t, mean: k + t / 60, lo: k, hi: k + 1 + t / 60, n: 3 }));
const series = () => ({ subject: new Map([['ref', pts(1)], ['new', pts(2)]]), swarm: new Map([['ref', pts(3)], ['new', pts(4)]]) });

function parse(svg: string): Document {
  return new JSDOM(svg, { contentType: 'image/svg+xml' }).window.document;
}
const texts = (d: Document) => [...d.querySelectorAll('text')].map((t) => t.textContent ?? '');

describe.each([
  ['churn', churnChart, 'Connection churn over time', 'closed connections per peer per minute'],
  ['wasted', wastedChart, 'Cumulative wasted handshakes', 'wasted handshakes since start (count)'],
  ['completion', completionChart, 'Completion-time CDF', 'leechers complete (%)'],
] as const)('%s chart', (id, chart, title, yLabel) => {
  const svg = chart(series(), { styles, scenario: 'seed-heavy' });
  const d = parse(svg);
  it('is standalone SVG with title, axis labels with units and a legend', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(d.querySelector('parsererror')).toBeNull();
    expect(d.documentElement.getAttribute('id')).toBe(id);
    const t = texts(d);
    expect(t).toContain(title);
    expect(t.filter((s) => s === yLabel)).toHaveLength(2);
    expect(t.filter((s) => s === 'time since start (min)')).toHaveLength(2);
    expect([...d.querySelectorAll('[data-legend-policy]')].map((e) => e.getAttribute('data-legend-policy'))).toEqual(['ref', 'new']);
  });
  it('draws per facet and policy a line and a band in the policy colour', () => {
    for (const facet of ['subject', 'swarm'])
      for (const p of ['ref', 'new']) {
        const g = [...d.querySelectorAll(`g.series[data-facet="${facet}"]`)].find((e) => e.getAttribute('data-policy') === p)!;
        expect(g.querySelector('path.line')!.getAttribute('d')).toMatch(/^M/);
        expect(g.querySelector('path.line')!.getAttribute('stroke')).toBe(styles.get(p)!.color);
        expect(g.querySelector('path.band')!.getAttribute('fill')).toBe(styles.get(p)!.color);
      }
  });
  it('is deterministic', () => {
    expect(chart(series(), { styles, scenario: 'seed-heavy' })).toBe(svg);
  });
});

describe('summary bars', () => {
  const st = (policy: string, metric: string, mean: number, diff: number | null): MetricStat => ({
    scenario: 's', pointLabel: '', policy, metric, n: 5, mean, lo: mean - 1, hi: mean + 1, ref: 'ref', diff: diff === null ? null : { mean: diff, lo: diff - 0.5, hi: diff + 0.5 },
  });
  const stats = [st('ref', 'subject_wasted_handshakes', 10, null), st('new', 'subject_wasted_handshakes', 30, 20), st('ref', 'subject_useful_ratio', 0.9, null), st('new', 'subject_useful_ratio', 0.5, -0.4)];
  const d = parse(summaryBarsChart(stats, { styles }));
  it('has a row per present metric with bars, CI whiskers and paired differences', () => {
    expect([...d.querySelectorAll('g.metric-row')].map((g) => g.getAttribute('data-metric'))).toEqual(['subject_wasted_handshakes', 'subject_useful_ratio']);
    expect(d.querySelectorAll('rect.bar')).toHaveLength(4);
    expect(d.querySelectorAll('g.ci')).toHaveLength(4);
    expect(d.querySelectorAll('circle.diff')).toHaveLength(2);
    expect([...d.querySelectorAll('circle.diff')].every((c) => c.closest('[data-policy]')!.getAttribute('data-policy') === 'new')).toBe(true);
    expect(texts(d)).toContain('difference to ref ± 95% CI');
    expect(d.querySelector('rect.bar')!.getAttribute('data-tip')).toContain('10 [9, 11]');
  });
});

describe('raster', () => {
  const data = {
    scenario: 's',
    peer: 7,
    remotes: [3, 4],
    hiddenRemotes: 0,
    panels: [
      { policy: 'ref', rep: 0, seed: 1, dials: [{ t: 10, remote: 3, outcome: 'wasted', tEnd: 11, tHandshake: 10.5, reason: 'seed_seed', bytes: 0 }], total: 1 },
      { policy: 'new', rep: 0, seed: 1, dials: [3, 4, 3].map((remote, i) => ({ t: 10 + i, remote, outcome: i === 2 ? 'refused' : 'useful', tEnd: null, tHandshake: i === 2 ? null : 10 + i, reason: '', bytes: 5 })), total: 3 },
    ],
  };
  const d = parse(rasterChart(data, { styles, tMax: 600 }));
  it('has a panel per policy with one mark per dial, coloured and shaped by outcome', () => {
    const panels = [...d.querySelectorAll('g.panel')];
    expect(panels.map((p) => [p.getAttribute('data-policy'), p.querySelectorAll('path.dial').length])).toEqual([
      ['ref', 1],
      ['new', 3],
    ]);
    const outcomes = [...d.querySelectorAll('path.dial')].map((e) => e.getAttribute('data-outcome'));
    expect(outcomes).toEqual(['wasted', 'useful', 'useful', 'refused']);
    expect([...d.querySelectorAll('[data-legend-outcome]')]).toHaveLength(6);
    expect(texts(d)).toContain('remote peer (id)');
    expect(texts(d)).toContain('Reconnect raster of subject peer 7');
  });
  it('bins a panel with too many dials into one mark per peer and time bin, keeping the count', () => {
    const many = { ...data, panels: [{ ...data.panels[1]!, dials: Array.from({ length: 50 }, (_, i) => ({ t: i, remote: 3 + (i % 2), outcome: i % 5 === 0 ? 'useful' : 'wasted', tEnd: i + 0.5, tHandshake: i + 0.1, reason: '', bytes: 0 })), total: 50 }] };
    const dd = parse(rasterChart(many, { styles, tMax: 600, maxMarks: 10 }));
    const marks = [...dd.querySelectorAll('path.dial')];
    expect(marks.length).toBeLessThan(50);
    expect(marks.reduce((a, m) => a + Number(m.getAttribute('data-count')), 0)).toBe(50);
    expect(texts(dd).some((t) => t.includes('one mark per 5 s bin'))).toBe(true);
  });
});

describe('sweep charts', () => {
  // leechers × pex, two policies; new has no CI at leechers=8 (one replication there)
  const rows: ComparisonRow[] = [];
  for (const l of ['8', '2', '4'])
    for (const pex of ['true', 'false'])
      for (const [pi, policy] of ['ref', 'new'].entries())
        for (const metric of ['subject_wasted_handshakes', 'subject_useful_ratio']) {
          const mean = Number(l) * (pi + 1) * (metric === 'subject_useful_ratio' ? 0.01 : 10) + (pex === 'true' ? 0 : 1);
          const one = policy === 'new' && l === '8';
          const point = { 'population.leechers.count': l, 'discovery.pex.enabled': pex };
          rows.push({ scenario: 's', point, pointLabel: pointLabelOf(point), policy, metric, n: one ? 1 : 4, mean, sd: 1, ci_low: one ? mean : mean - 1, ci_high: one ? mean : mean + 2, ref_policy: 'ref', diff_mean: pi ? mean / 2 : null, diff_ci_low: pi ? mean / 2 - 1 : null, diff_ci_high: pi ? mean / 2 + 1 : null });
        }
  const [byLeechers, byPex] = sweepSeries(rows, { scenario: 's', metrics: SWEEP_METRICS.map((m) => m.metric), policies: ['ref', 'new'] });
  const md = parse(sweepMetricChart(byLeechers!, { styles, id: 'sw' }));
  const dd = parse(sweepDiffChart(byLeechers!, { styles, id: 'swd' }));
  const cell = (d: Document, metric: string, facet: string) => [...d.querySelectorAll('g.sweep-cell')].find((c) => c.getAttribute('data-metric') === metric && c.getAttribute('data-facet') === facet)!;
  const series = (c: Element, p: string) => [...c.querySelectorAll('g.series')].find((g) => g.getAttribute('data-policy') === p);

  it('a block per present headline metric, a panel per value of the other key', () => {
    expect([...md.querySelectorAll('g.sweep-block')].map((b) => b.getAttribute('data-metric'))).toEqual(['subject_wasted_handshakes', 'subject_useful_ratio']);
    expect([...md.querySelectorAll('g.sweep-cell')].map((c) => c.getAttribute('data-facet'))).toEqual(['discovery.pex.enabled=true', 'discovery.pex.enabled=false', 'discovery.pex.enabled=true', 'discovery.pex.enabled=false']);
    expect(texts(md)).toContain('Headline metrics against population.leechers.count');
    expect(texts(md)).toContain('discovery.pex.enabled=false');
    expect(texts(md)).toContain('population.leechers.count (log scale)');
  });

  it('per panel and policy a line through one point per value, with whiskers where the CI has width', () => {
    const c = cell(md, 'subject_wasted_handshakes', 'discovery.pex.enabled=false');
    for (const p of ['ref', 'new']) {
      const g = series(c, p)!;
      expect(g.querySelectorAll('circle.point')).toHaveLength(3);
      expect(g.querySelector('path.line')!.getAttribute('d')).toMatch(/^M[^M]*$/);
      expect(g.querySelector('path.line')!.getAttribute('stroke')).toBe(styles.get(p)!.color);
    }
    expect(series(c, 'ref')!.querySelectorAll('g.ci')).toHaveLength(3);
    expect(series(c, 'new')!.querySelectorAll('g.ci')).toHaveLength(2); // leechers=8: one replication
    expect([...series(c, 'new')!.querySelectorAll('circle.point')].map((e) => e.getAttribute('data-x'))).toEqual(['2', '4', '8']);
    // the point's read-out: mean [CI], n, and the paired difference
    expect(series(c, 'new')!.querySelector('circle.point')!.getAttribute('data-tip')).toBe('new · wasted handshakes · subject at population.leechers.count=2, discovery.pex.enabled=false: 41 [40, 43] count per run, n=4 · vs ref: +20.5 [19.5, 21.5]');
  });

  it('the x axis shows the swept values; a boolean key is ordinal', () => {
    const ticks = (d: Document) => [...cell(d, 'subject_useful_ratio', d === md ? 'discovery.pex.enabled=true' : 'population.leechers.count=2').querySelectorAll('g.x-axis .tick text')].map((t) => t.textContent);
    expect(ticks(md)).toEqual(['2', '4', '8']);
    const pd = parse(sweepMetricChart(byPex!, { styles, id: 'swp' }));
    expect(ticks(pd)).toEqual(['true', 'false']);
    expect(pd.querySelectorAll('g.sweep-cell')).toHaveLength(2 * 3);
    // log scale: 2, 4, 8 equally spaced
    const xs = [...series(cell(md, 'subject_useful_ratio', 'discovery.pex.enabled=true'), 'ref')!.querySelectorAll('circle.point')].map((e) => Number(e.getAttribute('cx')));
    expect(xs[2]! - xs[1]!).toBeCloseTo(xs[1]! - xs[0]!, 1);
  });

  it('the difference chart: no series for the reference, a dashed zero line, the differences with their CI', () => {
    const c = cell(dd, 'subject_wasted_handshakes', 'discovery.pex.enabled=true');
    expect(series(c, 'ref')).toBeUndefined();
    expect([...dd.querySelectorAll('[data-legend-policy]')].map((e) => e.getAttribute('data-legend-policy'))).toEqual(['new']);
    expect(c.querySelector('line.zero')!.getAttribute('stroke-dasharray')).toBe('4 3');
    const pts = [...series(c, 'new')!.querySelectorAll('circle.point')];
    expect(pts.map((e) => Number(e.getAttribute('data-mean')))).toEqual([20, 40, 80]);
    expect(pts.map((e) => Number(e.getAttribute('data-lo')))).toEqual([19, 39, 79]);
    expect(series(c, 'new')!.querySelectorAll('g.ci')).toHaveLength(3);
    expect(texts(dd)).toContain('Difference to ref against population.leechers.count');
  });

  it('is deterministic', () => {
    expect(sweepMetricChart(byLeechers!, { styles, id: 'sw' })).toBe(sweepMetricChart(byLeechers!, { styles, id: 'sw' }));
  });

  it('a panel without a single value says so instead of drawing nothing silently', () => {
    const none = rows.map((r) => (r.metric === 'subject_useful_ratio' && r.point['discovery.pex.enabled'] === 'false' ? { ...r, mean: null, ci_low: null, ci_high: null, diff_mean: null } : r));
    const k = sweepSeries(none, { scenario: 's', metrics: SWEEP_METRICS.map((m) => m.metric), policies: ['ref', 'new'] })[0]!;
    const d = parse(sweepMetricChart(k, { styles, id: 'swn' }));
    expect(cell(d, 'subject_useful_ratio', 'discovery.pex.enabled=false').querySelectorAll('circle.point')).toHaveLength(0);
    expect(cell(d, 'subject_useful_ratio', 'discovery.pex.enabled=false').querySelector('text.empty-note')!.textContent).toBe('not defined in these runs');
    expect(cell(d, 'subject_useful_ratio', 'discovery.pex.enabled=true').querySelector('text.empty-note')).toBeNull();
  });
});
