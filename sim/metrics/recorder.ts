import type { CloseReason, ConnectFailure } from '../policies/policy.js';
import { CLOSE_REASONS } from '../policies/policy.js';
import { ConnState, type Connection } from '../model/connection.js';
import type { SwarmObserver } from '../model/observer.js';
import type { Peer } from '../model/peer.js';
import { GROUPS, SUMMARY_METRICS, TIMESERIES_METRICS, type SummaryMetric, type TimeseriesMetric } from './columns.js';
import { PairTimes } from './pair-times.js';
import { quantile } from '../statistics.js';
import { settleTime } from './settle-time.js';
import { TraceRows, type TraceRow, type TraceSink } from './trace-sink.js';

/** What to trace into connections.csv. */
export type TraceMode = 'none' | 'subject' | 'all';

const SUBJECT = 0;
const SWARM = 1;
const REPEAT_WINDOW = 3600;
const REASON_INDEX = new Map<CloseReason, number>(CLOSE_REASONS.map((r, i) => [r, i]));

/**
 * Leechers that count for completion and convergence: broken clients that never take part in
 * a transfer (ghosts, refusers, droppers, always-full) can never complete and are left out, as
 * are leechers that gave up (SPEC: "every leecher that did not leave early").
 */
export function canDownload(p: Peer): boolean {
  const b = p.behaviour;
  return b === 'normal' || b === 'hammer' || b === 'bad_data' || b === 'never_unchoke';
}

/** wasted_handshakes_<reason> for every close reason. */
function wastedByReason(c: Counters): Record<`wasted_handshakes_${CloseReason}`, number> {
  const out = {} as Record<`wasted_handshakes_${CloseReason}`, number>;
  CLOSE_REASONS.forEach((r, i) => (out[`wasted_handshakes_${r}`] = c.wastedBy[i]!));
  return out;
}

/** Running totals of one group. Plain numbers: updated on every connection event. */
class Counters {
  attempts = 0;
  failures = 0;
  refused = 0;
  timeouts = 0;
  handshakes = 0;
  handshakeFailures = 0;
  wasted = 0;
  readonly wastedBy = new Float64Array(CLOSE_REASONS.length);
  repeat = 0;
  useful = 0;
  closed = 0;
  overhead = 0;
  pieceBytes = 0;
  open = 0;
  online = 0;
  seeds = 0;
  /** ∫ online peers dt up to lastT. */
  peerSeconds = 0;
  lastT = 0;
  completed = 0;
  readonly completion: number[] = [];
}

/**
 * Computes every metric of SPEC's table for the subject group and the whole swarm, as a summary
 * and as a time series. This is the one place where a metric is defined.
 */
export class MetricsRecorder implements SwarmObserver {
  private readonly g = [new Counters(), new Counters()] as const;
  /** Totals at the previous sample, to turn running totals into per-interval counts. */
  private readonly prev = [new Counters(), new Counters()] as const;
  private prevPeerSeconds = [0, 0];
  private readonly lastWasted = new PairTimes(REPEAT_WINDOW);
  readonly timeseries: number[][] = [];
  private readonly churnSeries: [number[], number[]] = [[], []];
  private readonly sampleTimes: number[] = [];
  /** Per peer id: handshaked connections it took part in (either end), for peers.csv. */
  private readonly peerHandshakes: Int32Array;
  /** Per peer id: when it last went offline (−1: never), for peers.csv's departure. */
  private readonly lastOffline: Float64Array;

  constructor(
    private readonly peers: readonly Peer[],
    private readonly groupNames: readonly string[],
    private readonly traceMode: TraceMode,
    private readonly interval: number,
    readonly traceSink: TraceSink = new TraceRows(),
  ) {
    this.peerHandshakes = new Int32Array(peers.length);
    this.lastOffline = new Float64Array(peers.length).fill(-1);
  }

  /** The traced rows when they are kept in memory (the default sink); else none. */
  get trace(): TraceRow[] {
    return this.traceSink instanceof TraceRows ? this.traceSink.rows : [];
  }

  private integrate(c: Counters, now: number): void {
    c.peerSeconds += c.online * (now - c.lastT);
    c.lastT = now;
  }

  peerOnline(p: Peer, now: number): void {
    for (const gi of [SUBJECT, SWARM]) {
      if (gi === SUBJECT && !p.isSubject) continue;
      const c = this.g[gi];
      this.integrate(c, now);
      c.online++;
      if (p.done) c.seeds++;
    }
  }

