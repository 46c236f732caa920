import type { GroupSeries } from '../prep/timeseries.js';
import { bandChart } from './band.js';
import { groupFacets, sizeOpts, subtitle, type TimeChartOptions } from './time-common.js';

export const CHURN_Y_LABEL = 'closed connections per peer per minute';

/** Churn per peer per minute over time, subject peers and whole swarm, mean ± 95% CI across replications. */
export function churnChart(data: GroupSeries, o: TimeChartOptions): string {
  return bandChart(groupFacets(data), {
    id: o.id ?? 'churn',
    title: 'Connection churn over time',
    subtitle: subtitle(o.scenario, 'connections closed per online peer per minute, each sampling interval'),
    yLabel: CHURN_Y_LABEL,
    styles: o.styles,
    curve: 'step',
    ...sizeOpts(o),
  });
}
