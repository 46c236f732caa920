import * as d3 from 'd3';
import { OUTCOME_STYLE, OUTCOMES, type Outcome, type PolicyStyle } from '../palette.js';
import { rasterMarks, type RasterData } from '../prep/raster.js';
import { axis, createSvg, fmt, r2, serialize, textWidth, timeUnit } from '../svg.js';

export interface RasterOptions {
  styles: ReadonlyMap<string, PolicyStyle>;
  /** Time axis end in seconds (default: the last dial or close). */
  tMax?: number;
  id?: string;
  width?: number;
  /** Above this many dials in a panel, draw one mark per remote peer and time bin (default 2500). */
  maxMarks?: number;
}

const SYMBOLS = { cross: d3.symbolCross, circle: d3.symbolCircle, triangle: d3.symbolTriangle, square: d3.symbolSquare, diamond: d3.symbolDiamond, star: d3.symbolStar };

function outcomeStyle(o: string) {
  return OUTCOME_STYLE[(OUTCOMES as readonly string[]).includes(o) ? (o as Outcome) : 'open'];
}

/**
 * Reconnect raster of one subject peer: one panel per policy (same peer, same replication seed),
 * time on x, the remote peers it dialled on y (ordered by first dial), one mark per dial whose
 * shape and colour give the outcome; a faint segment shows how long a handshaked connection lasted.
 * A panel with more dials than `maxMarks` draws one mark per peer and time bin instead (its
 * heading says so; each mark's data-count and read-out give the dials it stands for).
 */
export function rasterChart(data: RasterData, o: RasterOptions): string {
  const width = o.width ?? 960;
  const id = o.id ?? 'raster';
  const rows = Math.max(1, data.remotes.length);
  const panelH = Math.max(70, Math.min(300, rows * 9));
  const panelGap = 72;
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
    subtitle: `${data.scenario} · every outbound dial of this peer, one row per remote peer; the same peer and seed under each policy${data.hiddenRemotes > 0 ? ` · ${data.hiddenRemotes} least-dialled peers not shown` : ''}`,
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
    const { marks: pm, binSeconds } = rasterMarks(p.dials, tMax, o.maxMarks);
    g.attr('data-dials', p.dials.length).attr('data-total-dials', p.total);
    head
      .append('text')
      .attr('x', 18)
      .attr('font-weight', 'bold')
      .attr('font-size', 12)
      .text(
        `${p.policy} — rep ${p.rep}, seed ${p.seed}: ${p.total} dial${p.total === 1 ? '' : 's'} to ${remotes} peer${remotes === 1 ? '' : 's'}${binSeconds !== null ? ` · one mark per ${fmt.num(binSeconds)} s bin` : ''}`,
      );
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
    const life = g.append('g').attr('class', 'lifetimes').attr('pointer-events', 'none');
    for (const d of p.dials) {
      if (d.tHandshake === null || (binSeconds !== null && d.outcome !== 'useful')) continue;
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
    const symbolPath = new Map<string, string>();
    const pathOf = (oc: string) => {
      let d = symbolPath.get(oc);
      if (!d) symbolPath.set(oc, (d = d3.symbol(SYMBOLS[outcomeStyle(oc).symbol], size)()!));
      return d;
    };
    const marks = g.append('g').attr('class', 'marks');
    for (const m of pm) {
      const os = outcomeStyle(m.outcome);
      const d = m.dial;
      const tipText = d
        ? `${p.policy}: t=${fmt.num(d.t)} s → peer ${d.remote}: ${os.label}${d.reason ? ` (${d.reason})` : ''}${d.tEnd !== null ? `, closed at ${fmt.num(d.tEnd)} s` : ''}, ${fmt.num(d.bytes)} piece bytes`
        : `${p.policy}: ${m.count} dials → peer ${m.remote} at ${fmt.num(m.t - binSeconds! / 2)}–${fmt.num(m.t + binSeconds! / 2)} s: ${OUTCOMES.filter((oc) => m.outcomes[oc]).map((oc) => `${m.outcomes[oc]} ${OUTCOME_STYLE[oc].label}`).join(', ')}`;
      marks
        .append('path')
        .attr('class', 'dial')
        .attr('data-outcome', m.outcome)
        .attr('data-count', m.count)
        .attr('d', pathOf(m.outcome))
        .attr('transform', `translate(${r2(x(m.t / tu.div))},${cy(m)})`)
        .attr('fill', os.filled ? os.color : 'none')
        .attr('stroke', os.color)
        .attr('stroke-width', os.filled ? 0 : 1.2)
        .attr('data-tip', tipText);
    }
    if (binSeconds !== null)
      g.append('text').attr('class', 'bin-note').attr('x', plotW).attr('y', panelH + 47).attr('text-anchor', 'end').attr('font-size', 10).attr('fill', '#555').text(`${fmt.num(p.dials.length)} dials are too many to draw one by one: each mark is the most frequent outcome of one peer's dials in ${fmt.num(binSeconds)} s`);
    if (p.dials.length === 0) g.append('text').attr('x', plotW / 2).attr('y', panelH / 2).attr('text-anchor', 'middle').attr('fill', '#777').text('this peer made no outbound dial in this run');
  });
  return serialize(svg);
}
