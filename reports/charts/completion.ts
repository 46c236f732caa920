import type { GroupSeries } from '../prep/timeseries.js';
import { bandChart } from './band.js';
import { groupFacets, sizeOpts, subtitle, type TimeChartOptions } from './time-common.js';

export const COMPLETION_Y_LABEL = 'leechers complete (%)';

/**
 * Completion-time CDF: share of the group's leechers that hold the whole file by each time (from the
 * start of the run), mean ± 95% CI across replications; ends at completed_fraction.
 */
export function completionChart(data: GroupSeries, o: TimeChartOptions): string {
  return bandChart(groupFacets(data), {
    id: o.id ?? 'completion',
    title: 'Completion-time CDF',
    subtitle: subtitle(o.scenario, 'share of leechers that hold the whole file, by time since the start'),
    yLabel: COMPLETION_Y_LABEL,
    styles: o.styles,
    yDomain: [0, 100],
    emptyNote: 'no leechers in this group',
    ...sizeOpts(o),
  });
}
