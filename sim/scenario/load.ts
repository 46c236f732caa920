import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../input-error.js';
import { loadArrivalTraces } from './arrival-trace.js';
import { ScenarioSchema, type Scenario } from './schema.js';
import { describeExpected, fieldNames, schemaAt, unwrap, type AnySchema } from './json-schema.js';

/**
 * An override of one scenario field: `--set path.to.key=value` on the command line, or a grid
 * value or fixed `set` entry of a sweep file.
 */
export interface Override {
  /** Dotted key path, e.g. `population.leechers.count`. */
  path: string;
  /** The value as typed on the command line; parsed as YAML, so `500` is a number and `2h` a string. */
  value?: string;
  /** An already parsed value (from a sweep file); wins over `value`. */
  parsed?: unknown;
  /** How messages name this override, e.g. `--set population.leechers.count=500` (the default). */
  origin?: string;
  /**
   * Where the override was written, e.g. `sweeps/a.yaml:7:5`; messages about it start with this
   * instead of the scenario file.
   */
  where?: string;
}

export interface LoadedScenario {
  file: string;
  /** The raw document after overrides, before defaults: what the manifest records. */
  raw: unknown;
  scenario: Scenario;
}

/** A scenario file read and parsed as YAML, not yet validated: resolve it with overrides. */
export interface ScenarioSource {
  file: string;
  doc: Document;
  lines: LineCounter;
  raw: Record<string, unknown>;
}

/** Reads, overrides and validates a scenario file; every problem is an InputError naming file and key. */
export function loadScenario(file: string, overrides: readonly Override[] = []): LoadedScenario {
  return resolveScenario(readScenarioFile(file), overrides);
}

