import { InputError } from '../input-error.js';
import { adaptive } from './generic/adaptive.js';
import { expBackoff } from './generic/exp-backoff.js';
import { fixedInterval } from './generic/fixed-interval.js';
import { anacrolixTorrent } from './clients/anacrolix-torrent.js';
import { biglybt } from './clients/biglybt.js';
import { libtorrent1212 } from './clients/libtorrent-1.2.12.js';
import { libtorrent20 } from './clients/libtorrent-2.0.js';
import { libtorrent21 } from './clients/libtorrent-2.1.js';
import { maxFailures } from './generic/max-failures.js';
import { naive } from './generic/naive.js';
import { progressivePenalty } from './generic/progressive-penalty.js';
import { rqbit } from './clients/rqbit.js';
import type { ParamSpec, PolicyFactory, PolicyParams } from './policy.js';
import { aria2136 } from './clients/aria2-1.36.js';
import { qbittorrent45 } from './clients/qbittorrent-4.5.js';
import { rtorrent09 } from './clients/rtorrent-0.9.js';
import { transmission30 } from './clients/transmission-3.0.js';
import { transmission40 } from './clients/transmission-4.0.js';
import { webtorrent } from './clients/webtorrent.js';
import { transmission41 } from './clients/transmission-4.1.js';
import { transmissionMain2023 } from './clients/transmission-main-2023.js';

/**
 * A bad policy spec (`--policy`, scenario `policy:` fields): unknown name, unknown parameter,
 * bad value. An InputError, so the CLI prints the message alone and exits with status 2.
 */
export class PolicySpecError extends InputError {
  override readonly name: string = 'PolicySpecError';
}

/** Built-in policies in `swarmsim list policies` order. A new policy is one line here. */
const BUILT_IN: PolicyFactory[] = [
  transmission40,
  transmissionMain2023,
  transmission41,
  libtorrent20,
  libtorrent21,
  libtorrent1212,
  biglybt,
  rqbit,
  anacrolixTorrent,
  transmission30,
  qbittorrent45,
  webtorrent,
  rtorrent09,
  aria2136,
  naive,
  fixedInterval,
  expBackoff,
  maxFailures,
  progressivePenalty,
  adaptive,
];

const BY_NAME = new Map<string, PolicyFactory>();
for (const f of BUILT_IN) BY_NAME.set(f.name, f);

export function listPolicies(): PolicyFactory[] {
  return BUILT_IN.slice();
}

export function policyNames(): string[] {
  return BUILT_IN.map((f) => f.name);
}

/**
 * Parses `name` or `name:key=value,key=value` (e.g. `exp-backoff:base=5,cap=3600,jitter=full`)
 * against the built-in registry. Every parameter is checked against its ParamSpec; the result's
 * `params` is complete (defaults filled in).
 */
export function getPolicyFactory(spec: string): { factory: PolicyFactory; params: PolicyParams } {
  const trimmed = spec.trim();
  const colon = trimmed.indexOf(':');
  const name = colon < 0 ? trimmed : trimmed.slice(0, colon);
  const factory = BY_NAME.get(name);
  if (factory === undefined) {
    const what = name === '' ? 'empty policy name' : `unknown policy '${name}'`;
    throw new PolicySpecError(`${what} (known: ${policyNames().join(', ')})`);
  }
  const params = parsePolicyParams(factory, colon < 0 ? '' : trimmed.slice(colon + 1));
  return { factory, params };
}

/**
 * Parses `key=value,key=value` for a factory (built-in or loaded module) and fills in
 * defaults. Throws PolicySpecError naming the policy, the parameter and the expected value.
 */
export function parsePolicyParams(factory: PolicyFactory, text: string): PolicyParams {
  const params: PolicyParams = {};
  const seen = new Set<string>();
  const known = factory.params.map((p) => p.name);
  const where = `policy ${factory.name}`;
  if (text.trim() !== '') {
    for (const part of text.split(',')) {
      const eq = part.indexOf('=');
      const key = (eq < 0 ? part : part.slice(0, eq)).trim();
      if (key === '') throw new PolicySpecError(`${where}: empty parameter in '${text}' (expected key=value,key=value)`);
      const spec = factory.params.find((p) => p.name === key);
      if (spec === undefined) {
        const list = known.length === 0 ? 'it takes no parameters' : `known: ${known.join(', ')}`;
        throw new PolicySpecError(`${where}: unknown parameter '${key}' (${list})`);
      }
      if (eq < 0) throw new PolicySpecError(`${where}: parameter '${key}' has no value (expected ${key}=${expected(spec)})`);
      if (seen.has(key)) throw new PolicySpecError(`${where}: parameter '${key}' given twice`);
      seen.add(key);
      params[key] = parseValue(where, spec, part.slice(eq + 1).trim());
    }
  }
  for (const spec of factory.params) {
    if (!(spec.name in params)) params[spec.name] = spec.default;
  }
  return params;
}

/** Checks a complete params object (e.g. from a scenario file) against a factory's specs. */
export function validatePolicyParams(factory: PolicyFactory, params: PolicyParams): PolicyParams {
  const where = `policy ${factory.name}`;
  const out: PolicyParams = {};
  for (const key of Object.keys(params)) {
    const spec = factory.params.find((p) => p.name === key);
    if (spec === undefined) {
      const known = factory.params.map((p) => p.name);
      const list = known.length === 0 ? 'it takes no parameters' : `known: ${known.join(', ')}`;
      throw new PolicySpecError(`${where}: unknown parameter '${key}' (${list})`);
    }
    const v = params[key] as number | string | boolean;
    out[key] = parseValue(where, spec, String(v));
  }
  for (const spec of factory.params) if (!(spec.name in out)) out[spec.name] = spec.default;
  return out;
}

function expected(spec: ParamSpec): string {
  switch (spec.kind) {
    case 'boolean':
      return 'true or false';
    case 'enum':
      return `one of ${(spec.values ?? []).join(', ')}`;
    case 'integer':
    case 'number': {
      const what = spec.kind === 'integer' ? 'a whole number' : 'a number';
      if (spec.min !== undefined && spec.max !== undefined) return `${what} from ${spec.min} to ${spec.max}`;
      if (spec.min !== undefined) return `${what} ≥ ${spec.min}`;
      if (spec.max !== undefined) return `${what} ≤ ${spec.max}`;
      return what;
    }
  }
}

function parseValue(where: string, spec: ParamSpec, raw: string): number | string | boolean {
  const bad = (): never => {
    throw new PolicySpecError(`${where}: parameter '${spec.name}': expected ${expected(spec)}, got '${raw}'`);
  };
  switch (spec.kind) {
    case 'boolean': {
      const v = raw.toLowerCase();
      if (v === 'true' || v === '1' || v === 'yes' || v === 'on') return true;
      if (v === 'false' || v === '0' || v === 'no' || v === 'off') return false;
      return bad();
    }
    case 'enum':
      if (!(spec.values ?? []).includes(raw)) bad();
      return raw;
    case 'integer':
    case 'number': {
      if (raw === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) return bad();
      const v = Number(raw);
      if (!Number.isFinite(v)) return bad();
      if (spec.kind === 'integer' && !Number.isInteger(v)) return bad();
      if (spec.min !== undefined && v < spec.min) return bad();
      if (spec.max !== undefined && v > spec.max) return bad();
      return v;
    }
  }
}

export { canonicalPolicyName } from './naming.js';
