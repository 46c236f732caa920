import * as d3 from 'd3';
import { JSDOM } from 'jsdom';
import { FONT_FAMILY, type PolicyStyle } from './palette.js';

/** Server-side SVG rendering helpers shared by the chart modules (d3 on a jsdom document). */

export const SVG_NS = 'http://www.w3.org/2000/svg';

let dom: JSDOM | null = null;
function doc(): Document {
  dom ??= new JSDOM('<!DOCTYPE html><html><body></body></html>');
  return dom.window.document;
}

export type Svg = d3.Selection<SVGSVGElement, unknown, null, undefined>;
export type G = d3.Selection<SVGGElement, unknown, null, undefined>;

/** A detached <svg> with a white background, the shared font and a title/subtitle. */
export function createSvg(opts: { id: string; width: number; height: number; title: string; subtitle?: string }): Svg {
  const el = doc().createElementNS(SVG_NS, 'svg') as SVGSVGElement;
  const svg = d3.select(el) as Svg;
  svg
    .attr('xmlns', SVG_NS)
    .attr('id', opts.id)
    .attr('class', 'chart')
    .attr('width', opts.width)
    .attr('height', opts.height)
    .attr('viewBox', `0 0 ${opts.width} ${opts.height}`)
    .attr('font-family', FONT_FAMILY)
    .attr('font-size', 11)
    .attr('role', 'img')
    .attr('aria-label', opts.title);
  svg.append('title').text(opts.title);
  svg.append('rect').attr('class', 'background').attr('width', opts.width).attr('height', opts.height).attr('fill', 'white');
  svg.append('text').attr('class', 'chart-title').attr('x', 16).attr('y', 24).attr('font-size', 16).attr('font-weight', 'bold').text(opts.title);
  if (opts.subtitle) svg.append('text').attr('class', 'chart-subtitle').attr('x', 16).attr('y', 42).attr('font-size', 11).attr('fill', '#444').text(opts.subtitle);
  return svg;
}

/** Serializes to standalone XML (xmlns set, attributes escaped), deterministic for equal input. */
export function serialize(svg: Svg): string {
  const w = dom!.window as unknown as { XMLSerializer: typeof XMLSerializer };
  return new w.XMLSerializer().serializeToString(svg.node()!);
}

/** Rough text width for layout (jsdom has no text metrics); DejaVu Sans averages ≈ 0.6 em. */
export function textWidth(s: string, fontSize = 11): number {
  return s.length * fontSize * 0.6;
}

/** A horizontal legend of policies (line + swatch); each entry carries data-legend-policy. Returns the height used. */
export function policyLegend(parent: Svg | G, styles: readonly PolicyStyle[], x: number, y: number, maxWidth: number, kind: 'line' | 'bar' = 'line'): number {
  const g = parent.append('g').attr('class', 'legend').attr('transform', `translate(${x},${y})`);
  let cx = 0;
  let cy = 0;
  for (const s of styles) {
    const w = 30 + textWidth(s.policy, 11) + 18;
    if (cx > 0 && cx + w > maxWidth) {
      cx = 0;
      cy += 18;
    }
    const item = g.append('g').attr('class', 'legend-item').attr('data-legend-policy', s.policy).attr('transform', `translate(${r2(cx)},${cy})`);
    if (kind === 'line') {
      item.append('rect').attr('x', 0).attr('y', -6).attr('width', 24).attr('height', 12).attr('fill', s.color).attr('fill-opacity', 0.18);
      item.append('line').attr('x1', 0).attr('x2', 24).attr('y1', 0).attr('y2', 0).attr('stroke', s.color).attr('stroke-width', 2.5).attr('stroke-dasharray', s.dash || null);
    } else {
      item.append('rect').attr('x', 4).attr('y', -6).attr('width', 16).attr('height', 12).attr('fill', s.color);
    }
    item.append('text').attr('x', 30).attr('y', 4).text(s.policy);
    cx += w;
  }
  return cy + 18;
}

/** Draws an axis and normalises its font to the chart's. */
export function axis<T>(g: G, a: d3.Axis<T>): G {
  g.call(a as unknown as (s: G) => void);
  g.attr('font-family', null).attr('font-size', 10);
  g.selectAll('.domain').attr('stroke', '#555');
  g.selectAll('.tick line').attr('stroke', '#555');
  g.selectAll('.tick text').attr('fill', '#222');
  return g;
}

/** Light horizontal grid lines at the y ticks. */
export function yGrid(g: G, y: d3.ScaleLinear<number, number>, width: number, ticks = 5): void {
  g.append('g')
    .attr('class', 'grid')
    .selectAll('line')
    .data(y.ticks(ticks))
    .join('line')
    .attr('x1', 0)
    .attr('x2', width)
    .attr('y1', (d) => y(d))
    .attr('y2', (d) => y(d))
    .attr('stroke', '#e5e5e5');
}

/** Rounds for compact, stable SVG and JSON output. */
export function r2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Significant-digit rounding for data shipped to the browser. */
export function sig(x: number | null, digits = 5): number | null {
  if (x === null || !Number.isFinite(x)) return null;
  if (x === 0) return 0;
  return Number(x.toPrecision(digits));
}

/** Time axis unit: minutes up to 3 h, hours beyond. */
export function timeUnit(maxSeconds: number): { unit: 'min' | 'h'; div: number } {
  return maxSeconds > 3 * 3600 ? { unit: 'h', div: 3600 } : { unit: 'min', div: 60 };
}

export const fmt = {
  num(x: number | null): string {
    if (x === null || !Number.isFinite(x)) return '–';
    const a = Math.abs(x);
    if (a >= 1e6) return d3.format('.3~s')(x);
    if (a !== 0 && a < 0.01) return d3.format('.2~g')(x);
    if (a >= 100) return d3.format(',.0f')(x);
    return d3.format('.3~r')(x);
  },
};
