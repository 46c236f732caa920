import { HistoryPolicy, type HistoryRecord, type PeerHistory } from './history.js';
import { canonicalPolicyName } from './naming.js';
import type { HostView, ParamSpec, PolicyFactory, PolicyParams, ReconnectPolicy } from './policy.js';
import { GENERIC_PER_SELECT } from './scan-policy.js';

/**
 * A parameter as definePolicy takes it: its default alone (`base: 20`), or the default with its
 * spec (`base: { default: 20, min: 0, description: 'first wait (s)' }`). A string default is an
 * enum (give `values`); a whole-number parameter says `kind: 'integer'`.
 */
export type ParamDecl = number | boolean | { default: number | boolean | string } & Partial<Omit<ParamSpec, 'name' | 'default'>>;

export type ParamDecls = Record<string, ParamDecl>;

/** The parameter values a rule receives, typed from the declarations. */
export type ParamValues<D extends ParamDecls> = {
  readonly [K in keyof D]: D[K] extends number ? number : D[K] extends boolean ? boolean : D[K] extends { default: infer V } ? Widen<V> : never;
};
type Widen<V> = V extends number ? number : V extends boolean ? boolean : string;

/** A reconnect policy said as its rule over the standard history (see definePolicy). */
export interface PolicyRule<D extends ParamDecls = ParamDecls> {
  /** Registered name: the policy column of the CSVs (parameters that differ from their defaults are appended). */
  name: string;
  /** One line for `swarmsim list policies` and reports. */
  description?: string;
  params?: D;
  /**
   * When the peer may be dialled again (s); Infinity = never. Never earlier than when it was
   * first seen, so `peer.lastActive + wait` (−∞ for a peer never tried) means "at once" for a
   * new peer. Banned peers are never dialled whatever it says.
   */
  eligibleAt(peer: PeerHistory, host: HostView, params: ParamValues<D>): number;
  /** Order among the eligible peers, lower first, ties by remote id. Default: least recently attempted first. */
  rank?(peer: PeerHistory, host: HostView, params: ParamValues<D>): number;
  /** Dials at most per pulse (default 9, Transmission's rate). */
  perPulse?: number | ((params: ParamValues<D>) => number);
}

/**
 * A policy from its rule. The host keeps the history (PeerHistory) of every known peer, scans
 * the peers that are free on each pulse for the best `perPulse` eligible ones by `rank` (no
 * allocation per call), and sleeps until the earliest `eligibleAt` between useful pulses:
 *
 *   export default definePolicy({
 *     name: 'patient',
 *     params: { wait: 60 },
 *     eligibleAt: (peer, host, { wait }) => peer.lastActive + wait * (1 + peer.fruitless),
 *   });
 */
export function definePolicy<const D extends ParamDecls = Record<never, never>>(rule: PolicyRule<D>): PolicyFactory {
  if (typeof rule !== 'object' || rule === null) throw new TypeError('definePolicy: expected { name, eligibleAt, … }');
  if (typeof rule.name !== 'string' || rule.name === '') throw new TypeError("definePolicy: 'name' must be a non-empty string");
  if (typeof rule.eligibleAt !== 'function') throw new TypeError(`definePolicy ${rule.name}: 'eligibleAt' must be a function`);
  if (rule.rank !== undefined && typeof rule.rank !== 'function') throw new TypeError(`definePolicy ${rule.name}: 'rank' must be a function`);
  const factory: PolicyFactory = {
    name: rule.name,
    description: rule.description ?? `${rule.name} (definePolicy)`,
    params: paramSpecs(rule.params ?? {}),
    create(params: PolicyParams): ReconnectPolicy {
      const values = Object.freeze({ ...params }) as ParamValues<D>;
      const per = typeof rule.perPulse === 'function' ? rule.perPulse(values) : (rule.perPulse ?? GENERIC_PER_SELECT);
      if (!(Number.isInteger(per) && per >= 1)) throw new RangeError(`policy ${rule.name}: perPulse is ${per}, expected a whole number ≥ 1`);
      return new RulePolicy(canonicalPolicyName(factory, params), rule, values, per);
    },
  };
  return factory;
}

function paramSpecs(decls: ParamDecls): ParamSpec[] {
  return Object.entries(decls).map(([name, d]): ParamSpec => {
    const spec = typeof d === 'object' ? d : { default: d };
    const v = spec.default;
    const kind = spec.kind ?? (typeof v === 'boolean' ? 'boolean' : typeof v === 'string' ? 'enum' : 'number');
    const out: ParamSpec = { name, kind, default: v, description: spec.description ?? name };
    if (spec.values !== undefined) out.values = spec.values;
    if (spec.min !== undefined) out.min = spec.min;
    if (spec.max !== undefined) out.max = spec.max;
    return out;
  });
}

/** The policy definePolicy makes: HistoryPolicy with the rule's answers. */
class RulePolicy<D extends ParamDecls> extends HistoryPolicy {
  constructor(
    readonly name: string,
    private readonly rule: PolicyRule<D>,
    private readonly params: ParamValues<D>,
    perSelect: number,
  ) {
    super(perSelect);
    this.ruleRank = rule.rank?.bind(rule);
  }

  /** The rule's order, looked up once (rank runs for every candidate on every select). */
  private readonly ruleRank: PolicyRule<D>['rank'];

  eligibleAt(peer: HistoryRecord, host: HostView): number {
    if (peer.banned) return Infinity;
    const t = this.rule.eligibleAt(peer, host, this.params);
    const first = peer.firstSeen;
    return t < first ? first : t;
  }

  protected override rank(peer: HistoryRecord, host: HostView): number {
    return this.ruleRank === undefined ? this.leastRecent(peer) : this.ruleRank(peer, host, this.params);
  }
}
