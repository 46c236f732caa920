/** One line per metric for `swarmsim list metrics` (SPEC "Metric definitions"). */
export const METRIC_DESCRIPTIONS: Record<string, string> = {
  connect_attempts: 'outbound TCP connection attempts started',
  connect_failures: 'attempts that never reached an established TCP connection',
  connect_failures_refused: 'connection attempts refused at once',
  connect_failures_timeout: 'connection attempts that timed out',
  handshakes: 'connections whose BitTorrent (and extension) handshake completed',
  handshake_failures: 'established TCP connections closed before the handshake completed',
  wasted_handshakes: 'handshakes closed with zero piece bytes',
  wasted_handshakes_per_hour: 'wasted handshakes per simulated hour',
  repeat_wasted: 'wasted handshakes between a pair that had a wasted handshake in the previous hour (the reconnect loop)',
  useful_handshakes: 'handshakes that moved piece bytes',
  useful_ratio: 'handshakes with piece bytes > 0 / handshakes',
  churn_per_peer_min: 'closed connections per online peer per minute',
  overhead_bytes: 'protocol bytes spent on connections that became wasted handshakes',
  piece_bytes: 'payload bytes of piece messages, either direction',
  completion_s_p50: 'median time from leecher arrival to last piece (s)',
  completion_s_p90: '90th percentile of time from leecher arrival to last piece (s)',
  completion_s_max: 'longest time from leecher arrival to last piece (s)',
  completed_fraction: 'share of leechers (that did not leave early) holding the whole file at the end',
  convergence_s: 'time until every leecher that did not leave early holds the whole file (empty when not reached)',
  settle_s: 'first time after which churn per peer per minute stays within 10% of its final-quarter mean',
  peer_seconds: 'online peer time summed over peers (s)',
  online_peers: 'peers online at the sample time',
  seeds: 'seeds online at the sample time',
  leechers: 'leechers online at the sample time',
  open_connections: 'open connections at the sample time',
  wasted_handshakes_total: 'wasted handshakes since the start',
  closed_connections: 'connections closed in the interval',
  completed_total: 'leechers that completed since the start',
};

/** One line per column of peers.csv (PEER_COLUMNS, sim/metrics/columns.ts). */
export const PEER_COLUMN_DESCRIPTIONS: Record<string, string> = {
  peer: 'peer id (as in connections.csv from/to)',
  group: 'population group',
  role: 'seed (holds the file on arrival) or leecher',
  client: 'client kind',
  arrival: 'first arrival (s; empty if it never arrived)',
  completion: 'when a leecher got its last piece (s; empty for seeds and leechers that did not finish)',
  departure: 'when the peer last went offline (s; empty if online at the end of the run)',
  bytes_up: 'piece bytes uploaded',
  bytes_down: 'piece bytes downloaded',
  connections: 'connections whose BitTorrent handshake completed with this peer at either end (dialled or accepted; failed dials not counted)',
};

export function describeMetric(name: string): string {
  const direct = METRIC_DESCRIPTIONS[name];
  if (direct) return direct;
  const m = /^wasted_handshakes_(.+)$/.exec(name);
  if (m) return `wasted handshakes closed for reason ${m[1]}`;
  return '';
}
