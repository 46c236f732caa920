import * as d3 from 'd3';
import type { PolicyStyle } from '../palette.js';
import type { MetricStat } from '../prep/summary.js';
import { axis, createSvg, fmt, policyLegend, r2, serialize, textWidth } from '../svg.js';

export interface BarMetric {
  metric: string;
  label: string;
  unit: string;
}

/** The metrics the summary chart shows when present: what the question "which policy costs what" needs. */
export const BAR_METRICS: readonly BarMetric[] = [
  { metric: 'subject_churn_per_peer_min', label: 'churn · subject', unit: 'closed conn. / peer / min' },
  { metric: 'swarm_churn_per_peer_min', label: 'churn · swarm', unit: 'closed conn. / peer / min' },
  { metric: 'subject_wasted_handshakes', label: 'wasted handshakes · subject', unit: 'count per run' },
  { metric: 'swarm_wasted_handshakes', label: 'wasted handshakes · swarm', unit: 'count per run' },
  { metric: 'subject_repeat_wasted', label: 'repeat wasted · subject', unit: 'count per run (the loop)' },
  { metric: 'subject_useful_ratio', label: 'useful ratio · subject', unit: 'useful / all handshakes' },
  { metric: 'subject_completion_s_p90', label: 'completion p90 · subject', unit: 'seconds' },
  { metric: 'swarm_completion_s_p90', label: 'completion p90 · swarm', unit: 'seconds' },
];

export interface SummaryBarsOptions {
  styles: ReadonlyMap<string, PolicyStyle>;
  metrics?: readonly BarMetric[];
  id?: string;
  scenario?: string;
  width?: number;
}

const BAR_H = 14;
const BAR_GAP = 5;

function tip(s: MetricStat, m: BarMetric): string {
  const pt = s.pointLabel ? ` (${s.pointLabel})` : '';
  const base = `${s.policy}${pt} · ${m.label}: ${fmt.num(s.mean)} [${fmt.num(s.lo)}, ${fmt.num(s.hi)}] ${m.unit}, n=${s.n}`;
  if (!s.diff) return `${base} · reference policy`;
  return `${base} · vs ${s.ref}: ${s.diff.mean !== null && s.diff.mean >= 0 ? '+' : ''}${fmt.num(s.diff.mean)} [${fmt.num(s.diff.lo)}, ${fmt.num(s.diff.hi)}]`;
}

function domainOf(vals: (number | null)[]): [number, number] {
  const v = vals.filter((x): x is number => x !== null && Number.isFinite(x));
  let lo = Math.min(0, ...v);
  let hi = Math.max(0, ...v);
  if (lo === hi) hi = lo + 1;
  const pad = (hi - lo) * 0.06;
  if (lo < 0) lo -= pad;
  if (hi > 0) hi += pad;
  return [lo, hi];
}

/**
 * Summary bars: one row per metric; left, the mean per policy with its 95% CI whisker; right, the
 * paired difference to the reference policy (same seeds) with its 95% CI and a zero line. With
 * several sweep points, each row holds one bar per point × policy, labelled with the point.
 */
