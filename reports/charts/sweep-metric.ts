import type { SweepKeySeries } from '../prep/sweep.js';
import { sweepChart, type SweepChartOptions } from './sweep-common.js';

/**
 * A sweep's headline metrics against one swept parameter: per metric a row of panels (one per
 * value combination of the other grid keys), the parameter's values on x, per policy the mean
 * over replications with its 95% CI whisker, joined by a line.
 */
export function sweepMetricChart(data: SweepKeySeries, o: SweepChartOptions): string {
  return sweepChart(data, {
    ...o,
    id: o.id ?? 'sweep-metric',
    mode: 'mean',
    title: `Headline metrics against ${data.key}`,
    subtitle: `${data.scenario} · mean over replications, whisker: 95% CI${data.others.length ? ` · a panel per value of ${data.others.join(' × ')}` : ''}`,
  });
}
