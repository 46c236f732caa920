import { buildRun } from '../experiments/run-one.js';
import type { MetricValue } from '../metrics/columns.js';
import type { SwarmObserver } from '../model/observer.js';
import type { Swarm } from '../model/swarm.js';
import { getPolicyFactory } from '../policies/registry.js';
import { ScenarioSchema, type ClientKindName, type Scenario } from '../scenario/schema.js';

/** The client kind whose mechanics go with a built-in policy: its own, else Transmission's. */
export function clientFor(policy: string): ClientKindName {
  return getPolicyFactory(policy).factory.client ?? 'transmission';
}

/** Validates a scenario written in code (every default filled in), as a file would be. */
export function scenario(input: unknown): Scenario {
  return ScenarioSchema.parse(input);
}

export interface ValidationRun {
  swarm: Swarm;
  summary: Record<string, MetricValue>;
  /** The recorder's time-series rows (TIMESERIES_COLUMNS order: t, subject metrics, swarm metrics). */
  timeseriesRows: number[][];
  /** Engine events processed. */
  events: number;
}

/**
 * Runs one scenario with the subject group on `policy` and extra observers beside the metrics
 * recorder, to the scenario's end. Observers with a `finish(end)` method are finished.
 */
export function runWith(s: Scenario, policy: string, seed: number, observers: readonly (SwarmObserver & { finish?(end: number): void })[] = []): ValidationRun {
  const { factory, params } = getPolicyFactory(policy);
  const { swarm, recorder } = buildRun({ scenario: s, policy, factory, params, rep: 0, seed, trace: 'none' }, observers);
  swarm.run();
  const summary = recorder.finish(s.duration, swarm.conns);
  for (const o of observers) o.finish?.(s.duration);
  return { swarm, summary, timeseriesRows: recorder.timeseries, events: swarm.env.eventsProcessed };
}
