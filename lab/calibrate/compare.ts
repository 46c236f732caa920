import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { columnIndex, numberCell, readCsv, type CsvTable } from '../../reports/csv.js';
import { runOne } from '../../sim/experiments/run-one.js';
import type { RunResult } from '../../sim/experiments/run-types.js';
import { estimate, type Estimate } from '../../sim/statistics.js';
import { CONNECTION_COLUMNS } from '../../sim/metrics/columns.js';
import { CLIENT_KIND_BY_NAME } from '../../sim/model/client-kind.js';
import { getPolicyFactory } from '../../sim/policies/registry.js';
import { ScenarioSchema, type Scenario } from '../../sim/scenario/schema.js';
import { loadLabFile, type LabFile } from '../config/lab-file.js';
import { MIRRORS, twinOfRun, type Twin } from './twin.js';

/**
 * Real runs beside their simulated twins: per metric the real runs' mean and t-based 95 % CI
 * (sim/statistics.ts, as comparison.csv), the twin's over its replications, their
 * ratio and a verdict; per subject peer and remote, the dial times of the first real run beside
 * the twin's first replication.
 */

/** Subject columns of summary.csv compared, with their labels. */
export const CALIBRATED_METRICS: readonly (readonly [string, string])[] = [
  ['subject_connect_attempts', 'attempts'],
  ['subject_handshakes', 'handshakes'],
  ['subject_handshake_failures', 'handshake failures'],
  ['subject_wasted_handshakes', 'wasted handshakes'],
  ['subject_repeat_wasted', 'repeat_wasted'],
  ['subject_churn_per_peer_min', 'churn / peer / min'],
];

/** The metrics the target is set on (issue 14): within the real CI or within 20 %. */
export const TARGET_METRICS: readonly string[] = ['subject_wasted_handshakes', 'subject_repeat_wasted'];
export const TARGET_TOLERANCE = 0.2;

export type Verdict = 'in CI' | 'within 20%' | 'differs';

export interface LabCase {
  lab: LabFile;
  labFile: string;
  /** Committed real runs (lab/runs/<name>-N), in run order. */
  runDirs: string[];
  /** Their ingested metrics (lab/runs/<name>.metrics). */
  metricsDir: string;
  /** One twin per real run, in run order, with its validated scenario. */
  twins: { twin: Twin; scenario: Scenario }[];
}

export interface MetricRow {
  metric: string;
  label: string;
  real: Estimate;
  sim: Estimate;
  /** sim mean / real mean; null when the real mean is 0. */
  ratio: number | null;
  verdict: Verdict;
}

export interface DialRow {
  /** The subject peer. */
  from: string;
  /** The remote. */
  to: string;
  real: Dial[];
  sim: Dial[];
  /** Same number of dials, each the same way and within one pulse of the subject's client kind. */
  match: boolean;
  /** Same number of dials, each within one pulse, but not all the same way (which end dials first is a race). */
  otherWay: boolean;
  /** Largest |real − sim| over paired dials (null when either side has none). */
  maxDelta: number | null;
}

export interface Calibration {
  case: LabCase;
  policy: string;
  real: string;
  pulse: number;
  rows: MetricRow[];
  dials: DialRow[];
}

/** Every lab file under `root`/lab with committed runs and their ingested metrics. */
export function labCases(root: string): LabCase[] {
  const labDir = join(root, 'lab');
  const runsDir = join(labDir, 'runs');
  const out: LabCase[] = [];
  for (const f of readdirSync(labDir).filter((n) => n.endsWith('.yaml')).sort()) {
    const name = basename(f, '.yaml');
    const metricsDir = join(runsDir, `${name}.metrics`);
    const runDirs = readdirSync(runsDir)
      .filter((d) => new RegExp(`^${name.replace(/[-.]/g, '\\$&')}-\\d+$`).test(d))
      .sort((a, b) => Number(a.slice(name.length + 1)) - Number(b.slice(name.length + 1)))
      .map((d) => join(runsDir, d));
    if (runDirs.length === 0 || !existsSync(join(metricsDir, 'summary.csv'))) continue;
    const lab = loadLabFile(join(labDir, f));
    const summary = readCsv(join(metricsDir, 'summary.csv'));
    const p50 = columnIndex(summary, 'swarm_completion_s_p50');
    const twins = runDirs.map((d, run) => {
      const twin = twinOfRun(lab, d, run < summary.rows.length ? numberCell(summary, run, p50) : null);
      return { twin, scenario: ScenarioSchema.parse(twin.raw) };
    });
    out.push({ lab, labFile: `lab/${f}`, runDirs, metricsDir, twins });
  }
  return out;
}

