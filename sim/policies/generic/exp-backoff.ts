import { HistoryPolicy, HistoryRecord, type Outcome } from '../history.js';
import { canonicalPolicyName } from '../naming.js';
import type { HostView, ParamSpec, PolicyFactory, PolicyParams, ReconnectPolicy } from '../policy.js';
import type { Source } from '../source.js';

/**
 * `exp-backoff`: a generic family (no upstream client; cf. bittorrent-tracker PR #123,
 * monotorrent #680/#690). n = consecutive unproductive outcomes (connect or outgoing handshake
 * failure, or a handshaked connection closed with zero piece bytes: the history's
 * `unproductive`); a connection that moved piece data resets n to 0; this side leaving changes
 * nothing. The wait after the n-th, counted from the later of the last dial and the end of that
 * attempt, is
 *
 *   nominal w(n) = 0 for n = 0, else min(cap, base × factor^(n−1))
 *   jitter=none          wait = w(n)
 *   jitter=full          wait = U(0, w(n))                          (AWS "full jitter")
 *   jitter=decorrelated  wait = min(cap, U(base, factor × previous)), previous starting at base
 *
 * Random draws come from `host.rng`, made lazily at the first eligibleAt/select/nextWake after
 * the outcome (events carry no host), so the wait is fixed until the next outcome. Up to 9 per
 * select, fewest failures first, then least recently attempted.
 */
export const EXP_BACKOFF_PARAMS: readonly ParamSpec[] = [
  { name: 'base', kind: 'number', default: 10, min: 0, description: 'seconds of the first wait' },
  { name: 'factor', kind: 'number', default: 2, min: 1, description: 'growth per unproductive outcome' },
  { name: 'cap', kind: 'number', default: 3600, min: 0, description: 'longest wait (s)' },
  { name: 'jitter', kind: 'enum', default: 'none', values: ['none', 'full', 'decorrelated'], description: 'randomisation of each wait' },
];

export type Jitter = 'none' | 'full' | 'decorrelated';

export class BackoffInfo extends HistoryRecord {
  wait = 0;
  /** The previous (decorrelated) wait. */
  prev = 0;
  /** A wait still to be drawn from host.rng. */
  pending = false;
}

export class ExpBackoffPolicy extends HistoryPolicy<BackoffInfo> {
  constructor(
    readonly name: string,
    readonly base: number,
    readonly factor: number,
    readonly cap: number,
    readonly jitter: Jitter,
  ) {
    super();
  }

  protected override make(remote: number, source: Source, now: number): BackoffInfo {
    const i = new BackoffInfo(remote, source, now);
    i.prev = this.base;
    return i;
  }

  nominal(n: number): number {
    if (n <= 0) return 0;
    const w = this.base * Math.pow(this.factor, n - 1);
    return w < this.cap ? w : this.cap;
  }

  protected override outcome(peer: BackoffInfo, what: Outcome): void {
    if (what === 'neutral') return;
    if (what === 'useful') {
      peer.wait = 0;
      peer.prev = this.base;
      peer.pending = false;
    } else if (this.jitter === 'none') peer.wait = this.nominal(peer.unproductive);
    else peer.pending = true;
  }

  private waitOf(peer: BackoffInfo, host: HostView): number {
    if (peer.pending) {
      peer.pending = false;
      const u = host.rng.uniform();
      if (this.jitter === 'full') {
        peer.wait = u * this.nominal(peer.unproductive);
      } else {
        const hi = Math.max(this.base, this.factor * peer.prev);
        const w = this.base + u * (hi - this.base);
        peer.wait = w < this.cap ? w : this.cap;
        peer.prev = peer.wait;
      }
    }
    return peer.wait;
  }

  eligibleAt(peer: BackoffInfo, host: HostView): number {
    if (peer.banned) return Infinity;
    const last = peer.lastActive;
    return last === -Infinity ? peer.firstSeen : last + this.waitOf(peer, host);
  }

  protected override rank(peer: BackoffInfo): number {
    return peer.unproductive * 2 ** 36 + this.leastRecent(peer);
  }
}

export const expBackoff: PolicyFactory = {
  name: 'exp-backoff',
  description: 'Generic: exponential backoff per unproductive attempt (base, factor, cap), optional jitter',
  params: EXP_BACKOFF_PARAMS,
  create(params: PolicyParams): ReconnectPolicy {
    return new ExpBackoffPolicy(
      canonicalPolicyName(expBackoff, params),
      Number(params.base ?? 10),
      Number(params.factor ?? 2),
      Number(params.cap ?? 3600),
      String(params.jitter ?? 'none') as Jitter,
    );
  },
};