/** Reads and parses a scenario file (YAML syntax only). */
export function readScenarioFile(file: string): ScenarioSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: cannot read the scenario file (${readProblem(e)})`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const at = e.linePos?.[0] ?? (e.pos ? lines.linePos(e.pos[0]) : undefined);
    throw new InputError(`${file}${at ? `:${at.line}:${at.col}` : ''}: YAML syntax error: ${oneLine(e.message)}`);
  }
  const raw = doc.toJS() as unknown;
  if (raw === null || raw === undefined) return { file, doc, lines, raw: {} };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError(`${file}: expected a mapping of scenario keys (duration, torrent, population, …) at the top level, got ${Array.isArray(raw) ? 'a list' : JSON.stringify(raw)}`);
  }
  return { file, doc, lines, raw: raw as Record<string, unknown> };
}

/** Applies overrides to a parsed scenario file and validates the result against the schema. */
export function resolveScenario(src: ScenarioSource, overrides: readonly Override[] = []): LoadedScenario {
  const { file } = src;
  const raw = structuredClone(src.raw);
  const values = overrides.map((o) => overrideValue(o));
  overrides.forEach((o, i) => applyOverride(raw, o, values[i], file));
  if (raw.name === undefined) raw.name = basename(file, extname(file));
  const result = ScenarioSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const culprit = overrideFor(issue.path, overrides);
    if (culprit) {
      const text = describeIssue(issue, raw);
      const own = issue.path.map(String).join('.') === culprit.path;
      const head = culprit.where ? originOf(culprit) : `${file}: ${originOf(culprit)}`;
      throw new InputError(`${head}: ${own ? text.slice(culprit.path.length + 2) : text}`);
    }
    const pos = positionOf(src.doc.contents, issue, src.lines);
    throw new InputError(`${file}${pos}: ${describeIssue(issue, raw)}`);
  }
  loadArrivalTraces(result.data, file);
  return { file, raw, scenario: result.data };
}

function readProblem(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return code ?? oneLine(String(e));
}

function oneLine(s: string): string {
  return s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').trim();
}

function originOf(o: Override): string {
  const what = o.origin ?? `--set ${o.path}=${o.value ?? JSON.stringify(o.parsed)}`;
  return o.where ? `${o.where}: ${what}` : what;
}

/** The override a validation issue stems from: its path is a prefix of the issue's, or the reverse. */
function overrideFor(path: readonly PropertyKey[], overrides: readonly Override[]): Override | undefined {
  const p = path.map(String);
  let best: Override | undefined;
  for (const o of overrides) {
    const k = o.path.split('.');
    const n = Math.min(k.length, p.length);
    let same = true;
    for (let i = 0; i < n; i++) if (k[i] !== p[i]) same = false;
    if (same && (!best || k.length >= best.path.split('.').length)) best = o;
  }
  return best;
}

/** `:line:col` of the node an issue points at in a YAML document ('' when unknown). */
export function positionOf(root: YamlNode | null, issue: Pick<z.core.$ZodIssue, 'path' | 'code'> & { keys?: string[] }, lines: LineCounter): string {
  let node: unknown = root;
  let found: YamlNode | undefined;
  const path = [...issue.path];
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
  // An unknown key: point at the key itself rather than at its parent.
  if (issue.code === 'unrecognized_keys' && issue.keys && isMap(node)) {
    const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === issue.keys![0]);
    if (pair?.key) found = pair.key as YamlNode;
  }
  const offset = found?.range?.[0];
  if (offset === undefined) return '';
  const p = lines.linePos(offset);
  return `:${p.line}:${p.col}`;
}

/**
 * One line for a validation issue: `key.path: expected …, got …`. The expectation comes from the
 * schema at that path (whole number, bounds, allowed words), so it reads the same everywhere.
 */
export function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  // A union: report the branch the value was evidently written for, if any.
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    for (const branch of issue.errors) {
      if (branch.length > 0 && branch.every((i) => i.path.length > 0)) {
        const inner = branch[0]!;
        return describeIssue({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue, raw);
      }
    }
  }
  const path = issue.path.map(String).join('.') || '(top level)';
  const actual = valueAt(raw, issue.path);
  if (issue.code === 'unrecognized_keys') {
    const where = path === '(top level)' ? '' : path + ': ';
    const schema = schemaAt(ScenarioSchema as AnySchema, issue.path.map(String));
    const known = schema ? fieldNames(schema) : [];
    const hint = known.length ? ` (expected one of ${known.join(', ')})` : '';
    return `${where}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}${hint}`;
  }
  if (issue.code === 'custom') {
    return /, got /.test(issue.message) ? `${path}: ${issue.message}` : `${path}: ${issue.message}, got ${show(actual)}`;
  }
  const schema = schemaAt(ScenarioSchema as AnySchema, issue.path.map(String));
  let expected = schema ? describeExpected(schema) : undefined;
  if (!expected) {
    if (issue.code === 'invalid_type') expected = issue.expected === 'int' ? 'a whole number' : `a ${issue.expected}`;
    else if (issue.code === 'too_small') expected = issue.origin === 'array' ? `at least ${String(issue.minimum)} entries` : `a value ≥ ${String(issue.minimum)}`;
    else if (issue.code === 'too_big') expected = `a value ≤ ${String(issue.maximum)}`;
    else if (issue.code === 'invalid_value') expected = `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    else if (issue.code === 'invalid_format') expected = `a ${issue.format}${issue.format === 'regex' ? ` matching ${(issue as { pattern?: string }).pattern ?? ''}` : ''}`;
    else expected = issue.message;
  }
  if (actual === undefined) return `${path}: missing, expected ${expected}`;
  return `${path}: expected ${expected}, got ${show(actual)}`;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? s.slice(0, 77) + '…' : s;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function overrideValue(o: Override): unknown {
  if ('parsed' in o && o.parsed !== undefined) return o.parsed;
  const text = o.value ?? '';
  const doc = parseDocument(text);
  if (doc.errors.length) throw new InputError(`${originOf(o)}: the value is not valid YAML (${oneLine(doc.errors[0]!.message)})`);
  const v = doc.toJS() as unknown;
  return v === null && text.trim() === '' ? '' : v;
}

/**
 * Checks that `path` names a field of the scenario schema and sets it in the raw document,
 * creating intermediate mappings. A path into a population group needs the group to exist; a
 * key of a union of single-key forms (e.g. `arrival.uniform`) replaces the form written in the file.
 */
