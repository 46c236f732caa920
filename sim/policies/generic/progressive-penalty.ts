import { canonicalPolicyName } from '../naming.js';
import type { HostView, ParamSpec, PolicyFactory, PolicyParams, ReconnectPolicy } from '../policy.js';
import { HistoryPolicy, HistoryRecord, type Outcome } from '../history.js';
import type { Source } from '../source.js';

/**
 * `progressive-penalty`: a generic family after tearfur's suggestion in Transmission #6910
 * ("keep such peers but deprioritise them further after each connection without piece data").
 * Each peer carries a penalty p ≥ 0:
 *
 *   handshaked connection closed with zero piece bytes   p ← p + 1
 *   connect failure or outgoing handshake failure         p ← p + failure
 *   connection that moved piece data closes               p ← max(0, p − relief)
 *   this side left / duplicate / incoming handshake fail  unchanged
 *
 * The penalty both delays and deprioritises: the wait after the last dial or end is
 * wait(p) = 0 for p ≤ 0, else min(cap, base × growth^(p − 1)) (so with the defaults 10, 30, 90,
 * 270, 810, 2430, 7200 s for p = 1…7), and among eligible peers lower p goes first, then the
 * least recently attempted. Up to 9 per select.
 */
export const PROGRESSIVE_PENALTY_PARAMS: readonly ParamSpec[] = [
  { name: 'base', kind: 'number', default: 10, min: 0, description: 'wait (s) at penalty 1' },
  { name: 'growth', kind: 'number', default: 3, min: 1, description: 'wait multiplier per penalty point' },
  { name: 'cap', kind: 'number', default: 7200, min: 0, description: 'longest wait (s)' },
  { name: 'relief', kind: 'number', default: 2, min: 0, description: 'penalty removed by a connection that moved piece data' },
  { name: 'failure', kind: 'number', default: 1, min: 0, description: 'penalty added by a connect or handshake failure' },
];

export class PenaltyInfo extends HistoryRecord {
  penalty = 0;
  /** waitFor(penalty), cached at each outcome. */
  wait = 0;
}

export class ProgressivePenaltyPolicy extends HistoryPolicy<PenaltyInfo> {
  constructor(
    readonly name: string,
    readonly base: number,
    readonly growth: number,
    readonly cap: number,
    readonly relief: number,
    readonly failure: number,
  ) {
    super();
  }

  protected override make(remote: number, source: Source, now: number): PenaltyInfo {
    return new PenaltyInfo(remote, source, now);
  }

  waitFor(p: number): number {
    if (p <= 0) return 0;
    const w = this.base * Math.pow(this.growth, p - 1);
    return w < this.cap ? w : this.cap;
  }

  protected override outcome(info: PenaltyInfo, what: Outcome): void {
    switch (what) {
      case 'fruitless':
        info.penalty += 1;
        break;
      case 'failure':
        info.penalty += this.failure;
        break;
      case 'useful':
        info.penalty = info.penalty > this.relief ? info.penalty - this.relief : 0;
        break;
      case 'neutral':
        break;
    }
    info.wait = this.waitFor(info.penalty);
  }

  eligibleAt(info: PenaltyInfo, _host: HostView): number {
    if (info.banned) return Infinity;
    const a = info.lastActive;
    return a === -Infinity ? info.learnedAt : a + info.wait;
  }

  protected override rank(info: PenaltyInfo): number {
    return info.penalty * 2 ** 36 + this.leastRecent(info);
  }
}

export const progressivePenalty: PolicyFactory = {
  name: 'progressive-penalty',
  description: 'Generic: each fruitless connection raises a penalty that delays and deprioritises the peer; data lowers it',
  params: PROGRESSIVE_PENALTY_PARAMS,
  create(params: PolicyParams): ReconnectPolicy {
    return new ProgressivePenaltyPolicy(
      canonicalPolicyName(progressivePenalty, params),
      Number(params.base ?? 10),
      Number(params.growth ?? 3),
      Number(params.cap ?? 7200),
      Number(params.relief ?? 2),
      Number(params.failure ?? 1),
    );
  },
};
