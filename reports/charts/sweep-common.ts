import * as d3 from 'd3';
import { TABLE_METRICS } from '../../sim/cli/table.js';
import type { PolicyStyle } from '../palette.js';
import type { SweepKeySeries, SweepPoint } from '../prep/sweep.js';
import { axis, createSvg, fmt, policyLegend, r2, serialize, textWidth } from '../svg.js';
import { BAR_METRICS, type BarMetric } from './summary-bars.js';

/**
 * Shared renderer of the sweep charts: one block of panels per headline metric, one panel per
 * facet (the other grid keys' values), the swept key on x, per policy a line through the points
 * with 95% CI whiskers. Used for the means (sweep-metric.ts) and for the paired differences to the
 * reference policy (sweep-diff.ts, with a zero line).
 */

/** The headline metrics (the comparison `run` and `sweep` print), labelled as the summary bars label them. */
export const SWEEP_METRICS: readonly BarMetric[] = TABLE_METRICS.map(
  (t) => BAR_METRICS.find((b) => b.metric === t.metric) ?? (t.metric === 'swarm_convergence_s' ? { metric: t.metric, label: 'convergence · swarm', unit: 'seconds (runs that converged)' } : { metric: t.metric, label: t.title, unit: '' }),
);

/** Options shared by the sweep chart modules. */
export interface SweepChartOptions {
  styles: ReadonlyMap<string, PolicyStyle>;
  /** SVG id (default: the chart's name and the key). */
  id?: string;
  metrics?: readonly BarMetric[];
  width?: number;
}

export interface SweepRenderOptions extends SweepChartOptions {
  id: string;
  mode: 'mean' | 'diff';
  title: string;
  subtitle: string;
}

const PLOT_H = 130;
const MAX_COLS = 4;

