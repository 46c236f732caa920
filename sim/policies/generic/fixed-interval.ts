import { HistoryPolicy, type HistoryRecord } from '../history.js';
import { canonicalPolicyName } from '../naming.js';
import type { ParamSpec, PolicyFactory, PolicyParams, ReconnectPolicy } from '../policy.js';

/**
 * `fixed-interval`: a generic family (no upstream client). A peer may be dialled again
 * `interval` seconds after the later of its last dial and the last end of an attempt or
 * connection, whatever the outcome; a peer never tried is eligible at once. Up to 9 per select,
 * least recently attempted first. With `interval=0` this is `naive`.
 */
export const FIXED_INTERVAL_PARAMS: readonly ParamSpec[] = [
  { name: 'interval', kind: 'number', default: 60, min: 0, description: 'seconds between the end of one attempt and the next dial' },
];

export class FixedIntervalPolicy extends HistoryPolicy {
  constructor(
    readonly name: string,
    readonly interval: number,
  ) {
    super();
  }

  eligibleAt(peer: HistoryRecord): number {
    if (peer.banned) return Infinity;
    const last = peer.lastActive;
    return last === -Infinity ? peer.firstSeen : last + this.interval;
  }
}

export const fixedInterval: PolicyFactory = {
  name: 'fixed-interval',
  description: 'Generic: re-dial a peer a fixed interval after its last attempt ended, whatever happened',
  params: FIXED_INTERVAL_PARAMS,
  create(params: PolicyParams): ReconnectPolicy {
    return new FixedIntervalPolicy(canonicalPolicyName(fixedInterval, params), Number(params.interval ?? 60));
  },
};
