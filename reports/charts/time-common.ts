import type { PolicyStyle } from '../palette.js';
import type { GroupSeries } from '../prep/timeseries.js';
import type { BandFacet } from './band.js';

/** Options shared by the time-series chart modules. */
export interface TimeChartOptions {
  styles: ReadonlyMap<string, PolicyStyle>;
  /** SVG id (default: the chart's name). */
  id?: string;
  /** Scenario name, shown in the subtitle. */
  scenario?: string;
  width?: number;
  height?: number;
}

export function groupFacets(data: GroupSeries): BandFacet[] {
  return [
    { key: 'subject', label: 'subject peers (running the compared policy)', series: data.subject },
    { key: 'swarm', label: 'whole swarm', series: data.swarm },
  ];
}

export function subtitle(scenario: string | undefined, text: string): string {
  return scenario ? `${scenario} · ${text}` : text;
}

export function sizeOpts(o: TimeChartOptions): { width?: number; height?: number } {
  return { ...(o.width ? { width: o.width } : {}), ...(o.height ? { height: o.height } : {}) };
}
