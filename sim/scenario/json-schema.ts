import { z } from 'zod';
import { ScenarioSchema } from './schema.js';

/**
 * Introspection of the scenario schema: the JSON Schema for editors (`swarmsim schema`), the walk
 * `--set` paths take, the wording of "expected …" in error messages, and the field table of
 * docs/scenarios.md. Everything is read from the zod schema, so a field added there shows up here.
 */

/** A zod schema of any kind (the walk reads zod 4's `_zod.def`). */
export type AnySchema = z.ZodType;

interface Def {
  type: string;
  [k: string]: unknown;
}

function defOf(s: AnySchema): Def {
  return (s as unknown as { _zod: { def: Def } })._zod.def;
}

interface Checks {
  min?: number;
  minInclusive?: boolean;
  max?: number;
  maxInclusive?: boolean;
  int?: boolean;
  minLength?: number;
  pattern?: string;
}

/** The bounds and formats of a schema, read from its checks. */
function checksOf(s: AnySchema): Checks {
  const out: Checks = {};
  for (const c of (defOf(s).checks as { _zod: { def: Record<string, unknown> } }[] | undefined) ?? []) {
    const d = c._zod.def;
    if (d.check === 'greater_than') {
      out.min = d.value as number;
      out.minInclusive = d.inclusive as boolean;
    } else if (d.check === 'less_than') {
      out.max = d.value as number;
      out.maxInclusive = d.inclusive as boolean;
    } else if (d.check === 'number_format' && String(d.format).includes('int')) out.int = true;
    else if (d.check === 'min_length') out.minLength = d.minimum as number;
    else if (d.check === 'string_format' && d.format === 'regex') out.pattern = String(d.pattern);
  }
  return out;
}

/** A schema with wrappers (default, optional, nullable, readonly, catch) taken off. */
export type SchemaNode =
  | { type: 'object'; shape: Record<string, AnySchema> }
  | { type: 'record'; value: AnySchema }
  | { type: 'union'; options: AnySchema[] }
  | { type: 'array'; element: AnySchema }
  | { type: 'tuple'; items: AnySchema[] }
  | { type: 'value'; schema: AnySchema };

const WRAPPERS = new Set(['default', 'optional', 'nullable', 'readonly', 'catch', 'prefault', 'nonoptional']);

function strip(s: AnySchema): AnySchema {
  let cur = s;
  for (let i = 0; i < 20; i++) {
    const d = defOf(cur);
    if (WRAPPERS.has(d.type)) cur = d.innerType as AnySchema;
    else break;
  }
  return cur;
}

export function unwrap(s: AnySchema): SchemaNode {
  const cur = strip(s);
  const d = defOf(cur);
  switch (d.type) {
    case 'object':
      return { type: 'object', shape: d.shape as Record<string, AnySchema> };
    case 'record':
      return { type: 'record', value: d.valueType as AnySchema };
    case 'union': {
      const options = d.options as AnySchema[];
      // number | string (a quantity with units) is one value, not a choice of structures.
      if (options.every((o) => !['object', 'record', 'array', 'tuple'].includes(defOf(strip(o)).type))) return { type: 'value', schema: cur };
      return { type: 'union', options };
    }
    case 'array':
      return { type: 'array', element: d.element as AnySchema };
    case 'tuple':
      return { type: 'tuple', items: d.items as AnySchema[] };
    default:
      return { type: 'value', schema: cur };
  }
}

/** The description of a field, looking through its wrappers. */
export function descriptionOf(s: AnySchema): string | undefined {
  let cur: AnySchema | undefined = s;
  for (let i = 0; cur && i < 20; i++) {
    if (cur.description) return cur.description;
    const d = defOf(cur);
    cur = WRAPPERS.has(d.type) ? (d.innerType as AnySchema) : d.type === 'pipe' ? (d.in as AnySchema) : undefined;
  }
  return undefined;
}

