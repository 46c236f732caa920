import { BasePolicy, TrackedInfo } from './base.js';
import { TopK } from './storage/top-k.js';
import type { CloseInfo, ConnectFailure, HostView } from './policy.js';

/** Dials per select for the generic families and `naive`: Transmission's 9 per pulse. */
export const GENERIC_PER_SELECT = 9;

/** The record of the scanning policies: TrackedInfo plus the dial count they rank by. */
export class ScanInfo extends TrackedInfo {
  /** Outgoing attempts started. */
  dials = 0;
}

/**
 * Base of the generic families: each select scans every record once, keeps the best
 * min(perSelect, budget) eligible ones (eligibleAt ≤ now, not in use, not banned) by
 * (rank, remote id) in a reused best-k buffer, and returns them best first. O(known peers) per
 * select, no allocation; the host sleeps until nextWake() between useful selects.
 */
export abstract class ScanPolicy<I extends ScanInfo> extends BasePolicy<I> {
  private readonly best: TopK;

  constructor(readonly perSelect = GENERIC_PER_SELECT) {
    super();
    this.best = new TopK(perSelect);
  }

  /** Order among eligible peers, lower first (ties: lower remote id). */
  protected abstract rank(info: I, host: HostView): number;

  select(host: HostView, budget: number, out: Int32Array): number {
    if (budget <= 0) return 0;
    const best = this.best;
    best.clear();
    const limit = budget < this.perSelect ? budget : this.perSelect;
    const now = host.now;
    const recs = this.records;
    for (let i = 0; i < recs.length; i++) {
      const r = recs[i] as I;
      if (r.conns > 0 || r.banned) continue;
      if (this.eligibleAt(r, host) > now) continue;
      const key = this.rank(r, host);
      if (best.length >= limit) {
        // Compare against the limit-th entry, not the buffer's last slot.
        const k = best.keys[limit - 1] as number;
        if (key > k || (key === k && r.remote >= (best.ties[limit - 1] as number))) continue;
      }
      best.push(key, r.remote, i);
    }
    const n = best.length < limit ? best.length : limit;
    for (let i = 0; i < n; i++) out[i] = (recs[best.items[i] as number] as I).remote;
    best.clear();
    return n;
  }

  override onDial(info: I, now: number): void {
    super.onDial(info, now);
    info.dials++;
  }
}

/** How an attempt or connection ended, as the generic families see it. */
export type Outcome =
  /** TCP connect failed (refused or timed out) or our outgoing handshake failed. */
  | 'failure'
  /** A handshaked connection closed with zero piece bytes (not because this side left). */
  | 'fruitless'
  /** A connection that moved piece data closed. */
  | 'useful'
  /** Nothing learned about the peer: this side left or stopped, a duplicate, an incoming handshake failure. */
  | 'neutral';

/** Classifies a close for the generic families. */
export function closeOutcome(pieceBytes: number, reason: string): Outcome {
  if (pieceBytes > 0) return 'useful';
  if (reason === 'local_left' || reason === 'duplicate') return 'neutral';
  return 'fruitless';
}

export class OutcomeInfo extends ScanInfo {
  /** When the last attempt or connection ended (s); 0 with `ended` false = never. */
  endedAt = 0;
  ended = false;
}

/**
 * Base of the generic families: every attempt or connection end is reduced to an Outcome and
 * handed to `outcome()`; waits count from the later of the last dial and the last end
 * (`anchor`). Times are kept exactly (no whole-second rounding).
 */
export abstract class OutcomePolicy<I extends OutcomeInfo> extends ScanPolicy<I> {
  protected abstract outcome(info: I, what: Outcome, now: number): void;

  /** Later of the last dial start and the last end; -Infinity if never dialled nor ended. */
  protected anchor(info: I): number {
    if (info.dials === 0 && !info.ended) return -Infinity;
    return info.ended && info.endedAt > info.attemptedAt ? info.endedAt : info.attemptedAt;
  }

  private ended(info: I, now: number): void {
    info.ended = true;
    info.endedAt = now;
  }

  override onConnectFailure(info: I, now: number, reason: ConnectFailure): void {
    super.onConnectFailure(info, now, reason);
    this.ended(info, now);
    this.outcome(info, 'failure', now);
  }

  override onHandshakeFailure(info: I, now: number, outgoing: boolean, readAnything: boolean): void {
    super.onHandshakeFailure(info, now, outgoing, readAnything);
    this.ended(info, now);
    this.outcome(info, outgoing ? 'failure' : 'neutral', now);
  }

  override onClose(info: I, now: number, close: CloseInfo): void {
    super.onClose(info, now, close);
    this.ended(info, now);
    this.outcome(info, closeOutcome(close.pieceBytes, close.reason), now);
  }

  /** Least recently attempted first (never attempted before all). */
  protected leastRecent(info: I): number {
    return info.dials === 0 ? -1 : info.attemptedAt;
  }
}

/**
 * Base of the client mirrors whose pool is a list of listings (WebTorrent's queue, rTorrent's
 * available list, aria2's unused peers): what a new listing does depends on whether the peer is
 * in use, so every connection event touches the record (the no-op learn memo stays exact), and
 * each end of an attempt or connection goes to `ended`.
 */
export abstract class ListingPolicy<I extends ScanInfo> extends ScanPolicy<I> {
  /** An attempt or connection with the peer ended; `dialled`: this client started it; `close`: null for a failure before the handshake. */
  protected abstract ended(info: I, now: number, dialled: boolean, close: CloseInfo | null): void;

  override onIncoming(info: I, now: number): void {
    super.onIncoming(info, now);
    this.touch(info);
  }

  override onDial(info: I, now: number): void {
    super.onDial(info, now);
    this.touch(info);
  }

  override onConnectFailure(info: I, now: number, reason: ConnectFailure): void {
    super.onConnectFailure(info, now, reason);
    this.ended(info, now, true, null);
    this.touch(info);
  }

  override onHandshakeFailure(info: I, now: number, outgoing: boolean, readAnything: boolean): void {
    super.onHandshakeFailure(info, now, outgoing, readAnything);
    this.ended(info, now, outgoing, null);
    this.touch(info);
  }

  override onClose(info: I, now: number, close: CloseInfo): void {
    super.onClose(info, now, close);
    this.ended(info, now, close.outgoing, close);
    this.touch(info);
  }
}
