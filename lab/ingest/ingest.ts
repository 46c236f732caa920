import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { AtomicWriter, writeFileAtomic } from '../../sim/experiments/atomic.js';
import { csvLine, csvLines, type Cell } from '../../sim/experiments/format.js';
import { CONNECTION_COLUMNS, SUMMARY_COLUMNS, TIMESERIES_COLUMNS } from '../../sim/metrics/columns.js';
import { InputError } from '../../sim/input-error.js';
import type { LogEvent, LogParser, ParseResult } from './events.js';
import { findLabManifest, type LabManifest } from './lab-manifest.js';
import { libtorrentParser } from './libtorrent-log.js';
import { recordRun, type RealPeer } from './metrics.js';
import { pairSides } from './pair.js';
import { sidesOf } from './sides.js';
import { transmissionParser } from './transmission-log.js';
import { webtorrentParser } from './webtorrent-log.js';

/**
 * `swarmsim ingest`: real client logs → connections.csv, summary.csv and timeseries.csv with the
 * columns and metric definitions of simulated runs. One lab folder is one run; its policy is
 * named after the subject clients, `real:<kind>-<version>`. Every line of every log is used,
 * ignored (known, irrelevant) or unparsed; unparsed lines are counted on stderr and in ingest.json.
 */

const KEY_COLUMNS = ['scenario', 'policy', 'rep', 'seed'];

export function parsersFor(trackerHost: string | null): LogParser[] {
  return [transmissionParser, libtorrentParser, webtorrentParser(trackerHost)];
}

/** Picks the parser for a file from its first lines; an unknown format is an InputError. */
export function detectFormat(file: string, text: string, trackerHost: string | null): LogParser {
  const head = text.split('\n', 40).filter((l) => l.trim() !== '');
  const p = parsersFor(trackerHost).find((x) => x.detect(head));
  if (!p) throw new InputError(`${file}: unknown log format (expected a Transmission 3.00 deep log, libtorrent alerts from swarmsim lab, or WebTorrent lab events); first line: ${JSON.stringify((head[0] ?? '').slice(0, 100))}`);
  return p;
}

export interface FileReport {
  file: string;
  client: string;
  format: string;
  lines: number;
  used: number;
  ignored: number;
  unparsed: number;
  unparsed_samples: string[];
}

export interface IngestedRun {
  scenario: string;
  policy: string;
  rep: number;
  summary: Record<string, number | null>;
  timeseries: number[][];
  trace: (string | number)[][];
  files: FileReport[];
}

function parseLab(m: LabManifest, interval: number, rep: (policy: string) => number): IngestedRun {
  const files: FileReport[] = [];
  const events: LogEvent[] = [];
  for (const c of m.clients) {
    for (const rel of c.logs) {
      const file = join(m.dir, rel);
      const text = readLog(file, join(m.dir, 'lab.json'));
      if (text.trim() === '') {
        files.push({ file, client: c.id, format: 'empty', lines: 0, used: 0, ignored: 0, unparsed: 0, unparsed_samples: [] });
        continue;
      }
      const parser = detectFormat(file, text, m.tracker?.address ?? null);
      const r: ParseResult = parser.parse(text, { subject: c.id, tzOffsetMin: m.tz_offset_min ?? 0, seed: c.role === 'seed' });
      files.push({ file, client: c.id, format: r.format, lines: r.lines, used: r.used, ignored: r.ignored, unparsed: r.unparsed, unparsed_samples: r.unparsedSamples });
      events.push(...r.events);
    }
  }
  const byAddr = new Map(m.clients.map((c) => [c.address, c.id]));
  const addrOf = new Map(m.clients.map((c) => [c.id, c.address]));
  const sides = m.clients.flatMap((c) => sidesOf(events.filter((e) => e.subject === c.id)));
  const conns = pairSides(sides, (ip) => byAddr.get(ip), (id) => addrOf.get(id));
  const peers: RealPeer[] = m.clients.map((c) => ({ id: c.id, group: c.group, kind: `${c.kind}-${c.version}`, subject: c.subject, seed: c.role === 'seed' }));
  const peerEvents = events.filter((e) => e.type === 'online' || e.type === 'completed' || e.type === 'offline');
  const recorded = recordRun(peers, peerEvents, conns, m.start_ms / 1000, m.duration_s, interval);
  const subjects = m.clients.filter((c) => c.subject);
  const named = subjects.length > 0 ? subjects : m.clients;
  const policy = 'real:' + [...new Set(named.map((c) => `${c.kind}-${c.version}`))].join('+');
  return { scenario: m.lab, policy, rep: rep(policy), ...recorded, files };
}

