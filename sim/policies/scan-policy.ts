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
