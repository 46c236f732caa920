import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { InputError } from '../input-error.js';
import { positionOf, type Override } from '../scenario/load.js';
import type { GridAxis } from './plan.js';

/**
 * Sweep files: a base scenario, a grid of overrides (Cartesian product), the policies, the
 * replications and the base seed, and fixed overrides:
 *
 *   base: ../scenarios/seed-heavy.yaml      # relative to this file
 *   grid:
 *     population.leechers.count: [4, 8, 16]
 *     discovery.pex.enabled: [true, false]
 *   policies: [transmission-main-2023, transmission-4.1]
 *   replications: 10
 *   seed: 1
 *   set: { duration: 1h }
 */
export const SweepSchema = z
  .object({
    name: z.string().min(1).optional().describe('name of the sweep (default: the file name); the default output folder is out/<name>'),
    description: z.string().optional().describe('what the sweep asks'),
    base: z.string().min(1).describe('the base scenario file, relative to the sweep file'),
    grid: z
      .record(z.string().min(1), z.array(z.unknown()).min(1).describe('the values of one scenario field (a non-empty list)'))
      .describe('scenario field paths and their values; the sweep runs every combination'),
    policies: z.array(z.string().min(1)).min(1).optional().describe("policies to compare; default: the base scenario's"),
    replications: z.number().int().min(1).optional().describe("replications per policy and point (whole number ≥ 1); default: the base scenario's"),
    seed: z.number().int().min(0).optional().describe("base seed (whole number ≥ 0); default: the base scenario's"),
    set: z.record(z.string().min(1), z.unknown()).optional().describe('fixed overrides applied to every point'),
  })
  .strict();

export interface SweepFile {
  file: string;
  name: string;
  base: string;
  grid: GridAxis[];
  fixed: Override[];
  policies?: string[];
  replications?: number;
  seed?: number;
}

export function readSweepFile(file: string): SweepFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new InputError(`${file}: cannot read the sweep file (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'error')})`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const at = e.linePos?.[0] ?? (e.pos ? lines.linePos(e.pos[0]) : undefined);
    throw new InputError(`${file}${at ? `:${at.line}:${at.col}` : ''}: YAML syntax error: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  const raw = doc.toJS() as unknown;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError(`${file}: expected a mapping with base, grid, policies, replications, seed, set at the top level`);
  }
  const r = SweepSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const pos = positionOf(doc.contents, issue as never, lines);
    throw new InputError(`${file}${pos}: ${describeSweepIssue(issue, raw)}`);
  }
  const s = r.data;
  const axes = Object.entries(s.grid);
  if (axes.length === 0) throw new InputError(`${file}${posOfKey(doc.contents, 'grid', lines)}: grid: expected at least one field with a list of values, got an empty grid`);
  const grid: GridAxis[] = axes.map(([path, values]) => ({
    path,
    values,
    origin: (v) => `grid ${path}=${JSON.stringify(v)}`,
  }));
  // Point each grid value's messages at its line in the sweep file.
  for (const axis of grid) {
    const seq = nodeAt(doc.contents, ['grid', axis.path]);
    const where = (v: unknown): string => {
      if (isSeq(seq)) {
        const i = axis.values.indexOf(v);
        const n = seq.items[i] as YamlNode | undefined;
        if (n?.range) {
          const p = lines.linePos(n.range[0]);
          return `${file}:${p.line}:${p.col}`;
        }
      }
      return file;
    };
    axis.origin = (v) => `${where(v)}: grid ${axis.path}=${JSON.stringify(v)}`;
  }
  const fixed: Override[] = Object.entries(s.set ?? {}).map(([path, value]) => ({
    path,
    parsed: value,
    origin: `set ${path}=${JSON.stringify(value)}`,
    where: `${file}${posOfKey(nodeAt(doc.contents, ['set']), path, lines)}`,
  }));
  const out: SweepFile = {
    file,
    name: s.name ?? baseName(file),
    base: resolve(dirname(file), s.base),
    grid,
    fixed,
  };
  if (s.policies) out.policies = s.policies;
  if (s.replications !== undefined) out.replications = s.replications;
  if (s.seed !== undefined) out.seed = s.seed;
  return out;
}

function baseName(file: string): string {
  const b = file.split(/[\\/]/).pop()!;
  return b.replace(/\.(ya?ml)$/i, '');
}

function nodeAt(root: unknown, path: string[]): unknown {
  let node = root;
  for (const k of path) {
    if (!isMap(node)) return undefined;
    node = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === k)?.value;
  }
  return node;
}

function posOfKey(map: unknown, key: string, lines: LineCounter): string {
  if (!isMap(map)) return '';
  const pair = map.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
  const off = (pair?.key as YamlNode | undefined)?.range?.[0];
  if (off === undefined) return '';
  const p = lines.linePos(off);
  return `:${p.line}:${p.col}`;
}

function describeSweepIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const path = issue.path.map(String).join('.') || '(top level)';
  let actual: unknown = raw;
  for (const k of issue.path) actual = actual && typeof actual === 'object' ? (actual as Record<PropertyKey, unknown>)[k] : undefined;
  const got = actual === undefined ? 'nothing' : JSON.stringify(actual);
  const field = issue.path[0];
  const expected: Record<string, string> = {
    name: 'a non-empty string',
    description: 'a string',
    base: 'the path of a scenario file (relative to the sweep file)',
    grid: 'a mapping of scenario field paths to non-empty lists of values',
    policies: 'a non-empty list of policy names or module paths',
    replications: 'a whole number ≥ 1',
    seed: 'a whole number ≥ 0',
    set: 'a mapping of scenario field paths to values',
  };
  if (issue.code === 'unrecognized_keys') {
    return `${path === '(top level)' ? '' : path + ': '}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')} (expected one of ${Object.keys(expected).join(', ')})`;
  }
  let what = typeof field === 'string' ? expected[field] : undefined;
  if (field === 'grid' && issue.path.length >= 2) what = 'a non-empty list of values';
  if (field === 'policies' && issue.path.length >= 2) what = 'a policy name or module path';
  if (actual === undefined) return `${path}: missing, expected ${what ?? issue.message}`;
  return `${path}: expected ${what ?? issue.message}, got ${got}`;
}
