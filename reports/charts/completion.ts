import type { GroupSeries } from '../prep/timeseries.js';
import { bandChart } from './band.js';
import { groupFacets, sizeOpts, subtitle, type TimeChartOptions } from './time-common.js';

export const COMPLETION_Y_LABEL = 'leechers complete (%)';

/**
 * Completion-time CDF: share of the group's leechers that hold the whole file by each time, mean ±
 * 95% CI across replications; ends at completed_fraction. Time counts from each leecher's arrival
 * (`fromArrival`, from peers.csv: completionFromArrival), or from the start of the run for output
 * folders without peers.csv (completionSeries).
 */
export function completionChart(data: GroupSeries, o: TimeChartOptions & { fromArrival?: boolean }): string {
  const since = o.fromArrival ? 'time since arrival' : 'time since start';
  return bandChart(groupFacets(data), {
    id: o.id ?? 'completion',
    title: 'Completion-time CDF',
    subtitle: subtitle(o.scenario, `share of leechers that hold the whole file, by ${o.fromArrival ? "time since the leecher's arrival" : 'time since the start (no peers.csv)'}`),
    xLabel: since,
    yLabel: COMPLETION_Y_LABEL,
    styles: o.styles,
    yDomain: [0, 100],
    emptyNote: 'no leechers in this group',
    ...sizeOpts(o),
  });
}