  peerOffline(p: Peer, now: number): void {
    this.lastOffline[p.id] = now;
    for (const gi of [SUBJECT, SWARM]) {
      if (gi === SUBJECT && !p.isSubject) continue;
      const c = this.g[gi];
      this.integrate(c, now);
      c.online--;
      if (p.done) c.seeds--;
    }
  }

  peerCompleted(p: Peer, now: number): void {
    for (const gi of [SUBJECT, SWARM]) {
      if (gi === SUBJECT && !p.isSubject) continue;
      const c = this.g[gi];
      c.completed++;
      c.seeds++;
      c.completion.push(now - p.arrivedAt);
    }
  }

  // Connection events update the swarm's counters and, when an end is a subject peer, the
  // subject's: `first(conn)` is the first group index to update (loops run to SWARM).
  private first(conn: Connection): number {
    return conn.subject ? SUBJECT : SWARM;
  }

  attempt(conn: Connection): void {
    for (let gi = this.first(conn); gi <= SWARM; gi++) this.g[gi]!.attempts++;
  }

  connectFailure(conn: Connection, _now: number, reason: ConnectFailure): void {
    for (let gi = this.first(conn); gi <= SWARM; gi++) {
      const c = this.g[gi]!;
      c.failures++;
      if (reason === 'refused') c.refused++;
      else c.timeouts++;
    }
    this.traceRow(conn);
  }

  handshakeFailure(conn: Connection): void {
    for (let gi = this.first(conn); gi <= SWARM; gi++) {
      const c = this.g[gi]!;
      c.handshakeFailures++;
      c.closed++;
    }
    this.traceRow(conn);
  }

  handshake(conn: Connection): void {
    this.peerHandshakes[conn.a.id]!++;
    this.peerHandshakes[conn.b.id]!++;
    for (let gi = this.first(conn); gi <= SWARM; gi++) {
      const c = this.g[gi]!;
      c.handshakes++;
      c.open++;
    }
  }

  close(conn: Connection, now: number, reason: CloseReason, overheadBytes: number): void {
    const bytes = conn.pieceBytes;
    let repeat = false;
    if (bytes === 0) repeat = this.lastWasted.swap(conn.a.id, conn.b.id, now) !== -Infinity;
    const ri = REASON_INDEX.get(reason)!;
    for (let gi = this.first(conn); gi <= SWARM; gi++) {
      const c = this.g[gi]!;
      c.open--;
      c.closed++;
      c.pieceBytes += bytes;
      if (bytes > 0) c.useful++;
      else {
        c.wasted++;
        c.wastedBy[ri]!++;
        c.overhead += overheadBytes;
        if (repeat) c.repeat++;
      }
    }
    this.traceRow(conn);
  }

  sample(now: number): void {
    const row: number[] = [now];
    this.sampleTimes.push(now);
    for (const gi of [SUBJECT, SWARM]) {
      const c = this.g[gi];
      const p = this.prev[gi];
      this.integrate(c, now);
      const peerMin = (c.peerSeconds - this.prevPeerSeconds[gi]!) / 60;
      const closed = c.closed - p.closed;
      const churn = peerMin > 0 ? closed / peerMin : 0;
      this.churnSeries[gi].push(churn);
      const v: Record<TimeseriesMetric, number> = {
        online_peers: c.online,
        seeds: c.seeds,
        leechers: c.online - c.seeds,
        open_connections: c.open,
        connect_attempts: c.attempts - p.attempts,
        handshakes: c.handshakes - p.handshakes,
        wasted_handshakes: c.wasted - p.wasted,
        wasted_handshakes_total: c.wasted,
        repeat_wasted: c.repeat - p.repeat,
        closed_connections: closed,
        churn_per_peer_min: churn,
        completed_total: c.completed,
      };
      for (const m of TIMESERIES_METRICS) row.push(v[m]);
      p.attempts = c.attempts;
      p.handshakes = c.handshakes;
      p.wasted = c.wasted;
      p.repeat = c.repeat;
      p.closed = c.closed;
      this.prevPeerSeconds[gi] = c.peerSeconds;
    }
    this.timeseries.push(row);
  }

