import { availableParallelism, totalmem } from 'node:os';
import { isAbsolute } from 'node:path';
import type { Argv } from 'yargs';
import type { TraceSpec } from '../experiments/plan.js';
import { displayPath, isModuleSpec } from '../experiments/policy-ref.js';
import type { Override } from '../scenario/load.js';
import { parseOverrides } from '../scenario/load.js';
import { parseDuration, parseSize } from '../scenario/units.js';
import { UsageError } from './errors.js';

/** Options shared by `run` and `sweep`, parsed by hand so every bad value gets a clear message. */
export interface ExperimentArgs {
  policy?: string[];
  reps?: string;
  seed?: string;
  set?: string[];
  duration?: string;
  out?: string;
  jobs?: string;
  trace?: string;
  maxMemory?: string;
  report: boolean;
  quiet: boolean;
}

export function experimentOptions<T>(y: Argv<T>) {
  return y
    .option('policy', { type: 'string', array: true, describe: 'policies to compare, comma separated (built-in names with parameters, or module paths); default: the scenario\'s', requiresArg: true })
    .option('reps', { type: 'string', describe: 'replications per policy (default: the scenario\'s)', requiresArg: true })
    .option('seed', { type: 'string', describe: 'base seed; replication r runs with seed + r (default: the scenario\'s)', requiresArg: true })
    .option('set', { type: 'string', array: true, describe: 'override a scenario field, e.g. --set population.leechers.count=500 (repeatable)', requiresArg: true })
    .option('duration', { type: 'string', describe: 'simulated time, e.g. 90m or 2h (same as --set duration=…)', requiresArg: true })
    .option('out', { type: 'string', describe: 'output directory', requiresArg: true })
    .option('jobs', { type: 'string', describe: `worker threads (default: the number of cores, ${availableParallelism()} here); output is identical for every value`, requiresArg: true })
    .option('max-memory', {
      type: 'string',
      describe: `heap all runs together may use, e.g. 4GiB or 1500MB (default: ${Math.round(defaultMaxMemoryMb())} MB, 3/4 of this machine's memory); a run that needs more stops with exit 2`,
      requiresArg: true,
    })
    .option('report', { type: 'boolean', default: true, describe: 'write report.html and plots/ (--no-report to skip)' })
    .option('quiet', { type: 'boolean', default: false, describe: 'no progress on stderr' });
}

export function wholeNumber(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const t = String(text).trim();
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(Number(t)) || Number(t) < min) {
    throw new UsageError(`--${name} ${text}: expected a whole number ≥ ${min}`);
  }
  return Number(t);
}

/** 3/4 of the machine's memory, in MB: room for the process itself, the OS and the page cache. */
export function defaultMaxMemoryMb(): number {
  return Math.floor((totalmem() * 0.75) / 2 ** 20);
}

/** `--max-memory 4GiB | 1500MB | 1500` (a bare number is MB) → MB. */
export function parseMaxMemory(text: string | undefined): number {
  if (text === undefined) return defaultMaxMemoryMb();
  const t = String(text).trim();
  const bytes = /^\d+(\.\d+)?$/.test(t) ? Number(t) * 2 ** 20 : parseSize(t);
  if (bytes === undefined || !Number.isFinite(bytes) || bytes < 64 * 2 ** 20) throw new UsageError(`--max-memory ${text}: expected a size of at least 64 MB, such as 4GiB or 1500MB`);
  return Math.floor(bytes / 2 ** 20);
}

export function parseJobs(text: string | undefined): number {
  if (text === undefined || text === 'auto') return availableParallelism();
  return wholeNumber('jobs', text, 1)!;
}

/**
 * Splits `--policy a,b` into specs, keeping parameter lists together:
 * `exp-backoff:base=5,jitter=full,naive` is two policies (a name never contains `=`).
 */
export function splitPolicies(items: readonly string[] | undefined): string[] | undefined {
  if (!items || items.length === 0) return undefined;
  const out: string[] = [];
  for (const item of items) {
    for (const raw of String(item).split(',')) {
      const piece = raw.trim();
      const prev = out[out.length - 1];
      const eq = piece.indexOf('=');
      const bareParam = eq > 0 && !piece.slice(0, eq).includes(':');
      if (bareParam && prev !== undefined && prev.includes(':')) out[out.length - 1] = `${prev},${piece}`;
      else out.push(piece);
    }
  }
  for (const p of out) if (p === '') throw new UsageError(`--policy ${items.join(',')}: empty policy name`);
  return out;
}

/** `--set` items plus `--duration` as overrides. */
export function overridesOf(args: ExperimentArgs): Override[] {
  const o = parseOverrides(args.set ?? []);
  if (args.duration !== undefined) {
    const s = parseDuration(args.duration);
    if (s === undefined || !(s > 0)) throw new UsageError(`--duration ${args.duration}: expected a duration > 0 such as 90s, 30m or 2h`);
    o.push({ path: 'duration', parsed: args.duration, origin: `--duration ${args.duration}` });
  }
  return o;
}

/** --trace: absent → `fallback`; bare or `subject` → subject peers of every run; `all` → every peer of every run; `none`. */
export function parseTrace(text: string | undefined, fallback: TraceSpec): TraceSpec {
  if (text === undefined) return fallback;
  const t = String(text).trim().toLowerCase();
  if (t === '' || t === 'subject' || t === 'true') return { mode: 'subject', reps: 'all' };
  if (t === 'all') return { mode: 'all', reps: 'all' };
  if (t === 'none' || t === 'off' || t === 'false') return { mode: 'none', reps: 'first' };
  throw new UsageError(`--trace ${text}: expected subject, all or none`);
}

/** A path as recorded in manifest.json: relative to the working directory, `/` separators. */
export function recordedPath(p: string): string {
  return displayPath(isAbsolute(p) ? p : `${process.cwd()}/${p}`);
}

/** The part of the command line that determines results, in a fixed order (manifest.json). */
export function normalisedCommand(command: string, input: string, args: ExperimentArgs, extra: string[] = []): string[] {
  const out = [command, recordedPath(input)];
  const pol = splitPolicies(args.policy);
  if (pol) out.push('--policy', pol.map((p) => (isModuleSpec(p) ? normaliseModuleSpec(p) : p)).join(','));
  if (args.reps !== undefined) out.push('--reps', String(Number(args.reps)));
  if (args.seed !== undefined) out.push('--seed', String(Number(args.seed)));
  for (const s of args.set ?? []) out.push('--set', s);
  if (args.duration !== undefined) out.push('--duration', args.duration);
  if (args.trace !== undefined) out.push('--trace', parseTrace(args.trace, { mode: 'none', reps: 'first' }).mode);
  out.push(...extra);
  return out;
}

function normaliseModuleSpec(spec: string): string {
  const m = /^(.*\.(?:m?js|cjs|m?ts))(:.*)?$/i.exec(spec);
  if (!m) return recordedPath(spec);
  return recordedPath(m[1]!) + (m[2] ?? '');
}