function applyOverride(raw: Record<string, unknown>, o: Override, value: unknown, file: string): void {
  const origin = originOf(o);
  const keys = o.path.split('.');
  if (keys.some((k) => k.trim() === '')) throw new InputError(`${origin}: expected a dotted key path such as population.leechers.count`);
  let schema: AnySchema = ScenarioSchema as AnySchema;
  let obj: Record<string, unknown> | unknown[] = raw;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const where = keys.slice(0, i).join('.');
    const node = unwrap(schema);
    const last = i === keys.length - 1;
    let next: AnySchema | undefined;
    if (node.type === 'object') {
      next = node.shape[key];
      if (!next) {
        throw new InputError(`${origin}: '${key}' is not a field of ${where === '' ? 'the scenario' : where} (fields: ${Object.keys(node.shape).join(', ')})`);
      }
    } else if (node.type === 'record') {
      const groups = Object.keys(obj as Record<string, unknown>);
      if (!last && !(key in (obj as Record<string, unknown>))) {
        throw new InputError(`${origin}: no group '${key}' in ${where} of ${file} (groups: ${groups.join(', ') || 'none'})`);
      }
      next = node.value;
    } else if (node.type === 'union') {
      const option = node.options.find((s) => {
        const u = unwrap(s);
        return u.type === 'object' && key in u.shape;
      });
      const record = node.options.map((s) => unwrap(s)).find((u) => u.type === 'record');
      if (option) {
        // Switching to another form of the union: drop the form written in the file.
        const cur = obj as Record<string, unknown>;
        if (!(key in cur)) for (const k of Object.keys(cur)) delete cur[k];
        const u = unwrap(option);
        if (u.type !== 'object') throw new InputError(`${origin}: '${key}' is not a field of ${where}`);
        next = u.shape[key];
      } else if (record && record.type === 'record') {
        next = record.value;
      } else {
        throw new InputError(`${origin}: '${key}' is not a field of ${where} (${describeExpected(schema) ?? 'see swarmsim schema'})`);
      }
    } else if (node.type === 'array' || node.type === 'tuple') {
      const idx = Number(key);
      const len = (obj as unknown as unknown[]).length;
      const max = node.type === 'tuple' ? node.items.length - 1 : len;
      if (!/^\d+$/.test(key) || idx > max) {
        throw new InputError(`${origin}: '${key}' is not an index of ${where} (expected 0 to ${max})`);
      }
      next = node.type === 'tuple' ? node.items[idx] : node.element;
    } else {
      throw new InputError(`${origin}: ${where} is a single value, it has no field '${key}'`);
    }
    if (last) {
      (obj as Record<string, unknown>)[key] = value;
      return;
    }
    if (unwrap(next!).type === 'value') {
      throw new InputError(`${origin}: ${keys.slice(0, i + 1).join('.')} is a single value, it has no field '${keys[i + 1]}'`);
    }
    const container = obj as Record<string, unknown>;
    let child = container[key];
    if (child === undefined || child === null) {
      const n = unwrap(next!);
      child = n.type === 'array' || n.type === 'tuple' ? [] : {};
      container[key] = child;
    } else if (typeof child !== 'object' && unwrap(next!).type === 'union') {
      // A union written in its single-value form (behaviour: ghost) gets a mapping form.
      child = {};
      container[key] = child;
    } else if (typeof child !== 'object') {
      throw new InputError(`${origin}: ${keys.slice(0, i + 1).join('.')} in ${file} is ${JSON.stringify(child)}, not a mapping`);
    }
    obj = child as Record<string, unknown>;
    schema = next!;
  }
}

/** Parses `a.b=value` strings from the command line. */
export function parseOverrides(items: readonly string[]): Override[] {
  return items.map((s) => {
    const i = s.indexOf('=');
    if (i <= 0) throw new InputError(`--set ${s}: expected path=value, e.g. population.leechers.count=500`);
    const path = s.slice(0, i).trim();
    const value = s.slice(i + 1);
    return { path, value, origin: `--set ${path}=${value}` };
  });
}
