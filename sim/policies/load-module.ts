import { existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { guardFactory, PolicyModuleError } from './guarded.js';
import type { ParamSpec, PolicyFactory, PolicyParams } from './policy.js';
import { getPolicyFactory, parsePolicyParams } from './registry.js';

const TS_EXT = new Set(['.ts', '.mts', '.cts']);
const JS_EXT = new Set(['.js', '.mjs', '.cjs']);
const KINDS = new Set(['number', 'integer', 'boolean', 'enum']);

/**
 * Loads a user policy module (`--policy ./path/my-policy.js` or `.ts`): the default export or a
 * named export `policy` must be a PolicyFactory (name, description, params, create). `.ts` files
 * go through tsx's ESM API. The result is wrapped by guardFactory, so every call into the module
 * is checked and any fault becomes a PolicyModuleError naming the file and the call. `label` is
 * how messages name the file (default: `path` as given; pass a display path when `path` is
 * absolute).
 */
export async function loadPolicyModule(path: string, label: string = path): Promise<PolicyFactory> {
  const where = `policy module ${label}`;
  const abs = resolve(process.cwd(), path);
  if (!existsSync(abs) || !statSync(abs).isFile()) throw new PolicyModuleError(`${where}: file not found (${abs})`);
  const ext = extname(abs).toLowerCase();
  if (!TS_EXT.has(ext) && !JS_EXT.has(ext)) {
    throw new PolicyModuleError(`${where}: expected a .js, .mjs, .cjs or .ts file`);
  }
  const url = pathToFileURL(abs).href;
  let mod: Record<string, unknown>;
  try {
    if (TS_EXT.has(ext)) {
      const { tsImport } = await loadTsx(where);
      mod = (await tsImport(url, import.meta.url)) as Record<string, unknown>;
    } else {
      mod = (await import(url)) as Record<string, unknown>;
    }
  } catch (e) {
    if (e instanceof PolicyModuleError) throw e;
    throw new PolicyModuleError(`${where}: failed to load: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  let candidate = mod.default ?? mod.policy;
  // CommonJS / transpiled interop: { default: { default: factory } } or { default: { policy } }.
  if (isObject(candidate) && typeof candidate.create !== 'function') {
    candidate = candidate.default ?? candidate.policy ?? candidate;
  }
  checkFactory(where, candidate);
  return guardFactory(candidate, label);
}

/**
 * tsx compiles a .ts module on load. It is an optional peer dependency: a project that writes
 * its policies in TypeScript installs it next to swarmsim, where this import finds it.
 */
async function loadTsx(where: string): Promise<typeof import('tsx/esm/api')> {
  try {
    return await import('tsx/esm/api');
  } catch (e) {
    const missing = (e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && /'tsx'/.test(String((e as Error).message));
    if (!missing) throw e;
    throw new PolicyModuleError(
      `${where}: a .ts policy module needs tsx, which is not installed: run npm install --save-dev tsx in your project, or compile the policy to .js`,
    );
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function checkFactory(where: string, v: unknown): asserts v is PolicyFactory {
  const shape =
    "expected a PolicyFactory as the default export or a named export 'policy': " +
    '{ name, description, params: ParamSpec[], create(params) }';
  if (!isObject(v)) throw new PolicyModuleError(`${where}: ${shape}; found ${v === undefined ? 'neither' : typeof v}`);
  if (typeof v.name !== 'string' || v.name === '') throw new PolicyModuleError(`${where}: ${shape}; 'name' is not a non-empty string`);
  if (typeof v.description !== 'string') throw new PolicyModuleError(`${where}: ${shape}; 'description' is not a string`);
  if (typeof v.create !== 'function') throw new PolicyModuleError(`${where}: ${shape}; 'create' is not a function`);
  if (!Array.isArray(v.params)) throw new PolicyModuleError(`${where}: ${shape}; 'params' is not an array`);
  (v.params as unknown[]).forEach((p, i) => {
    const bad = (why: string): never => {
      throw new PolicyModuleError(`${where}: params[${i}] ${why}`);
    };
    if (!isObject(p)) return bad('is not an object');
    const s = p as Partial<ParamSpec>;
    if (typeof s.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(s.name)) bad("has no valid 'name'");
    if (typeof s.kind !== 'string' || !KINDS.has(s.kind)) bad(`'kind' must be one of number, integer, boolean, enum`);
    if (s.kind === 'enum' && (!Array.isArray(s.values) || s.values.length === 0)) bad("is an enum without 'values'");
    const d = s.default;
    const ok =
      s.kind === 'boolean' ? typeof d === 'boolean' : s.kind === 'enum' ? typeof d === 'string' && (s.values ?? []).includes(d) : typeof d === 'number' && Number.isFinite(d);
    if (!ok) bad(`has a 'default' that is not a valid ${s.kind}`);
  });
}

/** True when a `--policy` entry names a file rather than a built-in. */
export function isPolicyPath(spec: string): boolean {
  return /^(\.{1,2}[\\/]|[\\/]|[A-Za-z]:[\\/])/.test(spec) || /\.(m|c)?(j|t)s(:|$)/i.test(spec);
}

/**
 * Resolves any `--policy` entry: a built-in spec (`exp-backoff:base=5`) or a module path with
 * optional parameters after the extension (`./my.js:base=5,cap=60`).
 */
export async function resolvePolicySpec(spec: string): Promise<{ factory: PolicyFactory; params: PolicyParams }> {
  const s = spec.trim();
  if (!isPolicyPath(s)) return getPolicyFactory(s);
  const m = /^(.*?\.(?:m|c)?(?:j|t)s)(?::(.*))?$/i.exec(s);
  const path = m ? (m[1] as string) : s;
  const factory = await loadPolicyModule(path);
  return { factory, params: parsePolicyParams(factory, m?.[2] ?? '') };
}
