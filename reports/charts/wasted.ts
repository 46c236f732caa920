import type { GroupSeries } from '../prep/timeseries.js';
import { bandChart } from './band.js';
import { groupFacets, sizeOpts, subtitle, type TimeChartOptions } from './time-common.js';

export const WASTED_Y_LABEL = 'wasted handshakes since start (count)';

/** Cumulative wasted handshakes (handshakes closed with zero piece bytes), mean ± 95% CI across replications. */
export function wastedChart(data: GroupSeries, o: TimeChartOptions): string {
  return bandChart(groupFacets(data), {
    id: o.id ?? 'wasted',
    title: 'Cumulative wasted handshakes',
    subtitle: subtitle(o.scenario, 'handshakes closed without a single piece byte, running total'),
    yLabel: WASTED_Y_LABEL,
    styles: o.styles,
    ...sizeOpts(o),
  });
}