/** Every twin's replications (twin by twin, replication by replication), traced for the subject group. */
export function simulateTwins(c: LabCase): RunResult[][] {
  return c.twins.map(({ scenario: s }) => {
    const policy = s.policies[0]!;
    const { factory, params } = getPolicyFactory(policy);
    const out: RunResult[] = [];
    for (let rep = 0; rep < s.replications; rep++) {
      out.push(runOne({ scenario: s, policy, factory, params, rep, seed: s.seed + rep, trace: 'subject' }));
    }
    return out;
  });
}

export function verdict(real: Estimate, sim: Estimate): Verdict {
  const r = real.mean;
  const m = sim.mean;
  if (r === null || m === null) return 'differs';
  if (real.ciLow !== null && real.ciHigh !== null && m >= real.ciLow - 1e-9 && m <= real.ciHigh + 1e-9) return 'in CI';
  if (Math.abs(m - r) <= TARGET_TOLERANCE * Math.abs(r) + 1e-9) return 'within 20%';
  return 'differs';
}

function column(t: CsvTable, name: string): number[] {
  const i = columnIndex(t, name);
  const v: number[] = [];
  for (let r = 0; r < t.rows.length; r++) {
    const x = numberCell(t, r, i);
    if (x !== null) v.push(x);
  }
  return v;
}

/** Compares a lab's committed real runs with its twin. */
export function calibrate(c: LabCase, byTwin: readonly (readonly RunResult[])[] = simulateTwins(c)): Calibration {
  const results = byTwin.flat();
  const realTable = readCsv(join(c.metricsDir, 'summary.csv'));
  const subjectGroup = c.lab.groups.find((g) => g.subject) ?? c.lab.groups[0]!;
  const mirror = MIRRORS[subjectGroup.kind];
  const rows: MetricRow[] = CALIBRATED_METRICS.map(([metric, label]) => {
    const real = estimate(column(realTable, metric));
    const sim = estimate(results.map((r) => Number(r.summary[metric] ?? NaN)).filter((x) => Number.isFinite(x)));
    const ratio = real.mean !== null && real.mean !== 0 && sim.mean !== null ? sim.mean / real.mean : null;
    return { metric, label, real, sim, ratio, verdict: verdict(real, sim) };
  });
  const pulse = CLIENT_KIND_BY_NAME[mirror.client].pulsePeriod;
  return { case: c, policy: c.twins[0]!.scenario.policies[0]!, real: mirror.real, pulse, rows, dials: dialRows(c, byTwin[0]![0]!, pulse) };
}

/** Lab client ids (`subject-1`, `seeds-2`, …) in lab.json order: index = peer id in both CSVs. */
function clientIds(runDir: string): string[] {
  const lab = JSON.parse(readFileSync(join(runDir, 'lab.json'), 'utf8')) as { clients: { id: string }[] };
  return lab.clients.map((x) => x.id);
}

/** One dial between a subject peer and a remote: its time, direction, and whether it failed its handshake. */
export interface Dial {
  t: number;
  /** `→` the subject peer (first of the pair) dialled; `←` the remote did. */
  dir: '→' | '←';
  failed: boolean;
  /** Real only: the plaintext retry that followed this dial inside the same attempt (Transmission). */
  retry?: boolean;
}

interface Cols {
  t: number;
  from: number;
  to: number;
  fromGroup: number;
  toGroup: number;
  outcome: number;
}

