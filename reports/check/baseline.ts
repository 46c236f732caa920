import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../../sim/input-error.js';

/**
 * The committed baseline of `swarmsim check`: per scenario × policy slot × summary metric the
 * mean, 95% CI and n over the suite's replications, with the swarmsim version and the hash of each
 * resolved scenario that produced them. Deterministic: no time stamps, keys sorted.
 */

export const BASELINE_FORMAT = 'swarmsim-baseline/1';

export interface MetricStats {
  /** null when the metric is undefined in every replication (e.g. convergence never reached). */
  mean: number | null;
  ci: [number | null, number | null];
  n: number;
  sd: number | null;
}

export interface SlotResults {
  /** The policy label that ran in this slot. */
  policy: string;
  metrics: Record<string, MetricStats>;
}

export interface ScenarioResults {
  scenario_sha256: string;
  /** The scenario file as the suite names it (for messages only). */
  file: string;
  replications: number;
  seed: number;
  policies: Record<string, SlotResults>;
}

/** What one suite run measured; a baseline is this plus its format tag. */
export interface SuiteResults {
  swarmsim: string;
  suite: string;
  scenarios: Record<string, ScenarioResults>;
}

export interface Baseline extends SuiteResults {
  format: typeof BASELINE_FORMAT;
}

const num = z.number().nullable();
const MetricSchema = z.strictObject({ mean: num, ci: z.tuple([num, num]), n: z.number().int().min(0), sd: num });
const BaselineSchema = z.strictObject({
  format: z.literal(BASELINE_FORMAT, { error: `expected "${BASELINE_FORMAT}"` }),
  swarmsim: z.string(),
  suite: z.string(),
  scenarios: z.record(
    z.string(),
    z.strictObject({
      scenario_sha256: z.string().min(1),
      file: z.string(),
      replications: z.number().int().min(1),
      seed: z.number().int().min(0),
      policies: z.record(z.string(), z.strictObject({ policy: z.string(), metrics: z.record(z.string(), MetricSchema) })),
    }),
  ),
});

function pathString(path: readonly PropertyKey[]): string {
  let s = '';
  for (const k of path) s += typeof k === 'number' ? `[${k}]` : s === '' ? String(k) : `.${String(k)}`;
  return s;
}

export function parseBaseline(file: string, text: string): Baseline {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: malformed JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  const r = BaselineSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const what =
      issue.code === 'unrecognized_keys'
        ? `unknown key ${issue.keys.join(', ')}`
        : issue.code === 'invalid_type' && /received undefined/.test(issue.message)
          ? 'missing'
          : issue.code === 'invalid_type'
            ? `expected ${issue.expected}`
            : issue.message;
    throw new InputError(`${file}: not a swarmsim baseline: ${pathString(issue.path) || '(top level)'}: ${what}`);
  }
  return r.data as Baseline;
}

export function loadBaseline(file: string): Baseline {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`${file}: cannot read the baseline (create it with swarmsim check SUITE --baseline ${file} --update)`);
  }
  return parseBaseline(file, text);
}

function sortKeys(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(sortKeys);
  if (x !== null && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, sortKeys(o[k])]));
  }
  return x;
}

/** Stable JSON (format first, then keys sorted), two-space indented, final newline. */
export function serializeBaseline(r: SuiteResults): string {
  const { swarmsim, suite, scenarios } = r;
  return `${JSON.stringify({ format: BASELINE_FORMAT, swarmsim, suite, scenarios: sortKeys(scenarios) }, null, 2)}\n`;
}
