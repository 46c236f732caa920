import { canonicalPolicyName } from '../naming.js';
import type { HostView, ParamSpec, PolicyFactory, PolicyParams, ReconnectPolicy } from '../policy.js';
import { OutcomeInfo, OutcomePolicy, type Outcome } from '../scan-policy.js';
import type { Source } from '../source.js';

/**
 * `max-failures`: a generic family (cf. peer-wire-swarm PR #14, "stop after 3 failures";
 * libtorrent's max_failcount without the decrement). n = consecutive unproductive outcomes
 * (connect or outgoing handshake failure, or a handshaked connection closed with zero piece
 * bytes); piece data resets n to 0. After an unproductive outcome the peer waits `interval`
 * seconds; after a useful one it is eligible at once. When n reaches `max`, the record is
 * **forgotten** (removed, not just excluded): a later tracker, PEX or DHT listing, or an incoming
 * connection, re-creates it with n = 0. Up to 9 per select, fewest failures first, then least
 * recently attempted.
 */
export const MAX_FAILURES_PARAMS: readonly ParamSpec[] = [
  { name: 'max', kind: 'integer', default: 3, min: 1, description: 'unproductive attempts in a row before the peer is forgotten' },
  { name: 'interval', kind: 'number', default: 60, min: 0, description: 'seconds to wait after an unproductive attempt' },
];

export class FailInfo extends OutcomeInfo {
  failures = 0;
}

export class MaxFailuresPolicy extends OutcomePolicy<FailInfo> {
  constructor(
    readonly name: string,
    readonly max: number,
    readonly interval: number,
  ) {
    super();
  }

  protected make(remote: number, source: Source, now: number): FailInfo {
    return new FailInfo(remote, source, now);
  }

  protected outcome(info: FailInfo, what: Outcome): void {
    if (what === 'neutral') return;
    if (what === 'useful') {
      info.failures = 0;
      return;
    }
    info.failures++;
    if (info.failures >= this.max && info.conns === 0) this.forget(info);
  }

  eligibleAt(info: FailInfo, _host: HostView): number {
    if (info.banned || info.failures >= this.max) return Infinity;
    const a = this.anchor(info);
    if (a === -Infinity) return info.learnedAt;
    return info.failures === 0 ? a : a + this.interval;
  }

  protected rank(info: FailInfo): number {
    return info.failures * 2 ** 36 + this.leastRecent(info);
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