/** The default of a field, or undefined when it has none. */
export function defaultOf(s: AnySchema): unknown {
  let cur: AnySchema = s;
  for (let i = 0; i < 20; i++) {
    const d = defOf(cur);
    if (d.type === 'default' || d.type === 'prefault') {
      const v = d.defaultValue;
      return typeof v === 'function' ? (v as () => unknown)() : v;
    }
    if (!WRAPPERS.has(d.type)) return undefined;
    cur = d.innerType as AnySchema;
  }
  return undefined;
}

export function isOptional(s: AnySchema): boolean {
  const d = defOf(s);
  if (d.type === 'optional' || d.type === 'default' || d.type === 'prefault') return true;
  if (WRAPPERS.has(d.type)) return isOptional(d.innerType as AnySchema);
  return false;
}

/** The schema at a key path, or undefined when no field has that path. */
export function schemaAt(root: AnySchema, path: readonly string[]): AnySchema | undefined {
  let cur: AnySchema = root;
  for (const key of path) {
    const n = unwrap(cur);
    let next: AnySchema | undefined;
    if (n.type === 'object') next = n.shape[key];
    else if (n.type === 'record') next = n.value;
    else if (n.type === 'array') next = /^\d+$/.test(key) ? n.element : undefined;
    else if (n.type === 'tuple') next = /^\d+$/.test(key) ? n.items[Number(key)] : undefined;
    else if (n.type === 'union') {
      for (const o of n.options) {
        const u = unwrap(o);
        if (u.type === 'object' && u.shape[key]) next = u.shape[key];
      }
      if (!next) for (const o of n.options) if (unwrap(o).type === 'record') next = (unwrap(o) as { value: AnySchema }).value;
    }
    if (!next) return undefined;
    cur = next;
  }
  return cur;
}

export function fieldNames(s: AnySchema): string[] {
  const n = unwrap(s);
  return n.type === 'object' ? Object.keys(n.shape) : [];
}

function fmt(n: number): string {
  return String(n);
}

/** "a whole number ≥ 0", "a share from 0 to 1", "one of seed, leecher", … for error messages. */
export function describeExpected(s: AnySchema): string | undefined {
  const n = unwrap(s);
  const desc = descriptionOf(s) ?? '';
  if (n.type === 'object') return `a mapping with keys ${Object.keys(n.shape).join(', ')}`;
  if (n.type === 'record') return 'a mapping of names';
  if (n.type === 'array') {
    const min = checksOf(strip(s)).minLength;
    return min !== undefined && min > 0 ? `a list of at least ${min} entr${min === 1 ? 'y' : 'ies'}` : 'a list';
  }
  if (n.type === 'tuple') return `a list of ${n.items.length} values`;
  if (n.type === 'union') return formsOf(desc) ?? 'one of the documented forms (see swarmsim schema)';
  const inner = n.schema;
  const d = defOf(inner);
  if (d.type === 'number') {
    const c = checksOf(inner);
    if (!c.int && c.min === 0 && c.max === 1 && c.minInclusive && c.maxInclusive) return 'a share from 0 to 1';
    const what = c.int ? 'a whole number' : 'a number';
    if (c.min !== undefined && c.max !== undefined && c.minInclusive && c.maxInclusive) return `${what} from ${fmt(c.min)} to ${fmt(c.max)}`;
    const parts: string[] = [];
    if (c.min !== undefined) parts.push(`${c.minInclusive ? '≥' : '>'} ${fmt(c.min)}`);
    if (c.max !== undefined) parts.push(`${c.maxInclusive ? '≤' : '<'} ${fmt(c.max)}`);
    return parts.length ? `${what} ${parts.join(' and ')}` : what;
  }
  if (d.type === 'string') {
    const c = checksOf(inner);
    if (c.pattern) return `a name matching ${c.pattern}`;
    return c.minLength ? 'a non-empty string' : 'a string';
  }
  if (d.type === 'boolean') return 'true or false';
  if (d.type === 'enum') return `one of ${Object.values(d.entries as Record<string, string>).join(', ')}`;
  if (d.type === 'literal') return (d.values as unknown[]).map((v) => JSON.stringify(v)).join(' or ');
  if (d.type === 'union') {
    const forms = formsOf(desc);
    if (forms) return forms;
  }
  if (d.type === 'pipe' || d.type === 'union') {
    const m = /\(([^()]*)\)\s*$/.exec(desc);
    if (m) return m[1];
  }
  return undefined;
}

