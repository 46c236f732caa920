import { readFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { InputError } from '../../sim/input-error.js';
import { SUMMARY_COLUMNS } from '../../sim/metrics/columns.js';
import type { Override } from '../../sim/scenario/load.js';

/**
 * A CI suite: scenarios (with overrides), the policies under test, replications, base seed and
 * per-metric tolerances. See docs/ci.md for the format.
 */

export type Better = 'lower' | 'higher' | 'either';

export interface Tolerance {
  /** Allowed |now − baseline| / |baseline|. */
  relative?: number;
  /** Allowed |now − baseline|, in the metric's unit. */
  absolute?: number;
  /** Beyond only when the new mean lies outside the baseline's 95% CI and the change exceeds these minimum effects. */
  statistical?: { min_effect: number; min_relative_effect: number };
  /** Which direction is good; a change beyond tolerance the other way is a regression. */
  better: Better;
}

export interface SuitePolicy {
  /** Key in the baseline: the slot name (map form) or the policy spec itself (list form). */
  slot: string;
  /** Built-in policy name (with parameters) or a module path relative to the suite's folder. */
  spec: string;
}

export interface SuiteScenario {
  /** Key in the baseline. */
  name: string;
  /** Scenario file, resolved against the suite's folder. */
  file: string;
  set: Override[];
  /** Tolerances for this scenario: the suite's, with the scenario's own on top. */
  metrics: Record<string, Tolerance>;
  replications: number;
}

export interface Suite {
  file: string;
  name: string;
  seed: number;
  policies: SuitePolicy[];
  scenarios: SuiteScenario[];
}

/** Metrics where a larger value is better; every other summary metric is better when smaller. */
const HIGHER_IS_BETTER = ['useful_ratio', 'useful_handshakes', 'completed_fraction', 'piece_bytes', 'handshakes'];

export function defaultBetter(metric: string): Better {
  const base = metric.replace(/^(subject|swarm)_/, '');
  return HIGHER_IS_BETTER.includes(base) ? 'higher' : 'lower';
}

/** A zod error that says `missing` when the key is absent and `text` otherwise. */
const msg = (text: string) => (iss: { input?: unknown }) => (iss.input === undefined ? 'missing' : text);

const nonNeg = (what: string) => z.number({ error: msg(`expected ${what}, a number ≥ 0`) }).nonnegative({ error: msg(`expected ${what}, a number ≥ 0`) });

const ToleranceSchema = z
  .strictObject({
    relative: nonNeg('a fraction such as 0.1 for 10%').optional(),
    absolute: nonNeg('an amount in the metric’s unit').optional(),
    statistical: z
      .union([
        z.literal(true),
        z.strictObject({
          min_effect: nonNeg('an amount in the metric’s unit').optional(),
          min_relative_effect: nonNeg('a fraction').optional(),
        }),
      ], { error: msg('expected true or {min_effect, min_relative_effect}') })
      .optional(),
    better: z.enum(['lower', 'higher', 'either'], { error: msg('expected lower, higher or either') }).optional(),
  })
  .refine((t) => t.relative !== undefined || t.absolute !== undefined || t.statistical !== undefined, { error: msg('expected at least one of relative, absolute, statistical') });

const MetricsSchema = z.record(z.string(), ToleranceSchema);

const SuiteSchema = z.strictObject({
  name: z.string().min(1).optional(),
  replications: z.number({ error: msg('expected a whole number ≥ 1') }).int({ error: msg('expected a whole number ≥ 1') }).min(1, { error: msg('expected a whole number ≥ 1') }).optional(),
  seed: z.number({ error: msg('expected a whole number ≥ 0') }).int({ error: msg('expected a whole number ≥ 0') }).min(0, { error: msg('expected a whole number ≥ 0') }).optional(),
  policies: z.union(
    [
      z.array(z.string().min(1)).min(1, { error: msg('expected at least one policy') }),
      z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, { error: msg('expected a slot name of letters, digits, _ . -') }), z.string().min(1)),
    ],
    { error: msg('expected a list of policies or a map slot: policy') },
  ),
  scenarios: z
    .array(
      z.strictObject({
        file: z.string({ error: msg('expected the path of a scenario file') }).min(1),
        name: z.string().regex(/^[A-Za-z0-9_.-]+$/, { error: msg('expected a name of letters, digits, _ . -') }).optional(),
        set: z.record(z.string(), z.unknown()).optional(),
        replications: z.number({ error: msg('expected a whole number ≥ 1') }).int({ error: msg('expected a whole number ≥ 1') }).min(1, { error: msg('expected a whole number ≥ 1') }).optional(),
        metrics: MetricsSchema.optional(),
      }),
      { error: msg('expected a list of scenarios') },
    )
    .min(1, { error: msg('expected at least one scenario') }),
  metrics: MetricsSchema.refine((m) => Object.keys(m).length > 0, { error: msg('expected at least one metric with a tolerance') }),
});