/** The y domain of a block, by the rule the page refits with: 0 always inside, 5% padding on a side with data, then nice. */
export function sweepYDomain(vals: readonly (number | null)[]): [number, number] {
  let lo = 0;
  let hi = 0;
  for (const v of vals) {
    if (v === null || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === hi) hi = lo + 1;
  const pad = (hi - lo) * 0.05;
  if (lo < 0) lo -= pad;
  if (hi > 0) hi += pad;
  return [lo, hi];
}

const valueOf = (p: SweepPoint, mode: 'mean' | 'diff') => (mode === 'mean' ? { mean: p.mean, lo: p.lo, hi: p.hi } : (p.diff ?? { mean: null, lo: null, hi: null }));

function tip(p: SweepPoint, policy: string, m: BarMetric, d: SweepKeySeries, facetLabel: string, mode: 'mean' | 'diff'): string {
  const at = `${d.key}=${p.x}${facetLabel ? `, ${facetLabel}` : ''}`;
  const mean = `${fmt.num(p.mean)} [${fmt.num(p.lo)}, ${fmt.num(p.hi)}] ${m.unit}, n=${p.n}`;
  const diff = p.diff ? ` · vs ${d.ref}: ${p.diff.mean !== null && p.diff.mean >= 0 ? '+' : ''}${fmt.num(p.diff.mean)} [${fmt.num(p.diff.lo)}, ${fmt.num(p.diff.hi)}]` : ' · reference policy';
  return mode === 'mean' ? `${policy} · ${m.label} at ${at}: ${mean}${diff}` : `${policy} − ${d.ref} · ${m.label} at ${at}: ${p.diff ? `${p.diff.mean !== null && p.diff.mean >= 0 ? '+' : ''}${fmt.num(p.diff.mean)} [${fmt.num(p.diff.lo)}, ${fmt.num(p.diff.hi)}]` : '–'} ${m.unit} · ${policy} ${mean}`;
}

type XScale = (v: string) => number;

function xScaleOf(d: SweepKeySeries, w: number): { x: XScale; axis: d3.Axis<never> } {
  const pad = 14;
  if (d.scale === 'ordinal') {
    const s = d3.scalePoint<string>().domain(d.values).range([0, w]).padding(0.5);
    return { x: (v) => s(v) ?? 0, axis: d3.axisBottom(s) as unknown as d3.Axis<never> };
  }
  const nums = d.values.map(Number);
  const dom: [number, number] = [Math.min(...nums), Math.max(...nums)];
  const s = d.scale === 'log' ? d3.scaleLog().domain(dom).range([pad, w - pad]) : d3.scaleLinear().domain(dom).range([pad, w - pad]);
  const a = d3.axisBottom(s);
  // the swept values themselves as ticks, written as in the CSV, unless too many to read
  if (d.values.length <= 12) a.tickValues(nums).tickFormat((v) => d.values[nums.indexOf(Number(v))] ?? fmt.num(Number(v)));
  else a.ticks(6, d.scale === 'log' ? '~s' : undefined);
  return { x: (v) => s(Number(v)), axis: a as unknown as d3.Axis<never> };
}

export function sweepChart(d: SweepKeySeries, o: SweepRenderOptions): string {
  const width = o.width ?? 960;
  const metrics = (o.metrics ?? SWEEP_METRICS).filter((m) => d.metrics.includes(m.metric));
  const allStyles = [...o.styles.values()].filter((s) => d.policies.includes(s.policy));
  const styles = o.mode === 'diff' ? allStyles.filter((s) => s.policy !== d.ref) : allStyles;
  const cols = Math.max(1, Math.min(MAX_COLS, d.facets.length));
  const facetRows = Math.ceil(Math.max(1, d.facets.length) / cols);
  const legendTop = 62;
  const cellH = PLOT_H + 64;
  const blockHead = 30;
  const blockH = blockHead + facetRows * cellH;
  const svg = createSvg({ id: o.id, width, height: 0, title: o.title, subtitle: o.subtitle });
  const legendH = policyLegend(svg, styles, 16, legendTop, width - 32);
  const top = legendTop + legendH + 8;
  const height = top + metrics.length * blockH + 24;
  svg.attr('height', height).attr('viewBox', `0 0 ${width} ${height}`).attr('data-sweep-key', d.key).attr('data-sweep-mode', o.mode);
  svg.select('rect.background').attr('height', height);
  const cellW = (width - 16) / cols;
  // dodge the policies a few pixels apart so their whiskers do not hide each other
  const dodge = (i: number) => (styles.length > 1 ? (i - (styles.length - 1) / 2) * Math.min(6, 24 / styles.length) : 0);

  metrics.forEach((m, mi) => {
    const btop = top + mi * blockH;
    const block = svg.append('g').attr('class', 'sweep-block').attr('data-metric', m.metric).attr('data-mode', o.mode).attr('data-plot-height', PLOT_H).attr('transform', `translate(0,${btop})`);
    block.append('text').attr('x', 16).attr('y', 16).attr('font-weight', 'bold').attr('font-size', 12).text(o.mode === 'diff' ? `${m.label}: difference to ${d.ref}` : m.label);
    block.append('text').attr('x', 16 + textWidth(o.mode === 'diff' ? `${m.label}: difference to ${d.ref}` : m.label, 12) + 12).attr('y', 16).attr('fill', '#555').text(`${m.unit}${m.unit ? ' · ' : ''}${m.metric}`);
    const vals: (number | null)[] = [];
    for (const f of d.facets)
      for (const s of styles)
        for (const p of f.series.get(m.metric)?.get(s.policy) ?? []) {
          const v = valueOf(p, o.mode);
          if (v.mean !== null) vals.push(v.mean, v.lo, v.hi);
        }
    const y = d3.scaleLinear().domain(sweepYDomain(vals)).range([PLOT_H, 0]).nice();
    const tickW = Math.max(...y.ticks(4).map((v) => textWidth(fmt.num(v), 10)));
    const margin = Math.max(48, tickW + 26);
    const plotW = cellW - margin - 16;
    const { x, axis: xAxis } = xScaleOf(d, plotW);
    d.facets.forEach((f, fi) => {
      const cx0 = 16 + (fi % cols) * cellW + margin;
      const cy0 = blockHead + Math.floor(fi / cols) * cellH + 18;
      const g = block.append('g').attr('class', 'sweep-cell').attr('data-facet', f.key).attr('data-metric', m.metric).attr('transform', `translate(${r2(cx0)},${cy0})`);
      if (f.label) g.append('text').attr('class', 'facet-title').attr('x', 0).attr('y', -6).attr('font-size', 11).attr('font-weight', 'bold').text(f.label);
      g.append('rect').attr('class', 'frame').attr('width', r2(plotW)).attr('height', PLOT_H).attr('fill', '#fcfcfc').attr('stroke', '#e2e2e2');
      g.append('g')
        .attr('class', 'grid')
        .selectAll('line')
        .data(y.ticks(4))
        .join('line')
        .attr('x1', 0)
        .attr('x2', r2(plotW))
        .attr('y1', (v) => r2(y(v)))
        .attr('y2', (v) => r2(y(v)))
        .attr('stroke', '#e5e5e5');
      g.append('line')
        .attr('class', 'zero')
        .attr('x1', 0)
        .attr('x2', r2(plotW))
        .attr('y1', r2(y(0)))
        .attr('y2', r2(y(0)))
        .attr('stroke', o.mode === 'diff' ? '#555' : '#999')
        .attr('stroke-dasharray', o.mode === 'diff' ? '4 3' : null);
      axis(g.append('g').attr('class', 'x-axis').attr('transform', `translate(0,${PLOT_H})`), xAxis);
      axis(g.append('g').attr('class', 'y-axis'), d3.axisLeft(y).ticks(4).tickFormat((v) => fmt.num(v as number)));
      g.append('text').attr('class', 'x-label').attr('x', r2(plotW / 2)).attr('y', PLOT_H + 32).attr('text-anchor', 'middle').text(`${d.key}${d.scale === 'log' ? ' (log scale)' : ''}`);
      const marks = g.append('g').attr('class', 'marks');
      if (!styles.some((s) => (f.series.get(m.metric)?.get(s.policy) ?? []).some((p) => valueOf(p, o.mode).mean !== null)))
        g.append('text').attr('class', 'empty-note').attr('x', r2(plotW / 2)).attr('y', PLOT_H / 2).attr('text-anchor', 'middle').attr('fill', '#777').attr('font-size', 11).text('not defined in these runs');
      styles.forEach((s, si) => {
        const pts = (f.series.get(m.metric)?.get(s.policy) ?? []).filter((p) => valueOf(p, o.mode).mean !== null);
        const sg = marks.append('g').attr('class', 'series').attr('data-policy', s.policy).attr('data-facet', f.key).attr('data-metric', m.metric);
        const px = (p: SweepPoint) => r2(x(p.x) + dodge(si));
        // a gap in the key's values (no row, or no value) breaks the line
        const runs: SweepPoint[][] = [];
        for (const p of pts) {
          const last = runs.at(-1);
          if (last && last.at(-1)!.i === p.i - 1) last.push(p);
          else runs.push([p]);
        }
        const line = d3
          .line<SweepPoint>()
          .x(px)
          .y((p) => y(valueOf(p, o.mode).mean!))
          .digits(2);
        const d2 = runs
          .filter((r) => r.length > 1)
          .map((r) => line(r) ?? '')
          .join('');
        if (d2) sg.append('path').attr('class', 'line').attr('d', d2).attr('fill', 'none').attr('stroke', s.color).attr('stroke-width', 2).attr('stroke-dasharray', s.dash || null);
        for (const p of pts) {
          const v = valueOf(p, o.mode);
          const pg = sg.append('g').attr('class', 'pt');
          if (v.lo !== null && v.hi !== null && v.hi > v.lo) {
            const ci = pg.append('g').attr('class', 'ci').attr('stroke', s.color).attr('stroke-width', 1.4).attr('pointer-events', 'none');
            const cx = px(p);
            ci.append('line').attr('x1', cx).attr('x2', cx).attr('y1', r2(y(v.lo))).attr('y2', r2(y(v.hi)));
            ci.append('line').attr('x1', r2(cx - 3)).attr('x2', r2(cx + 3)).attr('y1', r2(y(v.lo))).attr('y2', r2(y(v.lo)));
            ci.append('line').attr('x1', r2(cx - 3)).attr('x2', r2(cx + 3)).attr('y1', r2(y(v.hi))).attr('y2', r2(y(v.hi)));
          }
          pg.append('circle')
            .attr('class', 'point')
            .attr('cx', px(p))
            .attr('cy', r2(y(v.mean!)))
            .attr('r', 3.5)
            .attr('fill', s.color)
            .attr('stroke', '#111')
            .attr('stroke-width', 0.6)
            .attr('data-x', p.x)
            .attr('data-i', p.i)
            .attr('data-mean', v.mean)
            .attr('data-lo', v.lo)
            .attr('data-hi', v.hi)
            .attr('data-tip', tip(p, s.policy, m, d, f.label, o.mode));
        }
      });
    });
  });
  svg
    .append('text')
    .attr('class', 'note')
    .attr('x', width - 16)
    .attr('y', height - 6)
    .attr('text-anchor', 'end')
    .attr('font-size', 10)
    .attr('fill', '#555')
    .text(o.mode === 'diff' ? 'point: paired difference over runs with the same seeds · whisker: its 95% CI; one missing the dashed zero line is significant at 5%' : 'point: mean over replications · whisker: 95% confidence interval');
  return serialize(svg);
}
