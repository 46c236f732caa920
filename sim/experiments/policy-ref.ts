import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError } from '../input-error.js';
import type { PolicyFactory, PolicyParams } from '../policies/policy.js';
import { isPolicyPath, loadPolicyModule } from '../policies/load-module.js';
import { canonicalPolicyName, getPolicyFactory, parsePolicyParams } from '../policies/registry.js';
import { sha256 } from './canonical.js';

/**
 * A policy as a run list names it: a built-in spec (`transmission-4.1`, `exp-backoff:base=5`)
 * resolved by the registry, or a module file (`./my-policy.js`, `./my-policy.js:base=5`). Plain
 * data, so it crosses to worker threads; each side turns it into a factory with instantiate().
 */
export interface PolicyRef {
  /** As the user wrote it. */
  spec: string;
  /** The `policy` column: the canonical name with non-default parameters, or the module path (relative, `/`). */
  label: string;
  kind: 'builtin' | 'module';
  /** Module policies: the absolute file path. */
  module?: string;
  /** Module policies: the parameter text after the path (`base=5,jitter=full`). */
  paramText?: string;
  /** Module policies: sha256 of the file, so an edited module never mixes with finished runs. */
  moduleHash?: string;
}

const MODULE_SPEC = /^(.*?\.(?:m|c)?(?:j|t)s)(?::(.*))?$/i;

/** True when a policy spec names a module file rather than a built-in policy. */
export function isModuleSpec(spec: string): boolean {
  return isPolicyPath(spec) || spec.includes('/') || spec.includes('\\');
}

/**
 * Turns a spec into a reference, checking it fully (name, parameters, module loads and constructs).
 * Module paths are relative to `base` (default the working directory: a scenario's or sweep
 * file's own policies are relative to that file); labels are relative to the working directory.
 */
export async function resolvePolicy(spec: string, cwd: string = process.cwd(), base: string = cwd): Promise<PolicyRef> {
  const text = spec.trim();
  if (text === '') throw new InputError(`--policy: empty policy name`);
  if (!isModuleSpec(text)) {
    const { factory, params } = getPolicyFactory(text);
    const ref: PolicyRef = { spec: text, label: canonicalPolicyName(factory, params), kind: 'builtin' };
    checkCreates(ref, factory, params);
    return ref;
  }
  const m = MODULE_SPEC.exec(text);
  const file = m ? m[1]! : text;
  const paramText = m?.[2];
  const abs = resolve(base, file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(abs);
  } catch {
    throw new InputError(`policy module ${file}: cannot read the file`);
  }
  const ref: PolicyRef = {
    spec: text,
    label: displayPath(abs, cwd) + (paramText ? `:${paramText}` : ''),
    kind: 'module',
    module: abs,
    moduleHash: sha256(bytes),
  };
  if (paramText !== undefined) ref.paramText = paramText;
  const { factory, params } = await instantiate(ref);
  checkCreates(ref, factory, params);
  return ref;
}

/** A path for files and messages that does not depend on where the project lives: relative, `/`. */
export function displayPath(abs: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, abs);
  const r = rel === '' ? '.' : isAbsolute(rel) ? rel : rel;
  return r.split(sep).join('/');
}

function checkCreates(ref: PolicyRef, factory: PolicyFactory, params: PolicyParams): void {
  try {
    factory.create(params);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`policy ${ref.label}: creating the policy failed: ${firstLine(e)}`);
  }
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0]!;
}

const cache = new Map<string, Promise<{ factory: PolicyFactory; params: PolicyParams }>>();

/** The factory and complete parameters of a reference (cached per thread). */
export function instantiate(ref: PolicyRef): Promise<{ factory: PolicyFactory; params: PolicyParams }> {
  const key = `${ref.kind}\0${ref.module ?? ''}\0${ref.moduleHash ?? ''}\0${ref.spec}`;
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      if (ref.kind === 'builtin') return getPolicyFactory(ref.spec);
      const factory = await loadPolicyModule(ref.module!, ref.label.replace(/:.*$/, ''));
      return { factory, params: parsePolicyParams(factory, ref.paramText ?? '') };
    })();
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}