/** A log as the lab wrote it, or gzipped beside it (how lab/runs/ keeps them small). */
function readLog(file: string, manifest: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8');
  if (existsSync(file + '.gz')) return gunzipSync(readFileSync(file + '.gz')).toString('utf8');
  throw new InputError(`${file}: log named in ${manifest} is missing`);
}

/** Lab folders from the command line: each path is a lab output folder, its logs/, or a log in it. */
export function labsOf(paths: readonly string[]): LabManifest[] {
  const seen = new Map<string, LabManifest>();
  for (const p of paths) {
    if (!existsSync(p)) throw new InputError(`${p}: no such file or folder`);
    const m = findLabManifest(p);
    if (!m) {
      if (statSync(p).isFile()) detectFormat(p, readFileSync(p, 'utf8'), null);
      throw new InputError(`${p}: no lab.json beside it or in the folder above: ingest needs the lab.json that swarmsim lab writes, to tell which address is which client`);
    }
    seen.set(resolve(m.dir), m);
  }
  return [...seen.values()];
}

export function ingest(paths: readonly string[], out: string, interval: number, warn: (s: string) => void): IngestedRun[] {
  const labs = labsOf(paths);
  const reps = new Map<string, number>();
  const rep = (policy: string): number => {
    const n = reps.get(policy) ?? 0;
    reps.set(policy, n + 1);
    return n;
  };
  const runs = labs.map((m) => parseLab(m, interval, rep));
  mkdirSync(out, { recursive: true });
  const key = (r: IngestedRun): Cell[] => [r.scenario, r.policy, r.rep, ''];
  const writers: [string, string[], (r: IngestedRun) => Cell[][]][] = [
    ['summary.csv', [...KEY_COLUMNS, ...SUMMARY_COLUMNS], (r) => [[...key(r), ...SUMMARY_COLUMNS.map((c) => r.summary[c] ?? null)]]],
    ['timeseries.csv', [...KEY_COLUMNS, ...TIMESERIES_COLUMNS], (r) => r.timeseries.map((row) => [...key(r), ...row])],
    ['connections.csv', [...KEY_COLUMNS, ...CONNECTION_COLUMNS], (r) => r.trace.map((row) => [...key(r), ...row])],
  ];
  for (const [name, header, rows] of writers) {
    const w = new AtomicWriter(join(out, name));
    try {
      w.write(csvLine(header));
      for (const r of runs) w.write(csvLines(rows(r)));
      w.commit();
    } catch (e) {
      w.abort();
      throw e;
    }
  }
  const report = runs.map((r) => ({
    scenario: r.scenario,
    policy: r.policy,
    rep: r.rep,
    unparsed_lines: r.files.reduce((s, f) => s + f.unparsed, 0),
    files: r.files.map((f) => ({ ...f, file: basename(f.file) })),
  }));
  writeFileAtomic(join(out, 'ingest.json'), JSON.stringify({ runs: report }, null, 2) + '\n');
  for (const r of report) {
    for (const f of r.files) {
      if (f.unparsed > 0) warn(`ingest: ${f.file}: ${f.unparsed} of ${f.lines} lines unparsed (first: ${f.unparsed_samples[0] ?? ''})`);
    }
    warn(`ingest: ${r.scenario} as ${r.policy} rep ${r.rep}: ${r.files.length} logs, ${r.files.reduce((s, f) => s + f.lines, 0)} lines, ${r.unparsed_lines} unparsed`);
  }
  return runs;
}
