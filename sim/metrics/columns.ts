import { CLOSE_REASONS } from '../policies/policy.js';

/**
 * Column names of summary.csv and timeseries.csv (SPEC "Metric definitions"). Each metric exists
 * for two groups, prefixed `subject_` and `swarm_`; splits are suffixes.
 *
 * Group membership: a connection belongs to the subject group when either end is a subject peer
 * (a policy's cost falls on the peers it dials, too); per-peer figures (churn, completion) use the
 * subject peers' own online time and downloads.
 */
/** A value in a metrics row: a number, or null for "not defined" (written as an empty CSV cell). */
export type MetricValue = number | null;

export const GROUPS = ['subject', 'swarm'] as const;
export type Group = (typeof GROUPS)[number];

/**
 * One metric as users see it: its column name without the group prefix, its unit and what it
 * means (SPEC "Metric definitions"). The value is computed in MetricsRecorder under the same name,
 * which the compiler holds to this list (SummaryMetric, TimeseriesMetric); `swarmsim list metrics`
 * prints the descriptions. Add a metric here and the recorder will not build until it has a value.
 */
export interface MetricDef<N extends string = string> {
  readonly name: N;
  readonly unit: string;
  readonly description: string;
}

const def = <N extends string>(name: N, unit: string, description: string): MetricDef<N> => ({ name, unit, description });

/** Summary metrics (one value per run and group), in column order. */
export const SUMMARY_DEFS = [
  def('connect_attempts', 'connections', 'outbound TCP connection attempts started'),
  def('connect_failures', 'connections', 'attempts that never reached an established TCP connection'),
  def('connect_failures_refused', 'connections', 'connection attempts refused at once'),
  def('connect_failures_timeout', 'connections', 'connection attempts that timed out'),
  def('handshakes', 'connections', 'connections whose BitTorrent (and extension) handshake completed'),
  def('handshake_failures', 'connections', 'established TCP connections closed before the handshake completed'),
  def('wasted_handshakes', 'connections', 'handshakes closed with zero piece bytes'),
  ...CLOSE_REASONS.map((r) => def(`wasted_handshakes_${r}` as const, 'connections', `wasted handshakes closed for reason ${r}`)),
  def('wasted_handshakes_per_hour', 'connections/h', 'wasted handshakes per simulated hour'),
  def('repeat_wasted', 'connections', 'wasted handshakes between a pair that had a wasted handshake in the previous hour (the reconnect loop)'),
  def('useful_handshakes', 'connections', 'handshakes that moved piece bytes'),
  def('useful_ratio', 'ratio', 'handshakes with piece bytes > 0 / handshakes'),
  def('churn_per_peer_min', 'closes/peer/min', 'closed connections per online peer per minute'),
  def('overhead_bytes', 'bytes', 'protocol bytes spent on connections that became wasted handshakes'),
  def('piece_bytes', 'bytes', 'payload bytes of piece messages, either direction'),
  def('completion_s_p50', 's', 'median time from leecher arrival to last piece'),
  def('completion_s_p90', 's', '90th percentile of time from leecher arrival to last piece'),
  def('completion_s_max', 's', 'longest time from leecher arrival to last piece'),
  def('completed_fraction', 'ratio', 'share of leechers (that did not leave early) holding the whole file at the end'),
  def('convergence_s', 's', 'time until every leecher that did not leave early holds the whole file (empty when not reached)'),
  def('settle_s', 's', 'first time after which churn per peer per minute stays within 10% of its final-quarter mean'),
  def('peer_seconds', 's', 'online peer time summed over peers'),
] as const;
export type SummaryMetric = (typeof SUMMARY_DEFS)[number]['name'];

/** Time-series metrics (one value per sampling interval, run and group); counts are per interval unless `_total`. */
export const TIMESERIES_DEFS = [
  def('online_peers', 'peers', 'peers online at the sample time'),
  def('seeds', 'peers', 'seeds online at the sample time'),
  def('leechers', 'peers', 'leechers online at the sample time'),
  def('open_connections', 'connections', 'open connections at the sample time'),
  def('connect_attempts', 'connections', 'outbound TCP connection attempts started in the interval'),
  def('handshakes', 'connections', 'handshakes completed in the interval'),
  def('wasted_handshakes', 'connections', 'handshakes closed with zero piece bytes in the interval'),
  def('wasted_handshakes_total', 'connections', 'wasted handshakes since the start'),
  def('repeat_wasted', 'connections', 'repeat wasted handshakes in the interval'),
  def('closed_connections', 'connections', 'connections closed in the interval'),
  def('churn_per_peer_min', 'closes/peer/min', 'closed connections per online peer per minute over the interval'),
  def('completed_total', 'peers', 'leechers that completed since the start'),
] as const;
export type TimeseriesMetric = (typeof TIMESERIES_DEFS)[number]['name'];

/** Summary metric names without the group prefix, in column order. */
export const SUMMARY_METRICS: readonly SummaryMetric[] = SUMMARY_DEFS.map((d) => d.name);

/** Time-series metric names without the group prefix, in column order. */
export const TIMESERIES_METRICS: readonly TimeseriesMetric[] = TIMESERIES_DEFS.map((d) => d.name);

export function prefixed(metrics: readonly string[]): string[] {
  const out: string[] = [];
  for (const g of GROUPS) for (const m of metrics) out.push(`${g}_${m}`);
  return out;
}

export const SUMMARY_COLUMNS = prefixed(SUMMARY_METRICS);
export const TIMESERIES_COLUMNS = ['t', ...prefixed(TIMESERIES_METRICS)];

/** Column order of connections.csv (`--trace`): one row per connection attempt. */
export const CONNECTION_COLUMNS = [
  't_dial',
  't_connect',
  't_handshake',
  't_close',
  'from',
  'to',
  'from_group',
  'to_group',
  'from_client',
  'to_client',
  'outcome', // refused | timeout | handshake_failed | wasted | useful | open
  'close_reason',
  'closed_by', // from | to | '' (failures and open connections)
  'bytes_from_to',
  'bytes_to_from',
] as const;

/**
 * Column order of peers.csv: one row per peer and run, after the run's key columns. `arrival` is
 * the first arrival; `completion` when a leecher got its last piece (empty for seeds and leechers
 * that did not finish); `departure` when the peer last went offline (empty while online at the
 * end or if it never arrived); bytes are piece bytes; `connections` counts the connections whose
 * BitTorrent handshake completed with this peer at either end (so their sum over the peers of a
 * run is twice swarm_handshakes).
 */
export const PEER_DEFS = [
  def('peer', 'id', 'peer id (as in connections.csv from/to)'),
  def('group', '', 'population group'),
  def('role', '', 'seed (holds the file on arrival) or leecher'),
  def('client', '', 'client kind'),
  def('arrival', 's', 'first arrival (empty if it never arrived)'),
  def('completion', 's', 'when a leecher got its last piece (empty for seeds and leechers that did not finish)'),
  def('departure', 's', 'when the peer last went offline (empty if online at the end of the run)'),
  def('bytes_up', 'bytes', 'piece bytes uploaded'),
  def('bytes_down', 'bytes', 'piece bytes downloaded'),
  def('connections', 'connections', 'connections whose BitTorrent handshake completed with this peer at either end (dialled or accepted; failed dials not counted)'),
] as const;
export const PEER_COLUMNS: readonly (typeof PEER_DEFS)[number]['name'][] = PEER_DEFS.map((d) => d.name);
