import type { HostView, PolicyFactory, ReconnectPolicy } from '../policy.js';
import { ScanInfo, ScanPolicy } from '../scan-policy.js';
import type { Source } from '../source.js';

/**
 * `naive`: no memory at all (a baseline, not an upstream client). Any known peer that is not in
 * use and not banned is eligible at once (eligibleAt = its learn time); each select takes up to
 * 9 (Transmission's per-pulse rate, so that comparisons are about memory, not rate) in
 * least-recently-attempted order (never attempted first, then the oldest attempt; ties by remote
 * id). A peer that closes is re-dialled on the next select.
 */
export class NaivePolicy extends ScanPolicy<ScanInfo> {
  readonly name = 'naive';

  protected make(remote: number, source: Source, now: number): ScanInfo {
    return new ScanInfo(remote, source, now);
  }

  eligibleAt(info: ScanInfo, _host: HostView): number {
    return info.banned ? Infinity : info.learnedAt;
  }

  protected rank(info: ScanInfo): number {
    return info.dials === 0 ? -1 : info.attemptedAt;
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
