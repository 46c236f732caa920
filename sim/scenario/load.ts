import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../input-error.js';
import { ScenarioSchema, type Scenario } from './schema.js';

/** `path.to.key=value` from the command line. */
export interface Override {
  path: string;
  value: string;
}

export interface LoadedScenario {
  file: string;
  /** The raw document after overrides, before defaults: what the manifest records. */
  raw: unknown;
  scenario: Scenario;
}

/** Reads, overrides and validates a scenario file; every problem is an InputError naming file and key. */
export function loadScenario(file: string, overrides: readonly Override[] = []): LoadedScenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`${file}: cannot read the scenario file`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const at = e.linePos?.[0];
    throw new InputError(`${file}${at ? `:${at.line}:${at.col}` : ''}: YAML syntax error: ${e.message.split('\n')[0]}`);
  }
  const raw = (doc.toJS() ?? {}) as Record<string, unknown>;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new InputError(`${file}: expected a mapping of scenario keys at the top level`);
  for (const o of overrides) applyOverride(raw, o, file);
  if (raw.name === undefined) raw.name = basename(file, extname(file));
  const result = ScenarioSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const pos = positionOf(doc.contents, issue.path, lines);
    throw new InputError(`${file}${pos}: ${describeIssue(issue, raw)}`);
  }
  return { file, raw, scenario: result.data };
}

function positionOf(root: YamlNode | null, path: readonly PropertyKey[], lines: LineCounter): string {
  let node: unknown = root;
  let found: YamlNode | undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      if (!pair) break;
      node = pair.value;
      found = (pair.value ?? pair.key) as YamlNode;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      found = node as YamlNode;
    } else break;
  }
  const offset = found?.range?.[0];
  if (offset === undefined) return '';
  const p = lines.linePos(offset);
  return `:${p.line}:${p.col}`;
}

export function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const path = issue.path.map(String).join('.') || '(top level)';
  const actual = valueAt(raw, issue.path);
  let expected = issue.message;
  if (issue.code === 'unrecognized_keys') {
    return `${path === '(top level)' ? '' : path + ': '}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  }
  if (issue.code === 'invalid_type') expected = `expected ${issue.expected}`;
  else if (issue.code === 'too_small') expected = `expected ${issue.origin === 'array' ? 'at least ' + String(issue.minimum) + ' entries' : 'a value ≥ ' + String(issue.minimum)}`;
  else if (issue.code === 'too_big') expected = `expected a value ≤ ${String(issue.maximum)}`;
  else if (issue.code === 'invalid_value') expected = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  else if (issue.code === 'invalid_union') expected = `expected ${issue.message === 'Invalid input' ? 'one of the documented forms (see swarmsim schema)' : issue.message}`;
  if (/, got /.test(expected)) return `${path}: ${expected}`;
  return `${path}: ${expected}, got ${actual === undefined ? 'nothing' : JSON.stringify(actual)}`;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** Sets a dotted path in the raw document; the value is parsed as YAML so numbers stay numbers. */
function applyOverride(raw: Record<string, unknown>, o: Override, file: string): void {
  const keys = o.path.split('.');
  if (keys.some((k) => k === '')) throw new InputError(`--set ${o.path}=${o.value}: expected a dotted key path such as population.leechers.count`);
  let obj: Record<string, unknown> = raw;
  for (let i = 0; i < keys.length - 1; i++) {
    const next = obj[keys[i]!];
    if (next === undefined) {
      obj[keys[i]!] = {};
    } else if (next === null || typeof next !== 'object') {
      throw new InputError(`--set ${o.path}: ${keys.slice(0, i + 1).join('.')} in ${file} is not a mapping`);
    }
    obj = obj[keys[i]!] as Record<string, unknown>;
  }
  const doc = parseDocument(o.value);
  obj[keys[keys.length - 1]!] = doc.errors.length ? o.value : doc.toJS();
}

/** Parses `a.b=value` strings from the command line. */
export function parseOverrides(items: readonly string[]): Override[] {
  return items.map((s) => {
    const i = s.indexOf('=');
    if (i <= 0) throw new InputError(`--set ${s}: expected path=value, e.g. population.leechers.count=500`);
    return { path: s.slice(0, i).trim(), value: s.slice(i + 1) };
  });
}
