import type { PolicyFactory, PolicyParams } from '../policies/policy.js';
import type { Scenario } from '../scenario/schema.js';

import type { MetricValue } from '../metrics/columns.js';
import type { TraceMode } from '../metrics/recorder.js';
import type { TraceSink } from '../metrics/trace-sink.js';
import type { StopRecord } from './stop-rule.js';

export type { MetricValue, TraceMode };

/** One simulation run: a scenario, the subject's policy, a replication and its seed. */
export interface RunRequest {
  scenario: Scenario;
  /** Policy label for the CSV `policy` column (canonical name with non-default params, or module path). */
  policy: string;
  /** The subject group's policy, resolved (built-in or loaded module). */
  factory: PolicyFactory;
  params: PolicyParams;
  rep: number;
  seed: number;
  trace: TraceMode;
  /** Where traced rows go as they come; default: kept in RunResult.connections. */
  traceSink?: TraceSink;
}

export interface RunResult {
  policy: string;
  rep: number;
  seed: number;
  /** Keyed by SUMMARY_COLUMNS (sim/metrics/columns.ts). */
  summary: Record<string, MetricValue>;
  /** One row per sampling interval, in TIMESERIES_COLUMNS order (first is t). */
  timeseries: number[][];
  /** Rows in CONNECTION_COLUMNS order, when traced into memory (none when RunRequest.traceSink was given). */
  connections: (string | number)[][];
  /** One row per peer in PEER_COLUMNS order (peers.csv); a runner without it writes none. */
  peers?: (string | number)[][];
  /** Why and when the run ended, when its scenario has a stop rule. */
  stop?: StopRecord;
  /** Events the engine processed (deterministic). */
  events: number;
  /** Wall-clock seconds (timing.json only; never in deterministic files). */
  wallSeconds: number;
}