/** line:col of a key path in a YAML document, or ''. */
function positionOf(root: YamlNode | null, path: readonly PropertyKey[], lines: LineCounter, atKey = false): string {
  let node: unknown = root;
  let found: YamlNode | null = null;
  for (const [i, key] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      if (!pair) break;
      found = (pair.key ?? pair.value) as YamlNode;
      node = pair.value;
      if (node && (node as YamlNode).range && !isMap(node) && !isSeq(node) && !(atKey && i === path.length - 1)) found = node as YamlNode;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      if (!node) break;
      found = node as YamlNode;
    } else break;
  }
  const offset = found?.range?.[0];
  if (offset === undefined) return '';
  const p = lines.linePos(offset);
  return `:${p.line}:${p.col}`;
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')) return `expected ${issue.expected}`;
  return issue.message;
}

function pathString(path: readonly PropertyKey[]): string {
  let s = '';
  for (const k of path) s += typeof k === 'number' ? `[${k}]` : s === '' ? String(k) : `.${String(k)}`;
  return s;
}

function toTolerance(t: z.output<typeof ToleranceSchema>, metric: string): Tolerance {
  const out: Tolerance = { better: t.better ?? defaultBetter(metric) };
  if (t.relative !== undefined) out.relative = t.relative;
  if (t.absolute !== undefined) out.absolute = t.absolute;
  if (t.statistical !== undefined) {
    const s = t.statistical === true ? {} : t.statistical;
    out.statistical = { min_effect: s.min_effect ?? 0, min_relative_effect: s.min_relative_effect ?? 0 };
  }
  return out;
}

/** Parses and validates a suite; every problem is an InputError naming file, line:col and key path. */
export function parseSuite(file: string, text: string): Suite {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const at = e.linePos?.[0] ?? (e.pos?.[0] !== undefined ? lines.linePos(e.pos[0]) : undefined);
    throw new InputError(`${file}${at ? `:${at.line}:${at.col}` : ''}: YAML syntax error: ${e.message.split('\n')[0]}`);
  }
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError(`${file}: expected a mapping with scenarios, policies and metrics`);
  const r = SuiteSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    const where = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
    throw new InputError(`${file}${positionOf(doc.contents, where, lines, issue.code === 'unrecognized_keys')}: ${pathString(issue.path) || '(top level)'}: ${missing ? 'missing' : describe(issue)}`);
  }
  const s = r.data;
  const at = (path: PropertyKey[]) => `${file}${positionOf(doc.contents, path, lines, true)}`;
  const known = new Set(SUMMARY_COLUMNS);
  const checkMetrics = (m: Record<string, unknown>, base: PropertyKey[]) => {
    for (const k of Object.keys(m)) if (!known.has(k)) throw new InputError(`${at([...base, k])}: ${pathString([...base, k])}: unknown metric (see swarmsim list metrics; names carry subject_ or swarm_)`);
  };
  checkMetrics(s.metrics, ['metrics']);
  const dir = dirname(file);
  const resolve = (p: string) => (isAbsolute(p) ? p : join(dir, p));
  const policies: SuitePolicy[] = Array.isArray(s.policies) ? s.policies.map((p) => ({ slot: p, spec: p })) : Object.entries(s.policies).map(([slot, spec]) => ({ slot, spec }));
  const slots = new Set<string>();
  for (const p of policies) {
    if (slots.has(p.slot)) throw new InputError(`${at(['policies'])}: policies: ${p.slot} is listed twice`);
    slots.add(p.slot);
  }
  const suiteMetrics = Object.fromEntries(Object.entries(s.metrics).map(([m, t]) => [m, toTolerance(t, m)]));
  const names = new Set<string>();
  const scenarios = s.scenarios.map((sc, i) => {
    const name = sc.name ?? basename(sc.file, extname(sc.file));
    if (names.has(name)) throw new InputError(`${at(['scenarios', i])}: scenarios[${i}]: a second scenario named ${name}: give each entry its own name`);
    names.add(name);
    if (sc.metrics) checkMetrics(sc.metrics, ['scenarios', i, 'metrics']);
    const set: Override[] = Object.entries(sc.set ?? {}).map(([path, parsed]) => ({
      path,
      parsed,
      origin: `scenarios[${i}].set ${path}=${typeof parsed === 'string' ? parsed : JSON.stringify(parsed)}`,
      where: at(['scenarios', i, 'set', path]),
    }));
    return {
      name,
      file: resolve(sc.file),
      set,
      metrics: { ...suiteMetrics, ...Object.fromEntries(Object.entries(sc.metrics ?? {}).map(([m, t]) => [m, toTolerance(t, m)])) },
      replications: sc.replications ?? s.replications ?? 5,
    };
  });
  return {
    file,
    name: s.name ?? basename(file, extname(file)),
    seed: s.seed ?? 1,
    policies,
    scenarios,
  };
}

export function loadSuite(file: string): Suite {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`${file}: cannot read the suite file`);
  }
  return parseSuite(file, text);
}
