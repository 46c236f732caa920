import * as d3 from 'd3';
import { OUTCOME_STYLE, OUTCOMES, type Outcome, type PolicyStyle } from '../palette.js';
import type { RasterData } from '../prep/raster.js';
import { axis, createSvg, fmt, r2, serialize, textWidth, timeUnit } from '../svg.js';

export interface RasterOptions {
  styles: ReadonlyMap<string, PolicyStyle>;
  /** Time axis end in seconds (default: the last dial or close). */
  tMax?: number;
  id?: string;
  width?: number;
}

const SYMBOLS = { cross: d3.symbolCross, circle: d3.symbolCircle, triangle: d3.symbolTriangle, square: d3.symbolSquare, diamond: d3.symbolDiamond, star: d3.symbolStar };

function outcomeStyle(o: string) {
  return OUTCOME_STYLE[(OUTCOMES as readonly string[]).includes(o) ? (o as Outcome) : 'open'];
}

/**
 * Reconnect raster of one subject peer: one panel per policy (same peer, same replication seed),
 * time on x, the remote peers it dialled on y (ordered by first dial), one mark per dial whose
 * shape and colour give the outcome; a faint segment shows how long a handshaked connection lasted.
 */
export function rasterChart(data: RasterData, o: RasterOptions): string {
  const width = o.width ?? 960;
  const id = o.id ?? 'raster';
  const rows = Math.max(1, data.remotes.length);
  const panelH = Math.max(70, Math.min(300, rows * 9));
  const panelGap = 64;
  const top = 100;
  const height = top + data.panels.length * (panelH + panelGap) + 10;
  let tMax = o.tMax ?? 0;
  for (const p of data.panels) for (const d of p.dials) tMax = Math.max(tMax, d.t, d.tEnd ?? 0);
  if (!(tMax > 0)) tMax = 60;
  const tu = timeUnit(tMax);
  const svg = createSvg({
    id,
    width,
    height,
    title: `Reconnect raster of subject peer ${data.peer}`,
    subtitle: `${data.scenario} · every outbound dial of this peer, one row per remote peer; the same peer and seed under each policy`,
  });
  // outcome legend
  const lg = svg.append('g').attr('class', 'legend').attr('transform', 'translate(16,64)');
  let lx = 0;
  for (const oc of OUTCOMES) {
    const st = OUTCOME_STYLE[oc];
    const item = lg.append('g').attr('class', 'legend-item').attr('data-legend-outcome', oc).attr('transform', `translate(${lx},0)`);
    item
      .append('path')
      .attr('d', d3.symbol(SYMBOLS[st.symbol], 64)()!)
      .attr('transform', 'translate(6,0)')
      .attr('fill', st.filled ? st.color : 'none')
      .attr('stroke', st.color)
      .attr('stroke-width', st.filled ? 0 : 1.5);
    item.append('text').attr('x', 16).attr('y', 4).text(st.label);
    lx += 30 + textWidth(st.label);
  }
  const left = 74;
  const plotW = width - left - 24;
  const x = d3.scaleLinear().domain([0, tMax / tu.div]).range([0, plotW]);
  const y = d3
    .scaleBand<number>()
    .domain(data.remotes.length ? data.remotes : [-1])
    .range([0, panelH])
    .paddingInner(0.1);
  const every = Math.max(1, Math.ceil(rows / Math.floor(panelH / 12)));
  data.panels.forEach((p, i) => {
    const st = o.styles.get(p.policy);
    const color = st?.color ?? '#333';
    const ptop = top + i * (panelH + panelGap) + 20;
    const g = svg.append('g').attr('class', 'panel').attr('data-policy', p.policy).attr('transform', `translate(${left},${ptop})`);
    const head = g.append('g').attr('transform', 'translate(0,-10)');
    head.append('rect').attr('x', 0).attr('y', -9).attr('width', 12).attr('height', 12).attr('fill', color);
    const remotes = new Set(p.dials.map((d) => d.remote)).size;
    head
      .append('text')
      .attr('x', 18)
      .attr('font-weight', 'bold')
      .attr('font-size', 12)
      .text(`${p.policy} — rep ${p.rep}, seed ${p.seed}: ${p.dials.length} dial${p.dials.length === 1 ? '' : 's'} to ${remotes} peer${remotes === 1 ? '' : 's'}`);
    g.append('rect').attr('class', 'frame').attr('width', plotW).attr('height', panelH).attr('fill', '#fafafa').attr('stroke', '#ddd');
    axis(g.append('g').attr('class', 'x-axis').attr('transform', `translate(0,${panelH})`), d3.axisBottom(x).ticks(8));
    axis(
      g.append('g').attr('class', 'y-axis'),
      d3
        .axisLeft(y)
        .tickValues(y.domain().filter((_, k) => k % every === 0))
        .tickFormat((d) => (d < 0 ? '' : String(d))),
    );
    g.append('text').attr('class', 'x-label').attr('x', plotW / 2).attr('y', panelH + 34).attr('text-anchor', 'middle').text(`time since start (${tu.unit})`);
    g.append('text')
      .attr('class', 'y-label')
      .attr('transform', `translate(-56,${panelH / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .text('remote peer (id)');
    const cy = (d: { remote: number }) => r2((y(d.remote) ?? 0) + y.bandwidth() / 2);
    const life = g.append('g').attr('class', 'lifetimes');
    for (const d of p.dials) {
      if (d.tHandshake === null) continue;
      const end = d.tEnd ?? tMax;
      life
        .append('line')
        .attr('x1', r2(x(d.tHandshake / tu.div)))
        .attr('x2', r2(x(end / tu.div)))
        .attr('y1', cy(d))
        .attr('y2', cy(d))
        .attr('stroke', outcomeStyle(d.outcome).color)
        .attr('stroke-opacity', 0.35)
        .attr('stroke-width', Math.max(1, Math.min(4, y.bandwidth() * 0.5)));
    }
    const size = Math.max(12, Math.min(48, y.bandwidth() * y.bandwidth() * 0.6));
    const marks = g.append('g').attr('class', 'marks');
    for (const d of p.dials) {
      const os = outcomeStyle(d.outcome);
      marks
        .append('path')
        .attr('class', 'dial')
        .attr('data-outcome', d.outcome)
        .attr('d', d3.symbol(SYMBOLS[os.symbol], size)()!)
        .attr('transform', `translate(${r2(x(d.t / tu.div))},${cy(d)})`)
        .attr('fill', os.filled ? os.color : 'none')
        .attr('stroke', os.color)
        .attr('stroke-width', os.filled ? 0 : 1.2)
        .attr(
          'data-tip',
          `${p.policy}: t=${fmt.num(d.t)} s → peer ${d.remote}: ${os.label}${d.reason ? ` (${d.reason})` : ''}${d.tEnd !== null ? `, closed at ${fmt.num(d.tEnd)} s` : ''}, ${fmt.num(d.bytes)} piece bytes`,
        );
    }
    if (p.dials.length === 0) g.append('text').attr('x', plotW / 2).attr('y', panelH / 2).attr('text-anchor', 'middle').attr('fill', '#777').text('this peer made no outbound dial in this run');
  });
  return serialize(svg);
}
