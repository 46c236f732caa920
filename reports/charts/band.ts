import * as d3 from 'd3';
import type { PolicyStyle } from '../palette.js';
import type { BandPoint, BandSeries } from '../prep/timeseries.js';
import { axis, createSvg, fmt, policyLegend, r2, serialize, sig, textWidth, timeUnit, yGrid } from '../svg.js';

/** Shared renderer of the time-series charts: facets side by side, per policy a mean line and a 95% band. */

export interface BandFacet {
  /** Machine key (data-facet), e.g. `subject`. */
  key: string;
  /** Facet heading, e.g. `subject peers`. */
  label: string;
  series: BandSeries;
}

export interface BandChartOptions {
  /** SVG id; also the prefix of every id inside, so several charts can share one HTML page. */
  id: string;
  title: string;
  subtitle?: string;
  yLabel: string;
  styles: ReadonlyMap<string, PolicyStyle>;
  width?: number;
  height?: number;
  /** Fixed y domain (e.g. [0, 100] for a share); default [0, max of the bands]. */
  yDomain?: [number, number];
  /** Draw steps (for counts sampled per interval) instead of straight segments. */
  curve?: 'linear' | 'step';
  /** Shown in a facet without any data point (default `no data`). */
  emptyNote?: string;
  /** x-axis title before the unit (default `time since start`). */
  xLabel?: string;
}

function tMaxOf(facets: readonly BandFacet[]): number {
  let m = 0;
  for (const f of facets) for (const pts of f.series.values()) for (const p of pts) if (p.t > m) m = p.t;
  return m > 0 ? m : 60;
}

