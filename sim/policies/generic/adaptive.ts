import type { RandomStream } from '../../engine/random.js';
import { canonicalPolicyName } from '../naming.js';
import type { HostView, ParamSpec, PeerFlags, PolicyFactory, PolicyParams, ReconnectPolicy, RemoteState } from '../policy.js';
import { HistoryPolicy, HistoryRecord, type Outcome } from '../history.js';
import { Source } from '../source.js';

/**
 * `adaptive`: a learning policy (no upstream client). Design:
 *
 * **Belief.** Each peer carries a Beta(α, β) posterior of p = P(a connection to it is useful,
 * i.e. moves piece data), starting at the prior Beta(prior, prior). Outcomes add evidence:
 * a connection that moved piece data α += 1; a handshaked connection closed with zero piece
 * bytes β += 1; a connect or outgoing handshake failure β += `failure` (default 1). This side
 * leaving, duplicates and incoming handshake failures add nothing.
 *
 * **Forgetting.** Evidence decays exponentially toward the prior with half-life `halfLife`:
 * before each update, α ← prior + (α − prior)·2^(−Δt/halfLife) (same for β), Δt since the last
 * update. A peer that was useless an hour ago is therefore only half as suspect now; peers whose
 * state changed get rediscovered. A flag change resets the evidence to the prior at once: a PEX
 * (or LTEP) entry whose seed/upload-only flags differ from what the record holds, or a bitfield
 * whose seed status differs from the remembered one ("not a seed any more").
 *
 * **Waiting.** With E = α / (α + β) evaluated at the last outcome, the wait after the later of
 * the last dial and the last end is wait = min(cap, base × ((1 − E) / E)^shape): the prior
 * (odds 1) waits `base`, useful peers come back sooner, and the wait grows polynomially in the
 * odds against as fruitless evidence piles up (defaults, ignoring decay between events: 120,
 * 270, 480, 750 s after 1, 2, 3, 4 fruitless connections from a fresh prior; 7.5 s after one
 * useful connection). A peer never tried is eligible at once. While the
 * host is done, a peer remembered as seed or upload-only (from its bitfield/LTEP or PEX flags)
 * is taken to have E ≈ 0 and waits `cap` (it is still retried, in case the flag is stale).
 *
 * **Choosing.** Among eligible peers, select() draws θ ~ Beta(α, β) (decayed to now) for each
 * from `host.rng` and dials the highest θ first (Thompson sampling), up to 9 per select: dials
 * go where data is likely, while uncertain peers still get explored.
 */
export const ADAPTIVE_PARAMS: readonly ParamSpec[] = [
  { name: 'prior', kind: 'number', default: 1, min: 0.1, description: 'Beta prior pseudo-counts (α = β = prior)' },
  { name: 'halfLife', kind: 'number', default: 3600, min: 1, description: 'seconds for evidence to decay halfway to the prior' },
  { name: 'base', kind: 'number', default: 30, min: 0, description: 'wait (s) at prior odds' },
  { name: 'shape', kind: 'number', default: 2, min: 0, description: 'exponent on the odds against usefulness' },
  { name: 'cap', kind: 'number', default: 3600, min: 0, description: 'longest wait (s)' },
  { name: 'failure', kind: 'number', default: 1, min: 0, description: 'evidence against per connect or handshake failure' },
];

export class AdaptiveInfo extends HistoryRecord {
  alpha = 1;
  beta = 1;
  /** Time the evidence was last decayed/updated. */
  updatedAt = 0;
  /** Wait fixed at the last outcome. */
  wait = 0;
  /** Seed/upload-only status has been learned (from PEX flags or a bitfield/LTEP message). */
  stateKnown = false;
}