  private traceRow(conn: Connection): void {
    if (this.traceMode === 'none' || (this.traceMode === 'subject' && !conn.subject)) return;
    const { a, b } = conn;
    const closedBy = conn.closedBy === 'a' ? 'from' : conn.closedBy === 'b' ? 'to' : '';
    // Order must match CONNECTION_COLUMNS (columns.ts).
    this.traceSink.row([
      conn.tDial,
      conn.tConnect < 0 ? '' : conn.tConnect,
      conn.tHandshake < 0 ? '' : conn.tHandshake,
      conn.tClose < 0 ? '' : conn.tClose,
      a.id,
      b.id,
      this.groupNames[a.group]!,
      this.groupNames[b.group]!,
      a.kind.name,
      b.kind.name,
      conn.outcome,
      conn.closeReason,
      closedBy,
      conn.bytesAB,
      conn.bytesBA,
    ]);
  }

  /**
   * The whole swarm's churn-per-peer-minute series so far and its sampling times, for the
   * `settled` stop rule (the same series swarm_settle_s is computed from).
   */
  swarmChurn(): { times: readonly number[]; values: readonly number[] } {
    return { times: this.sampleTimes, values: this.churnSeries[SWARM] };
  }

  /**
   * One row per peer in PEER_COLUMNS order (columns.ts), as the run ends: arrival, completion and
   * departure times (empty when they did not happen), piece bytes each way, handshaked connections.
   */
  peerRows(): (string | number)[][] {
    return this.peers.map((p) => [
      p.id,
      this.groupNames[p.group]!,
      p.startsAsSeed ? 'seed' : 'leecher',
      p.kind.name,
      p.arrivedAt >= 0 ? p.arrivedAt : '',
      !p.startsAsSeed && p.completedAt >= 0 ? p.completedAt : '',
      p.arrivedAt >= 0 && !p.online && this.lastOffline[p.id]! >= 0 ? this.lastOffline[p.id]! : '',
      p.pieceBytesUp,
      p.pieceBytesDown,
      this.peerHandshakes[p.id]!,
    ]);
  }

  /**
   * Closes the books at `now`, the end of the simulated time (duration, or where a stop rule
   * ended the run): open connections are traced as `open`; rates per hour and per minute are over
   * the time simulated.
   */
  finish(now: number, conns: readonly Connection[]): Record<string, number | null> {
    for (const conn of conns) if (conn.state !== ConnState.Closed) this.traceRow(conn);
    const out: Record<string, number | null> = {};
    const hours = now / 3600;
    GROUPS.forEach((name, gi) => {
      const c = this.g[gi]!;
      this.integrate(c, now);
      const leechers = this.peers.filter((p) => (gi === SWARM || p.isSubject) && !p.startsAsSeed && p.arrivedAt >= 0 && !p.aborted && canDownload(p));
      const sorted = [...c.completion].sort((x, y) => x - y);
      const allDone = leechers.length > 0 && leechers.every((p) => p.completedAt >= 0);
      const values: Record<SummaryMetric, number | null> = {
        ...wastedByReason(c),
        connect_attempts: c.attempts,
        connect_failures: c.failures,
        connect_failures_refused: c.refused,
        connect_failures_timeout: c.timeouts,
        handshakes: c.handshakes,
        handshake_failures: c.handshakeFailures,
        wasted_handshakes: c.wasted,
        wasted_handshakes_per_hour: c.wasted / hours,
        repeat_wasted: c.repeat,
        useful_handshakes: c.useful,
        useful_ratio: c.handshakes > 0 ? c.useful / c.handshakes : null,
        churn_per_peer_min: c.peerSeconds > 0 ? c.closed / (c.peerSeconds / 60) : null,
        overhead_bytes: c.overhead,
        piece_bytes: c.pieceBytes,
        completion_s_p50: quantile(sorted, 0.5),
        completion_s_p90: quantile(sorted, 0.9),
        completion_s_max: sorted.length ? sorted[sorted.length - 1]! : null,
        completed_fraction: leechers.length ? leechers.filter((p) => p.completedAt >= 0).length / leechers.length : null,
        convergence_s: allDone ? Math.max(...leechers.map((p) => p.completedAt)) : null,
        settle_s: settleTime(this.sampleTimes, this.churnSeries[gi as 0 | 1], this.interval),
        peer_seconds: c.peerSeconds,
      };
      for (const m of SUMMARY_METRICS) out[`${name}_${m}`] = values[m];
    });
    return out;
  }
}
