import { PEER_INFO_BITS, withBit, type PeerInfo } from './peer-info.js';
import { CLOSE_REASONS, type CloseInfo, type ConnectFailure, type HostView, type RemoteState, type SeenReason } from './policy.js';
import { ScanInfo, ScanPolicy } from './scan-policy.js';
import type { Source } from './source.js';

/**
 * The standard history of one known peer, kept by the host for policies built on HistoryPolicy
 * (and definePolicy), in the spirit of Transmission's `tr_peer_info`. Read-only to the policy's
 * rule; every time is in simulated seconds.
 */
export interface PeerHistory extends Readonly<PeerInfo> {
  /** When the peer was first learned of (= learnedAt). */
  readonly firstSeen: number;
  /**
   * The last contact: a connection opened or closed, or firstSeen if none yet. (Relistings by the
   * tracker, PEX or the DHT do not refresh it: repeats of a listing are answered without reading
   * the record.)
   */
  readonly lastSeen: number;
  /** Outgoing attempts started (dials). */
  readonly attempts: number;
  /** Connect failures and outgoing handshake failures since the last connection that moved piece data. */
  readonly failures: number;
  /** Handshaked connections closed with no piece data since the last one that moved piece data (this side leaving, duplicates not counted). */
  readonly fruitless: number;
  /** failures + fruitless: unproductive outcomes in a row. */
  readonly unproductive: number;
  /** The later of the last dial and the end of the last attempt or connection; −∞ when neither happened. */
  readonly lastActive: number;
  /** When the last handshaked connection closed; −∞ never. */
  readonly closedAt: number;
  /** Whether this side closed it (else the remote did, or the socket failed). */
  readonly closedByUs: boolean;
  /** Why it closed, as this side saw it; undefined before the first close. */
  readonly closeReason: SeenReason | undefined;
  /** Piece payload bytes moved on it, both directions. */
  readonly closeBytes: number;
  /**
   * Whether this side could reach the peer: true once an outgoing TCP connection was
   * established, false after an outgoing connect failed, undefined before any dial ended.
   * (`connectable` is what PEX claimed.)
   */
  readonly reachable: boolean | undefined;
}

/** How an attempt or connection ended, as the history sees it. */
export type Outcome =
  /** TCP connect failed (refused or timed out) or our outgoing handshake failed. */
  | 'failure'
  /** A handshaked connection closed with zero piece bytes (not because this side left). */
  | 'fruitless'
  /** A connection that moved piece data closed. */
  | 'useful'
  /** Nothing learned about the peer: this side left or stopped, a duplicate, an incoming handshake failure. */
  | 'neutral';

/** Classifies a close. */
export function closeOutcome(pieceBytes: number, reason: string): Outcome {
  if (pieceBytes > 0) return 'useful';
  if (reason === 'local_left' || reason === 'duplicate') return 'neutral';
  return 'fruitless';
}

/** HistoryRecord's flags in PeerRecord.bits, above TrackedInfo's (see peer-info.ts for why packed). */
const ENDED = 1 << (PEER_INFO_BITS + 6);
const CLOSED_BY_US = 1 << (PEER_INFO_BITS + 7);
const REACHABLE_KNOWN = 1 << (PEER_INFO_BITS + 8);
const REACHABLE = 1 << (PEER_INFO_BITS + 9);
const REASON_SHIFT = PEER_INFO_BITS + 10;
const REASON_MASK = 15 << REASON_SHIFT;
/** closeReason codes: 0 = none yet, then CLOSE_REASONS in order, then peer_left. */
const REASONS: readonly (SeenReason | undefined)[] = [undefined, ...CLOSE_REASONS, 'peer_left'];
const REASON_CODE = new Map<SeenReason | undefined, number>(REASONS.map((r, i) => [r, i]));

/** PeerHistory as the record of a HistoryPolicy (one object per known peer, fields in place). */
export class HistoryRecord extends ScanInfo implements PeerHistory {
  /** When the last attempt or connection ended (s); 0 with `ended` false = never. */
  endedAt = 0;
  failures = 0;
  fruitless = 0;
  closedAt = -Infinity;
  closeBytes = 0;