/** "'forever', {fixed: 3600} or {exponential: 3600} (seconds)" from a union's description. */
function formsOf(desc: string): string | undefined {
  const i = desc.indexOf(': ');
  if (i < 0) return undefined;
  // Up to the first ';' outside brackets.
  const rest = desc.slice(i + 2);
  let depth = 0;
  for (let k = 0; k < rest.length; k++) {
    const c = rest[k];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ';' && depth === 0) return rest.slice(0, k).trim();
  }
  return rest.trim();
}

/**
 * The JSON Schema of scenario files as written (input side: quantities accept numbers or unit
 * strings). Defaults hidden behind unit transforms are added back so editors show them.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioSchema, {
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      const zs = ctx.zodSchema as unknown as AnySchema;
      const js = ctx.jsonSchema as Record<string, unknown>;
      if (defOf(zs).type === 'default' && js.default === undefined) {
        const v = defaultOf(zs);
        if (v !== undefined && (typeof v !== 'object' || v === null || Object.keys(v).length > 0)) js.default = v;
      }
    },
  }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: 'https://swarmsim.dev/schema/scenario.json',
    title: 'swarmsim scenario',
    description: 'A swarmsim scenario file (scenarios/*.yaml): torrent, network, discovery, population groups, subject group and policies to compare.',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}

export interface FieldRow {
  path: string;
  type: string;
  required: boolean;
  default: string;
  description: string;
}

/** Every field of the scenario schema as a row of docs/scenarios.md's table, in schema order. */
export function scenarioFieldRows(): FieldRow[] {
  const rows: FieldRow[] = [];
  const visit = (s: AnySchema, path: string, required: boolean): void => {
    const n = unwrap(s);
    const def = defaultOf(s);
    const isStruct = n.type === 'object' || n.type === 'record';
    if (path !== '') {
      rows.push({
        path,
        type: isStruct ? 'mapping' : (describeExpected(s) ?? 'value'),
        required: required && !isOptional(s),
        default: def === undefined || (typeof def === 'object' && def !== null && !Array.isArray(def)) ? '' : JSON.stringify(def),
        description: descriptionOf(s) ?? '',
      });
    }
    if (n.type === 'object') for (const [k, v] of Object.entries(n.shape)) visit(v, path ? `${path}.${k}` : k, true);
    else if (n.type === 'record') visit(n.value, `${path}.<name>`, true);
    else if (n.type === 'union') {
      for (const o of n.options) {
        const u = unwrap(o);
        if (u.type === 'object') for (const [k, v] of Object.entries(u.shape)) visit(v, `${path}.${k}`, false);
        else if (u.type === 'record') visit(u.value, `${path}.<name>`, false);
      }
    }
  };
  visit(ScenarioSchema as AnySchema, '', true);
  return rows;
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The field table of docs/scenarios.md (`swarmsim schema --markdown`). */
export function scenarioFieldTable(): string {
  const lines = ['| field | expected | default | description |', '|---|---|---|---|'];
  for (const r of scenarioFieldRows()) {
    // The unit is in the "expected" column already: drop it from the description.
    let desc = r.description;
    const unit = /\s*\(([^()]*)\)\s*$/.exec(desc);
    if (unit && r.type.includes(unit[1]!.split(',')[0]!)) desc = desc.slice(0, unit.index);
    const def = r.required ? '**required**' : r.default === '' ? '' : `\`${r.default}\``;
    lines.push(`| \`${r.path}\` | ${mdCell(r.type)} | ${mdCell(def)} | ${mdCell(desc)} |`);
  }
  return lines.join('\n') + '\n';
}
