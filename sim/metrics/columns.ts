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

export const CONNECT_FAILURE_SPLITS = ['refused', 'timeout'] as const;

/** Summary metric names without the group prefix, in column order. */
export const SUMMARY_METRICS: readonly string[] = [
  'connect_attempts',
  'connect_failures',
  ...CONNECT_FAILURE_SPLITS.map((s) => `connect_failures_${s}`),
  'handshakes',
  'handshake_failures',
  'wasted_handshakes',
  ...CLOSE_REASONS.map((r) => `wasted_handshakes_${r}`),
  'wasted_handshakes_per_hour',
  'repeat_wasted',
  'useful_handshakes',
  'useful_ratio',
  'churn_per_peer_min',
  'overhead_bytes',
  'piece_bytes',
  'completion_s_p50',
  'completion_s_p90',
  'completion_s_max',
  'completed_fraction',
  'convergence_s',
  'settle_s',
  'peer_seconds',
];

/** Time-series metric names without the group prefix; counts are per sampling interval unless `_total`. */
export const TIMESERIES_METRICS: readonly string[] = [
  'online_peers',
  'seeds',
  'leechers',
  'open_connections',
  'connect_attempts',
  'handshakes',
  'wasted_handshakes',
  'wasted_handshakes_total',
  'repeat_wasted',
  'closed_connections',
  'churn_per_peer_min',
  'completed_total',
];

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
export const PEER_COLUMNS = ['peer', 'group', 'role', 'client', 'arrival', 'completion', 'departure', 'bytes_up', 'bytes_down', 'connections'] as const;
