import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { churnChart } from '../../reports/charts/churn.js';
import { completionChart } from '../../reports/charts/completion.js';
import { rasterChart } from '../../reports/charts/raster.js';
import { summaryBarsChart } from '../../reports/charts/summary-bars.js';
import { wastedChart } from '../../reports/charts/wasted.js';
import { policyStyles } from '../../reports/palette.js';
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
