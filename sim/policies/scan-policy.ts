import { BasePolicy, TopK, type TrackedInfo } from './base.js';
import type { HostView } from './policy.js';

/** Dials per select for the generic families and `naive`: Transmission's 9 per pulse. */
export const GENERIC_PER_SELECT = 9;

/**
 * Base of the generic families: each select scans every record once, keeps the best
 * min(perSelect, budget) eligible ones (eligibleAt ≤ now, not in use, not banned) by
 * (rank, remote id) in a reused best-k buffer, and returns them best first. O(known peers) per
 * select, no allocation; the host sleeps until nextWake() between useful selects.
 */
export abstract class ScanPolicy<I extends TrackedInfo> extends BasePolicy<I> {
  private readonly best: TopK<I>;

  constructor(readonly perSelect = GENERIC_PER_SELECT) {
    super();
    this.best = new TopK<I>(perSelect);
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
      best.push(key, r.remote, r);
    }
    const n = best.length < limit ? best.length : limit;
    for (let i = 0; i < n; i++) out[i] = (best.items[i] as I).remote;
    best.clear();
    return n;
  }
}