  /** An attempt or connection with the peer has ended. */
  get ended(): boolean {
    return (this.bits & ENDED) !== 0;
  }
  set ended(v: boolean) {
    this.bits = withBit(this.bits, ENDED, v);
  }
  get closedByUs(): boolean {
    return (this.bits & CLOSED_BY_US) !== 0;
  }
  set closedByUs(v: boolean) {
    this.bits = withBit(this.bits, CLOSED_BY_US, v);
  }
  get closeReason(): SeenReason | undefined {
    return REASONS[(this.bits & REASON_MASK) >> REASON_SHIFT];
  }
  set closeReason(v: SeenReason | undefined) {
    this.bits = (this.bits & ~REASON_MASK) | ((REASON_CODE.get(v) ?? 0) << REASON_SHIFT);
  }
  get reachable(): boolean | undefined {
    const b = this.bits;
    return (b & REACHABLE_KNOWN) === 0 ? undefined : (b & REACHABLE) !== 0;
  }
  set reachable(v: boolean | undefined) {
    const b = this.bits & ~(REACHABLE_KNOWN | REACHABLE);
    this.bits = v === undefined ? b : v ? b | REACHABLE_KNOWN | REACHABLE : b | REACHABLE_KNOWN;
  }

  get firstSeen(): number {
    return this.learnedAt;
  }
  get lastSeen(): number {
    return this.changedAt > 0 ? this.changedAt : this.learnedAt;
  }
  get attempts(): number {
    return this.dials;
  }
  get unproductive(): number {
    return this.failures + this.fruitless;
  }
  get lastActive(): number {
    if (this.dials === 0 && !this.ended) return -Infinity;
    return this.ended && this.endedAt > this.attemptedAt ? this.endedAt : this.attemptedAt;
  }
}

/**
 * Base of the policies that are just a rule over the standard history: the generic families and
 * definePolicy. The host-side bookkeeping (every field of PeerHistory) is done here; a policy
 * says when a peer may be dialled again (`eligibleAt`), optionally in what order (`rank`, default
 * least recently attempted) and how many per select (`perSelect`, default 9). Selection is
 * ScanPolicy's allocation-free best-k scan, and the host sleeps until BasePolicy's nextWake (the
 * earliest eligibleAt over peers not in use). A policy that keeps more per peer extends
 * HistoryRecord, overrides `make`, and updates its fields in `outcome`, called after the history
 * has counted each end.
 */
export abstract class HistoryPolicy<I extends HistoryRecord = HistoryRecord> extends ScanPolicy<I> {
  /** Makes a fresh record; override when `I` has fields of its own. */
  protected make(remote: number, source: Source, now: number): I {
    return new HistoryRecord(remote, source, now) as I;
  }

  /** Hook after each end of an attempt or connection (history already updated). */
  protected outcome(_info: I, _what: Outcome, _now: number): void {}

  /** Default order: least recently attempted first. */
  protected rank(info: I, _host: HostView): number {
    return this.leastRecent(info);
  }

  /** Least recently attempted first (never attempted before all). */
  protected leastRecent(info: I): number {
    return info.dials === 0 ? -1 : info.attemptedAt;
  }

  private end(info: I, now: number, what: Outcome): void {
    info.ended = true;
    info.endedAt = now;
    if (what === 'failure') info.failures++;
    else if (what === 'fruitless') info.fruitless++;
    else if (what === 'useful') info.failures = info.fruitless = 0;
    this.outcome(info, what, now);
  }

  override onConnectFailure(info: I, now: number, reason: ConnectFailure): void {
    super.onConnectFailure(info, now, reason);
    info.reachable = false;
    this.end(info, now, 'failure');
  }

  override onHandshakeFailure(info: I, now: number, outgoing: boolean, readAnything: boolean): void {
    super.onHandshakeFailure(info, now, outgoing, readAnything);
    if (outgoing) info.reachable = true;
    this.end(info, now, outgoing ? 'failure' : 'neutral');
  }

  override onHandshake(info: I, now: number, outgoing: boolean): void {
    super.onHandshake(info, now, outgoing);
    if (outgoing) info.reachable = true;
  }

  /** Keeps seed and upload-only as the remote last advertised them (learned() reads them: touch). */
  override onRemoteState(info: I, _now: number, state: RemoteState): void {
    const seed = state.via === 'bitfield' ? state.seed : state.via === 'have' || info.seed;
    const uploadOnly = state.uploadOnly || seed;
    if (seed === info.seed && uploadOnly === info.uploadOnly) return;
    info.seed = seed;
    info.uploadOnly = uploadOnly;
    this.touch(info);
  }

  override onClose(info: I, now: number, close: CloseInfo): void {
    super.onClose(info, now, close);
    info.closedAt = now;
    info.closedByUs = close.byUs;
    info.closeReason = close.reason;
    info.closeBytes = close.pieceBytes;
    this.end(info, now, closeOutcome(close.pieceBytes, close.reason));
  }
}