/** Dials in which a subject peer takes part, by pair `a↔b` (a the subject peer; two subject peers: lower id first). */
function dialsOf(rows: Iterable<readonly (string | number)[]>, c: Cols, subject: string): Map<string, Dial[]> {
  const m = new Map<string, Dial[]>();
  for (const r of rows) {
    const fromSubject = String(r[c.fromGroup]) === subject;
    const toSubject = String(r[c.toGroup]) === subject;
    if (!fromSubject && !toSubject) continue;
    const from = Number(r[c.from]);
    const to = Number(r[c.to]);
    const fromFirst = fromSubject && (!toSubject || from < to);
    const key = fromFirst ? `${from}↔${to}` : `${to}↔${from}`;
    const list = m.get(key) ?? [];
    list.push({ t: Number(r[c.t]), dir: fromFirst ? '→' : '←', failed: r[c.outcome] === 'handshake_failed' });
    m.set(key, list);
  }
  for (const v of m.values()) v.sort((a, b) => a.t - b.t);
  return m;
}

/** Seconds after a failed dial within which a second dial the same way is its plaintext retry. */
const RETRY_WINDOW = 2;

/**
 * Transmission's plaintext retry (`handshake failed, trying plaintext...`) is a second TCP
 * connection inside one peer-manager attempt; ingest and the model (client kind
 * `plaintextRetry`) count it as a connection of its own. Folded into the dial it retries for the
 * schedule comparison, on both sides.
 */
export function foldRetries(dials: readonly Dial[]): Dial[] {
  const out: Dial[] = [];
  for (const d of dials) {
    const prev = [...out].reverse().find((p) => p.dir === d.dir);
    if (prev !== undefined && prev.failed && !prev.retry && d.t - prev.t <= RETRY_WINDOW) {
      prev.retry = true;
      continue;
    }
    out.push({ ...d });
  }
  return out;
}

function dialRows(c: LabCase, sim: RunResult, pulse: number): DialRow[] {
  const ids = clientIds(c.runDirs[0]!);
  const subject = c.twins[0]!.scenario.subject;
  const subjectKind = (c.lab.groups.find((g) => g.subject) ?? c.lab.groups[0]!).kind;
  const realTable = readCsv(join(c.metricsDir, 'connections.csv'));
  const rep = columnIndex(realTable, 'rep');
  const realGroup = (c.lab.groups.find((g) => g.subject) ?? c.lab.groups[0]!).name;
  const col = (n: string): number => columnIndex(realTable, n);
  const realCols = { t: col('t_dial'), from: col('from'), to: col('to'), fromGroup: col('from_group'), toGroup: col('to_group'), outcome: col('outcome') };
  const real = dialsOf(realTable.rows.filter((r) => r[rep] === '0'), realCols, realGroup);
  const idx = (n: string): number => CONNECTION_COLUMNS.indexOf(n as (typeof CONNECTION_COLUMNS)[number]);
  const simCols = { t: idx('t_dial'), from: idx('from'), to: idx('to'), fromGroup: idx('from_group'), toGroup: idx('to_group'), outcome: idx('outcome') };
  const simDials = dialsOf(sim.connections, simCols, subject);
  const keys = [...new Set([...real.keys(), ...simDials.keys()])].sort((a, b) => {
    const [af, at] = a.split('↔').map(Number) as [number, number];
    const [bf, bt] = b.split('↔').map(Number) as [number, number];
    return af - bf || at - bt;
  });
  return keys.map((k) => {
    const [f, t] = k.split('↔').map(Number) as [number, number];
    const raw = real.get(k) ?? [];
    const r = subjectKind === 'transmission' ? foldRetries(raw) : raw;
    const s = subjectKind === 'transmission' ? foldRetries(simDials.get(k) ?? []) : (simDials.get(k) ?? []);
    let maxDelta: number | null = null;
    let sameWay = r.length === s.length;
    for (let i = 0; i < Math.min(r.length, s.length); i++) {
      maxDelta = Math.max(maxDelta ?? 0, Math.abs(r[i]!.t - s[i]!.t));
      if (r[i]!.dir !== s[i]!.dir) sameWay = false;
    }
    const inPulse = r.length === s.length && (maxDelta ?? 0) <= pulse + 1e-9;
    return { from: ids[f] ?? String(f), to: ids[t] ?? String(t), real: r, sim: s, match: inPulse && sameWay, otherWay: inPulse && !sameWay, maxDelta };
  });
}
