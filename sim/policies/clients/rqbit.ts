import { mix32 } from '../mix.js';
import type { CloseInfo, ConnectFailure, HostView, PolicyFactory, ReconnectPolicy } from '../policy.js';
import { ScanInfo, ScanPolicy } from '../scan-policy.js';
import { Source } from '../source.js';

/** backon `ExponentialBuilder` as librqbit's `backoff()` builds it (s). */
export const RQBIT_MIN_DELAY = 10;
export const RQBIT_FACTOR = 6;
export const RQBIT_MAX_DELAY = 3600;
export const RQBIT_TOTAL_DELAY = 86400;
/** The peer semaphore (`peer_limit.unwrap_or(128)`): dials per select are bounded by it alone. */
export const RQBIT_PEER_LIMIT = 128;

export class RqbitInfo extends ScanInfo {
  /** In the peer queue, dialled from `queuedAt` on (a backoff wait ends there). */
  queued = false;
  queuedAt = 0;
  /** The last connection was incoming: never re-dialled after it dies. */
  incoming = false;
  /** backon state: the current delay before jitter (0: none handed out yet) and the sum handed out. */
  delay = 0;
  spent = 0;
}

/**
 * `rqbit`: rqbit tag **v9.0.1** (github:ikatson/rqbit), read at
 * `crates/librqbit/src/torrent_state/live/peer/stats/atomic.rs:52-62` (`backoff()`: min 10 s,
 * factor 6, jitter, max 3600 s, total 86 400 s, no attempt limit; `reset_backoff` makes a fresh
 * one), `torrent_state/live/mod.rs:1254-1408` (`on_peer_died`), `:1925-1956` (the backoff is
 * reset when a piece downloaded from the peer passes its hash check), `:585-596` (a peer task
 * ending `Ok` is our own disconnect: `on_peer_died(None)`), `:1638-1655` and `:885-897` (a
 * finished client disconnects peers holding the whole torrent), `:600-660` (`task_peer_adder`),
 * `torrent_state/live/peers/mod.rs:41-54` (`add_if_not_seen`). The backoff arithmetic is backon's
 * `ExponentialBackoff::next` (github:Xuanwo/backon, read at v1.5.2, `backon/src/backoff/
 * exponential.rs`; rqbit's Cargo.lock pins 1.6.0, not in the mirror): the n-th delay is
 * d_n = min(10 × 6^(n−1), 3600) s plus jitter U(0, 1) × d_n, and the backoff ends (None) when the
 * delays handed out plus the next would exceed 24 h.
 *
 * - A listing (tracker, DHT, PEX) of an unknown address queues it; a known one is ignored
 *   (`add_if_not_seen`), whatever its state. A peer first seen on an incoming connection is
 *   known, so never dialled.
 * - A peer dies with an error (connect or handshake failure, the remote's close, a bad piece):
 *   if this client is finished it is not needed any more; if the connection was incoming it is
 *   not retried; else it is queued again after the next backoff delay, and dropped (forgotten,
 *   so a later listing starts afresh) when the backoff is exhausted.
 * - This client's own close (the finished client's seed-to-seed close, a duplicate, …) ends the
 *   task with `Ok`: not needed, never re-queued.
 * - Piece data resets the backoff. The seam does not say which way the data went nor whether it
 *   passed its check: it counts while this client is downloading (a downloader receives).
 * - Queue order: first queued first (an unbounded channel), up to 128 dials per select.
 *
 * Jitter draws come from a per-policy sequence seeded once from host.rng (events carry no host),
 * so each wait is fixed when the peer dies. `jitter: false` (tests) gives the nominal delays.
 */
export class RqbitPolicy extends ScanPolicy<RqbitInfo> {
  readonly name = 'rqbit';
  private seed: number | undefined;
  private draws = 0;
  private hostDone = false;

  constructor(readonly jitter = true) {
    super(RQBIT_PEER_LIMIT);
  }

  /** add_if_not_seen: only a new record is queued; a listing of a known one changes nothing. */
  protected make(remote: number, source: Source, now: number): RqbitInfo {
    const i = new RqbitInfo(remote, source, now);
    if (source !== Source.Incoming) {
      i.queued = true;
      i.queuedAt = now;
    }
    return i;
  }

  /** The next backon delay (s), or null when the 24 h budget is spent. */
  nextDelay(info: RqbitInfo): number | null {
    const d = info.delay === 0 ? RQBIT_MIN_DELAY : Math.min(info.delay * RQBIT_FACTOR, RQBIT_MAX_DELAY);
    const wait = this.jitter ? d + d * this.uniform() : d;
    if (info.spent + wait > RQBIT_TOTAL_DELAY) return null;
    info.delay = d;
    info.spent += wait;
    return wait;
  }

  private uniform(): number {
    return mix32(Math.imul(++this.draws, 0x9e3779b1) ^ (this.seed ?? 0)) / 2 ** 32;
  }

  private reset(info: RqbitInfo): void {
    info.delay = 0;
    info.spent = 0;
  }

  /** on_peer_died(Some(error)). */
  private died(info: RqbitInfo, now: number): void {
    if (this.hostDone || info.incoming || info.conns > 0) return;
    const wait = this.nextDelay(info);
    if (wait === null) {
      this.forget(info);
      return;
    }
    info.queued = true;
    info.queuedAt = now + wait;
  }

  eligibleAt(info: RqbitInfo, host: HostView): number {
    this.hostDone = host.done;
    return info.banned || !info.queued ? Infinity : info.queuedAt;
  }

  override select(host: HostView, budget: number, out: Int32Array): number {
    if (this.seed === undefined) this.seed = host.rng.int(2 ** 32);
    return super.select(host, budget, out);
  }

  protected rank(info: RqbitInfo): number {
    return info.queuedAt;
  }

  override onDial(info: RqbitInfo, now: number): void {
    super.onDial(info, now);
    info.queued = false;
    info.incoming = false;
  }

  override onIncoming(info: RqbitInfo, now: number): void {
    super.onIncoming(info, now);
    info.queued = false;
    info.incoming = true;
  }

  override onConnectFailure(info: RqbitInfo, now: number, reason: ConnectFailure): void {
    super.onConnectFailure(info, now, reason);
    this.died(info, now);
  }

  override onHandshakeFailure(info: RqbitInfo, now: number, outgoing: boolean, readAnything: boolean): void {
    super.onHandshakeFailure(info, now, outgoing, readAnything);
    this.died(info, now);
  }

  override onPieceData(info: RqbitInfo, now: number): void {
    super.onPieceData(info, now);
    if (!this.hostDone) this.reset(info);
  }

  override onClose(info: RqbitInfo, now: number, close: CloseInfo): void {
    super.onClose(info, now, close);
    // A bad piece is an error (retried after the backoff), not a ban.
    if (close.reason === 'banned') info.banned = false;
    if (!close.byUs || close.reason === 'banned') this.died(info, now);
  }
}

export const rqbit: PolicyFactory = {
  name: 'rqbit',
  description: 'rqbit 9.0: backoff 10 s x6 to 1 h with jitter, 24 h budget, reset only by piece data; own closes never retried',
  rule: 'backoff on errors (10 s × 6 up to 1 h, 24 h in all) reset only by piece data; its own closes, and any failure once finished, are never retried',
  params: [],
  client: 'rqbit',
  create(): ReconnectPolicy {
    return new RqbitPolicy();
  },
};
