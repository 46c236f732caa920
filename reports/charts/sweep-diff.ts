import type { SweepKeySeries } from '../prep/sweep.js';
import { sweepChart, type SweepChartOptions } from './sweep-common.js';

/**
 * A sweep's paired differences against one swept parameter: per headline metric and facet, each
 * policy's difference to the reference policy over runs with the same seeds, with its 95% CI
 * whisker and a dashed zero line.
 */
export function sweepDiffChart(data: SweepKeySeries, o: SweepChartOptions): string {
  return sweepChart(data, {
    ...o,
    id: o.id ?? 'sweep-diff',
    mode: 'diff',
    title: `Difference to ${data.ref} against ${data.key}`,
    subtitle: `${data.scenario} · policy − ${data.ref}, same seeds, whisker: 95% CI${data.others.length ? ` · a panel per value of ${data.others.join(' × ')}` : ''}`,
  });
}
