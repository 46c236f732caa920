import { HistoryPolicy, type HistoryRecord } from '../history.js';
import type { PolicyFactory, ReconnectPolicy } from '../policy.js';

/**
 * `naive`: no memory at all (a baseline, not an upstream client). Any known peer that is not in
 * use and not banned is eligible at once (eligibleAt = its learn time); each select takes up to
 * 9 (Transmission's per-pulse rate, so that comparisons are about memory, not rate) in
 * least-recently-attempted order (never attempted first, then the oldest attempt; ties by remote
 * id). A peer that closes is re-dialled on the next select.
 */
export class NaivePolicy extends HistoryPolicy {
  readonly name = 'naive';

  eligibleAt(peer: HistoryRecord): number {
    return peer.banned ? Infinity : peer.firstSeen;
  }
}

export const naive: PolicyFactory = {
  name: 'naive',
  description: 'No memory: re-dial any known peer as soon as it is free, 9 per select, least recently tried first',
  params: [],
  create(): ReconnectPolicy {
    return new NaivePolicy();
  },
};