export function bandChart(facets: readonly BandFacet[], o: BandChartOptions): string {
  const width = o.width ?? 960;
  const height = o.height ?? 420;
  const styles = [...o.styles.values()];
  const svg = createSvg({ id: o.id, width, height, title: o.title, ...(o.subtitle ? { subtitle: o.subtitle } : {}) });
  const legendH = policyLegend(svg, styles, 16, 62, width - 32);
  const top = 62 + legendH + 26;
  const bottom = height - 62;
  const facetW = (width - 16) / Math.max(1, facets.length);
  const tMax = tMaxOf(facets);
  const tu = timeUnit(tMax);
  const curve = o.curve === 'step' ? d3.curveStepBefore : d3.curveLinear;
  // overlapping bands add up: keep many policies from turning the plot grey
  const bandOpacity = Math.round(Math.min(0.18, 0.5 / Math.max(1, styles.length)) * 1000) / 1000;

  facets.forEach((f, i) => {
    const plotH = bottom - top;
    let yMax = 0;
    for (const pts of f.series.values()) for (const p of pts) yMax = Math.max(yMax, p.hi, p.mean);
    const yDomain = o.yDomain ?? [0, yMax > 0 ? yMax * 1.05 : 1];
    const y = d3.scaleLinear().domain(yDomain).range([plotH, 0]).nice();
    // room for the widest tick label, then the rotated axis title
    const tickW = Math.max(...y.ticks(5).map((v) => textWidth(fmt.num(v), 10)));
    const margin = Math.max(58, tickW + 34);
    const left = 16 + i * facetW + margin;
    const plotW = facetW - margin - 18;
    const x = d3.scaleLinear().domain([0, tMax / tu.div]).range([0, plotW]);
    const g = svg
      .append('g')
      .attr('class', 'panel')
      .attr('data-facet', f.key)
      .attr('transform', `translate(${r2(left)},${top})`);
    g.append('text').attr('class', 'facet-title').attr('x', 0).attr('y', -10).attr('font-size', 12).attr('font-weight', 'bold').text(f.label);
    yGrid(g, y, plotW);
    axis(g.append('g').attr('class', 'x-axis').attr('transform', `translate(0,${plotH})`), d3.axisBottom(x).ticks(6));
    axis(g.append('g').attr('class', 'y-axis'), d3.axisLeft(y).ticks(5).tickFormat((d) => fmt.num(d as number)));
    g.append('text').attr('class', 'x-label').attr('x', plotW / 2).attr('y', plotH + 36).attr('text-anchor', 'middle').text(`${o.xLabel ?? 'time since start'} (${tu.unit})`);
    g.append('text')
      .attr('class', 'y-label')
      .attr('transform', `translate(${r2(-(tickW + 20))},${plotH / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .text(o.yLabel);
    const clipId = `${o.id}-clip-${f.key}`;
    g.append('clipPath').attr('id', clipId).append('rect').attr('x', 0).attr('y', -2).attr('width', plotW).attr('height', plotH + 4);
    const area = d3
      .area<BandPoint>()
      .x((p) => x(p.t / tu.div))
      .y0((p) => y(p.lo))
      .y1((p) => y(p.hi))
      .curve(curve)
      .digits(2);
    const line = d3
      .line<BandPoint>()
      .x((p) => x(p.t / tu.div))
      .y((p) => y(p.mean))
      .curve(curve)
      .digits(2);
    const marks = g.append('g').attr('class', 'marks').attr('clip-path', `url(#${clipId})`);
    for (const s of styles) {
      const pts = f.series.get(s.policy) ?? [];
      const sg = marks.append('g').attr('class', 'series').attr('data-policy', s.policy).attr('data-facet', f.key);
      sg.append('path').attr('class', 'band').attr('d', area(pts) ?? '').attr('fill', s.color).attr('fill-opacity', bandOpacity).attr('stroke', 'none');
      sg.append('path')
        .attr('class', 'line')
        .attr('d', line(pts) ?? '')
        .attr('fill', 'none')
        .attr('stroke', s.color)
        .attr('stroke-width', 2)
        .attr('stroke-dasharray', s.dash || null);
    }
    if (![...f.series.values()].some((pts) => pts.length > 0)) {
      g.append('text').attr('class', 'empty-note').attr('x', plotW / 2).attr('y', plotH / 2).attr('text-anchor', 'middle').attr('fill', '#777').attr('font-size', 12).text(o.emptyNote ?? 'no data');
    }
    g.append('rect')
      .attr('class', 'hover-target')
      .attr('data-chart', o.id)
      .attr('data-facet', f.key)
      .attr('data-x-max', sig(tMax / tu.div))
      .attr('data-plot-width', r2(plotW))
      .attr('data-plot-height', r2(plotH))
      // What the page needs to redraw the y axis and the marks for the policies shown.
      .attr('data-curve', o.curve === 'step' ? 'step' : 'linear')
      .attr('data-y-fixed', o.yDomain ? 'true' : null)
      .attr('width', r2(plotW))
      .attr('height', r2(plotH))
      .attr('fill', 'none')
      .attr('pointer-events', 'all');
  });
  svg.append('text').attr('class', 'note').attr('x', width - 16).attr('y', height - 6).attr('text-anchor', 'end').attr('font-size', 10).attr('fill', '#555').text('line: mean over replications · band: 95% confidence interval');
  return serialize(svg);
}

/** The data the HTML page needs for hover read-outs: per facet and policy, [t, mean, lo, hi, n] rows. */
export function bandClientData(facets: readonly BandFacet[], o: { yLabel: string; tDiv: number; tUnit: string }): unknown {
  return {
    kind: 'band',
    yLabel: o.yLabel,
    tDiv: o.tDiv,
    tUnit: o.tUnit,
    facets: Object.fromEntries(
      facets.map((f) => [f.key, { label: f.label, series: Object.fromEntries([...f.series].map(([p, pts]) => [p, pts.map((q) => [q.t, sig(q.mean), sig(q.lo), sig(q.hi), q.n])])) }]),
    ),
  };
}

export function bandTimeUnit(facets: readonly BandFacet[]): { unit: string; div: number } {
  return timeUnit(tMaxOf(facets));
}
