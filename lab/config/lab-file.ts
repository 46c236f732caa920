import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { InputError } from '../../sim/input-error.js';
import { parseDuration, parseRate, parseSize } from '../../sim/scenario/units.js';

/**
 * A lab file (YAML): a small swarm of real clients, a torrent made on the fly and a real-time
 * duration. Every problem is an InputError `file: key.path: expected …, got …` (exit 2).
 */

export const CLIENT_KINDS = ['transmission', 'libtorrent', 'webtorrent'] as const;
export type ClientKindName = (typeof CLIENT_KINDS)[number];

/** At most this many clients in one lab: every client is a process (or a session) of its own. */
export const MAX_CLIENTS = 24;

const unit = (parse: (s: string) => number | undefined, what: string) =>
  z.union([z.number(), z.string()]).transform((v, ctx) => {
    const n = typeof v === 'number' ? v : parse(v);
    if (n === undefined || !Number.isFinite(n) || n < 0) {
      ctx.addIssue({ code: 'custom', message: `expected ${what}` });
      return z.NEVER;
    }
    return n;
  });

const seconds = unit(parseDuration, 'a duration such as 180, 90s or 3m');
const bytes = unit(parseSize, 'a size such as 262144, 256KiB or 1MiB');
const rate = unit(parseRate, 'a rate such as 0 (unlimited), 500KiB/s or 8Mbit/s');

const GroupSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a group name of lower-case letters, digits, - and _'),
    kind: z.enum(CLIENT_KINDS),
    count: z.int().min(1).max(MAX_CLIENTS),
    role: z.enum(['seed', 'leecher']),
    subject: z.boolean().default(false),
    /** Bytes per second, 0 = unlimited. */
    upload_limit: rate.default(0),
    download_limit: rate.default(0),
    /** Seconds after the lab starts before this group's clients start. */
    start_after: seconds.default(0),
    utp: z.boolean().default(false),
    pex: z.boolean().default(false),
  })
  .readonly();

const LabSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  duration: seconds.refine((s) => s >= 5 && s <= 3600, 'expected between 5 s and 1 h'),
  /** Seconds the clients get to stop after SIGTERM before SIGKILL. */
  grace: seconds.refine((s) => s <= 60, 'expected at most 60 s').default(5),
  /** namespace: a network namespace of its own (root, unshare); loopback: 127.0.0.N on the host; auto: namespace when possible. */
  network: z.enum(['namespace', 'loopback', 'auto']).default('namespace'),
  torrent: z.strictObject({
    size: bytes.refine((b) => b >= 1 && b <= 64 * 1024 * 1024, 'expected 1 B to 64 MiB'),
    piece_length: bytes.refine((b) => b >= 16384 && (b & (b - 1)) === 0, 'expected a power of two ≥ 16 KiB'),
    name: z.string().regex(/^[A-Za-z0-9._-]+$/).default('lab.bin'),
    /** BEP 27 private flag: the clients then look for peers at the tracker only (no DHT, PEX, LPD). */
    private: z.boolean().default(true),
  }),
  tracker: z.strictObject({ interval: seconds.default(60), numwant: z.int().min(1).max(200).default(50) }).default({ interval: 60, numwant: 50 }),
  groups: z.array(GroupSchema).min(1),
});

export type LabFile = z.output<typeof LabSchema>;
export type LabGroup = LabFile['groups'][number];

export function loadLabFile(file: string): LabFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: cannot read the lab file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return parseLabText(text, file);
}

export function parseLabText(text: string, file: string): LabFile {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) throw new InputError(`${file}: YAML syntax error: ${doc.errors[0]!.message.split('\n')[0]}`);
  const raw = (doc.toJS() ?? {}) as unknown;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InputError(`${file}: expected a mapping (name, duration, torrent, groups) at the top level`);
  const withName = { name: basename(file, extname(file)), ...(raw as Record<string, unknown>) };
  const r = LabSchema.safeParse(withName);
  if (!r.success) throw new InputError(`${file}: ${describe(r.error.issues[0]!, withName)}`);
  const lab = r.data;
  const total = lab.groups.reduce((s, g) => s + g.count, 0);
  if (total > MAX_CLIENTS) throw new InputError(`${file}: groups: expected at most ${MAX_CLIENTS} clients in all, got ${total}`);
  const names = new Set<string>();
  lab.groups.forEach((g, i) => {
    if (names.has(g.name)) throw new InputError(`${file}: groups.${i}.name: expected a name not used by another group, got "${g.name}"`);
    names.add(g.name);
  });
  lab.groups.forEach((g, i) => {
    if (g.pex && lab.torrent.private) throw new InputError(`${file}: groups.${i}.pex: expected false while torrent.private is true (a private torrent has no PEX), got true`);
  });
  if (!lab.groups.some((g) => g.role === 'seed')) throw new InputError(`${file}: groups: expected at least one group with role: seed`);
  return lab;
}

function describe(issue: z.core.$ZodIssue, raw: unknown): string {
  const path = issue.path.map(String).join('.') || '(top level)';
  let v: unknown = raw;
  for (const k of issue.path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  const got = v === undefined ? 'nothing' : JSON.stringify(v);
  if (issue.code === 'unrecognized_keys') return `${path === '(top level)' ? '' : path + ': '}unknown key ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  let expected: string;
  if (issue.code === 'custom') expected = issue.message.replace(/^expected /, '');
  else if (issue.code === 'invalid_type') expected = issue.expected === 'int' ? 'a whole number' : `a ${issue.expected}`;
  else if (issue.code === 'too_small') expected = issue.origin === 'array' ? `at least ${String(issue.minimum)} entries` : `a value ≥ ${String(issue.minimum)}`;
  else if (issue.code === 'too_big') expected = `a value ≤ ${String(issue.maximum)}`;
  else if (issue.code === 'invalid_value') expected = `one of ${issue.values.map((x) => JSON.stringify(x)).join(', ')}`;
  else if (issue.code === 'invalid_union') expected = 'a number or a string with a unit';
  else expected = issue.message;
  if (v === undefined) return `${path}: missing, expected ${expected}`;
  return `${path}: expected ${expected}, got ${got}`;
}