/** Gamma(shape, 1) by Marsaglia–Tsang (shape < 1 boosted by U^(1/shape)). */
export function sampleGamma(rng: RandomStream, shape: number): number {
  if (shape < 1) return sampleGamma(rng, shape + 1) * Math.pow(1 - rng.uniform(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.uniform();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

export function sampleBeta(rng: RandomStream, a: number, b: number): number {
  const x = sampleGamma(rng, a);
  const y = sampleGamma(rng, b);
  return x / (x + y);
}

export class AdaptivePolicy extends HistoryPolicy<AdaptiveInfo> {
  constructor(
    readonly name: string,
    readonly prior: number,
    readonly halfLife: number,
    readonly base: number,
    readonly shape: number,
    readonly cap: number,
    readonly failure: number,
  ) {
    super();
  }

  protected override make(remote: number, source: Source, now: number): AdaptiveInfo {
    const i = new AdaptiveInfo(remote, source, now);
    i.alpha = this.prior;
    i.beta = this.prior;
    i.updatedAt = now;
    return i;
  }

  /** Decays the evidence to `now` in place. */
  private decay(info: AdaptiveInfo, now: number): void {
    const dt = now - info.updatedAt;
    if (dt > 0) {
      const k = Math.pow(2, -dt / this.halfLife);
      info.alpha = this.prior + (info.alpha - this.prior) * k;
      info.beta = this.prior + (info.beta - this.prior) * k;
      info.updatedAt = now;
    }
  }

  private reset(info: AdaptiveInfo, now: number): void {
    info.alpha = this.prior;
    info.beta = this.prior;
    info.updatedAt = now;
    info.wait = this.waitFor(0.5);
  }

  /** Expected usefulness at the last update. */
  expected(info: AdaptiveInfo): number {
    return info.alpha / (info.alpha + info.beta);
  }

  waitFor(e: number): number {
    if (e <= 0) return this.cap;
    const w = this.base * Math.pow((1 - e) / e, this.shape);
    return w < this.cap ? w : this.cap;
  }

  protected override learned(info: AdaptiveInfo, source: Source, flags: PeerFlags, now: number, isNew: boolean): boolean {
    let changed = false;
    if (flags.connectable === true && info.connectable !== true) {
      info.connectable = true;
      changed = true;
    }
    if (source !== Source.Pex && source !== Source.Ltep) return changed;
    const seed = flags.seed === true;
    const uploadOnly = flags.uploadOnly === true || seed;
    if (info.stateKnown && seed === info.seed && uploadOnly === info.uploadOnly) return changed;
    if (!isNew && info.stateKnown) this.reset(info, now);
    info.seed = seed;
    info.uploadOnly = uploadOnly;
    info.stateKnown = true;
    return true;
  }

  override onRemoteState(info: AdaptiveInfo, now: number, state: RemoteState): void {
    this.touch(info);
    if (state.via === 'bitfield') {
      if (info.stateKnown && state.seed !== info.seed) this.reset(info, now);
      info.seed = state.seed;
      if (!state.seed) info.uploadOnly = state.uploadOnly;
    } else {
      info.uploadOnly = state.uploadOnly;
    }
    info.stateKnown = true;
  }

  protected override outcome(info: AdaptiveInfo, what: Outcome, now: number): void {
    if (what === 'neutral') return;
    this.decay(info, now);
    if (what === 'useful') info.alpha += 1;
    else if (what === 'fruitless') info.beta += 1;
    else info.beta += this.failure;
    info.wait = this.waitFor(this.expected(info));
  }

  eligibleAt(info: AdaptiveInfo, host: HostView): number {
    if (info.banned) return Infinity;
    const a = info.lastActive;
    if (a === -Infinity) return info.learnedAt;
    if (host.done && (info.seed || info.uploadOnly)) return a + this.cap;
    return a + info.wait;
  }

  /** Thompson sampling: higher θ first, so the rank is −θ. */
  protected override rank(info: AdaptiveInfo, host: HostView): number {
    const dt = host.now - info.updatedAt;
    let a = info.alpha;
    let b = info.beta;
    if (dt > 0) {
      const k = Math.pow(2, -dt / this.halfLife);
      a = this.prior + (a - this.prior) * k;
      b = this.prior + (b - this.prior) * k;
    }
    return -sampleBeta(host.rng, a, b);
  }
}

export const adaptive: PolicyFactory = {
  name: 'adaptive',
  description: 'Learning: per-peer Beta posterior of usefulness with decay, Thompson-sampled order, waits growing with the odds against',
  params: ADAPTIVE_PARAMS,
  create(params: PolicyParams): ReconnectPolicy {
    return new AdaptivePolicy(
      canonicalPolicyName(adaptive, params),
      Number(params.prior ?? 1),
      Number(params.halfLife ?? 3600),
      Number(params.base ?? 30),
      Number(params.shape ?? 2),
      Number(params.cap ?? 3600),
      Number(params.failure ?? 1),
    );
  },
};
