import { HistoryPolicy, type HistoryRecord, type Outcome } from '../history.js';
import { canonicalPolicyName } from '../naming.js';
import type { ParamSpec, PolicyFactory, PolicyParams, ReconnectPolicy } from '../policy.js';

/**
 * `max-failures`: a generic family (cf. peer-wire-swarm PR #14, "stop after 3 failures";
 * libtorrent's max_failcount without the decrement). n = consecutive unproductive outcomes
 * (connect or outgoing handshake failure, or a handshaked connection closed with zero piece
 * bytes: the history's `unproductive`); piece data resets n to 0. After an unproductive outcome
 * the peer waits `interval` seconds; after a useful one it is eligible at once. When n reaches
 * `max`, the record is **forgotten** (removed, not just excluded): a later tracker, PEX or DHT
 * listing, or an incoming connection, re-creates it with n = 0. Up to 9 per select, fewest
 * failures first, then least recently attempted.
 */
export const MAX_FAILURES_PARAMS: readonly ParamSpec[] = [
  { name: 'max', kind: 'integer', default: 3, min: 1, description: 'unproductive attempts in a row before the peer is forgotten' },
  { name: 'interval', kind: 'number', default: 60, min: 0, description: 'seconds to wait after an unproductive attempt' },
];

export class MaxFailuresPolicy extends HistoryPolicy {
  constructor(
    readonly name: string,
    readonly max: number,
    readonly interval: number,
  ) {
    super();
  }

  protected override outcome(peer: HistoryRecord, what: Outcome): void {
    if (what !== 'neutral' && peer.unproductive >= this.max && peer.conns === 0) this.forget(peer);
  }

  eligibleAt(peer: HistoryRecord): number {
    const n = peer.unproductive;
    if (peer.banned || n >= this.max) return Infinity;
    const last = peer.lastActive;
    if (last === -Infinity) return peer.firstSeen;
    return n === 0 ? last : last + this.interval;
  }

  protected override rank(peer: HistoryRecord): number {
    return peer.unproductive * 2 ** 36 + this.leastRecent(peer);
  }
}

export const maxFailures: PolicyFactory = {
  name: 'max-failures',
  description: 'Generic: fixed wait after an unproductive attempt; forget the peer after max in a row',
  params: MAX_FAILURES_PARAMS,
  create(params: PolicyParams): ReconnectPolicy {
    return new MaxFailuresPolicy(canonicalPolicyName(maxFailures, params), Number(params.max ?? 3), Number(params.interval ?? 60));
  },
};