export function summaryBarsChart(stats: readonly MetricStat[], o: SummaryBarsOptions): string {
  const width = o.width ?? 960;
  const id = o.id ?? 'summary';
  const styles = [...o.styles.values()];
  const metrics = (o.metrics ?? BAR_METRICS).filter((m) => stats.some((s) => s.metric === m.metric));
  const points = [...new Set(stats.map((s) => s.pointLabel))];
  const ref = stats.find((s) => s.diff === null)?.ref ?? stats[0]?.ref ?? '';
  const slots: { point: string; policy: string }[] = [];
  for (const pt of points) for (const s of styles) if (stats.some((x) => x.pointLabel === pt && x.policy === s.policy)) slots.push({ point: pt, policy: s.policy });
  const rowPlotH = Math.max(1, slots.length) * (BAR_H + BAR_GAP);
  const rowH = rowPlotH + 40;
  const labelW = points.length > 1 ? 130 : 0;
  const headerTop = 62 + 18 * Math.ceil(styles.reduce((w, s) => w + 48 + textWidth(s.policy), 0) / (width - 32)) + 20;
  const height = headerTop + 24 + metrics.length * rowH + 24;
  const svg = createSvg({
    id,
    width,
    height,
    title: 'Summary per run, with 95% confidence intervals',
    subtitle: `${o.scenario ? `${o.scenario} · ` : ''}mean over replications (whisker: 95% CI) and paired difference to ${ref} (same seeds)`,
  });
  policyLegend(svg, styles, 16, 62, width - 32, 'bar');
  const c1 = 16;
  const c2 = 250 + labelW;
  const w2 = (width - c2 - 16 - 40) / 2;
  const c3 = c2 + w2 + 40;
  svg.append('text').attr('x', c2).attr('y', headerTop).attr('font-weight', 'bold').attr('font-size', 12).text('mean ± 95% CI');
  svg.append('text').attr('x', c3).attr('y', headerTop).attr('font-weight', 'bold').attr('font-size', 12).text(`difference to ${ref} ± 95% CI`);

  metrics.forEach((m, mi) => {
    const top = headerTop + 24 + mi * rowH;
    const row = svg.append('g').attr('class', 'metric-row').attr('data-metric', m.metric).attr('transform', `translate(0,${top})`);
    row.append('text').attr('x', c1).attr('y', 14).attr('font-weight', 'bold').attr('font-size', 12).text(m.label);
    row.append('text').attr('x', c1).attr('y', 30).attr('fill', '#555').text(m.unit);
    row.append('text').attr('x', c1).attr('y', 44).attr('fill', '#888').attr('font-size', 9).text(m.metric);
    const ms = stats.filter((s) => s.metric === m.metric);
    const at = (slot: { point: string; policy: string }) => ms.find((s) => s.pointLabel === slot.point && s.policy === slot.policy);
    const yOf = (i: number) => i * (BAR_H + BAR_GAP);
    if (points.length > 1) {
      points.forEach((pt) => {
        const first = slots.findIndex((s) => s.point === pt);
        row.append('text').attr('x', c2 - 8).attr('y', yOf(first) + BAR_H - 3).attr('text-anchor', 'end').attr('font-size', 10).text(pt);
      });
    }
    // means
    const x = d3.scaleLinear().domain(domainOf(ms.flatMap((s) => [s.lo, s.hi, s.mean]))).range([0, w2]);
    // data-width and the marks' data-mean/lo/hi let the page refit a panel to the policies shown.
    const g2 = row.append('g').attr('class', 'panel means').attr('data-width', r2(w2)).attr('transform', `translate(${c2},0)`);
    g2.append('line').attr('class', 'zero').attr('x1', x(0)).attr('x2', x(0)).attr('y1', -2).attr('y2', rowPlotH).attr('stroke', '#999');
    axis(g2.append('g').attr('class', 'x-axis').attr('transform', `translate(0,${rowPlotH + 2})`), d3.axisBottom(x).ticks(5).tickFormat((d) => fmt.num(d as number)));
    // differences
    const diffs = ms.filter((s) => s.diff !== null);
    const xd = d3.scaleLinear().domain(domainOf(diffs.flatMap((s) => [s.diff!.lo, s.diff!.hi, s.diff!.mean]))).range([0, w2]);
    const g3 = row.append('g').attr('class', 'panel diffs').attr('data-width', r2(w2)).attr('transform', `translate(${c3},0)`);
    g3.append('line').attr('class', 'zero').attr('x1', xd(0)).attr('x2', xd(0)).attr('y1', -2).attr('y2', rowPlotH).attr('stroke', '#555').attr('stroke-dasharray', '3 3');
    axis(g3.append('g').attr('class', 'x-axis').attr('transform', `translate(0,${rowPlotH + 2})`), d3.axisBottom(xd).ticks(5).tickFormat((d) => fmt.num(d as number)));

    slots.forEach((slot, i) => {
      const s = at(slot);
      const st = o.styles.get(slot.policy)!;
      const yy = yOf(i);
      const gm = g2.append('g').attr('class', 'bar-group').attr('data-policy', slot.policy).attr('data-point', slot.point);
      if (s && s.mean !== null) {
        const x0 = x(Math.min(0, s.mean));
        gm.append('rect')
          .attr('class', 'bar')
          .attr('x', r2(x0))
          .attr('y', yy)
          .attr('width', r2(Math.abs(x(s.mean) - x(0))))
          .attr('height', BAR_H)
          .attr('fill', st.color)
          .attr('fill-opacity', 0.85)
          .attr('data-mean', s.mean)
          .attr('data-lo', s.lo)
          .attr('data-hi', s.hi)
          .attr('data-tip', tip(s, m));
        if (s.lo !== null && s.hi !== null && s.hi > s.lo) {
          const cy = yy + BAR_H / 2;
          const ci = gm.append('g').attr('class', 'ci').attr('stroke', '#111').attr('stroke-width', 1.3).attr('pointer-events', 'none');
          ci.append('line').attr('x1', r2(x(s.lo))).attr('x2', r2(x(s.hi))).attr('y1', cy).attr('y2', cy);
          ci.append('line').attr('x1', r2(x(s.lo))).attr('x2', r2(x(s.lo))).attr('y1', cy - 4).attr('y2', cy + 4);
          ci.append('line').attr('x1', r2(x(s.hi))).attr('x2', r2(x(s.hi))).attr('y1', cy - 4).attr('y2', cy + 4);
        }
      } else {
        gm.append('text').attr('class', 'missing').attr('x', x(0) + 4).attr('y', yy + BAR_H - 3).attr('fill', '#777').text('not defined');
      }
      const gd = g3.append('g').attr('class', 'diff-group').attr('data-policy', slot.policy).attr('data-point', slot.point);
      const cy = yy + BAR_H / 2;
      if (!s || s.diff === null) {
        gd.append('text').attr('class', 'reference').attr('x', xd(0) + 6).attr('y', yy + BAR_H - 3).attr('fill', '#777').attr('font-size', 10).text(s ? 'reference' : '');
      } else if (s.diff.mean !== null) {
        if (s.diff.lo !== null && s.diff.hi !== null) gd.append('line').attr('class', 'diff-ci').attr('x1', r2(xd(s.diff.lo))).attr('x2', r2(xd(s.diff.hi))).attr('y1', cy).attr('y2', cy).attr('stroke', st.color).attr('stroke-width', 3);
        gd.append('circle')
          .attr('class', 'diff')
          .attr('cx', r2(xd(s.diff.mean)))
          .attr('cy', cy)
          .attr('r', 5)
          .attr('fill', st.color)
          .attr('stroke', '#111')
          .attr('data-mean', s.diff.mean)
          .attr('data-lo', s.diff.lo)
          .attr('data-hi', s.diff.hi)
          .attr('data-tip', tip(s, m));
      }
    });
  });
  svg.append('text').attr('class', 'note').attr('x', width - 16).attr('y', height - 6).attr('text-anchor', 'end').attr('font-size', 10).attr('fill', '#555').text('a difference whose interval misses the dashed zero line is significant at 5%');
  return serialize(svg);
}
