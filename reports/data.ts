import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../sim/input-error.js';
import { CONNECTION_COLUMNS } from '../sim/metrics/columns.js';
import { csvFromText, numberCell, readCsv, requiredNumberCell, type CsvTable } from './csv.js';

/** The identifying columns every per-run file starts with. */
export const RUN_ID_COLUMNS = ['scenario', 'policy', 'rep', 'seed'] as const;

export interface RunKey {
  scenario: string;
  policy: string;
  rep: number;
  seed: number;
}

export interface SummaryRow extends RunKey {
  /** Override (sweep point) values, by column name; empty for a plain run. */
  point: Record<string, string>;
  /** `a=1, b=2`, or '' for a plain run. */
  pointLabel: string;
  values: Record<string, number | null>;
}

export interface TimeseriesRun extends RunKey {
  /** Sweep point (override columns between seed and t); empty for a plain run. */
  point: Record<string, string>;
  pointLabel: string;
  t: number[];
  /** Column name → values aligned with t. */
  cols: Record<string, (number | null)[]>;
}

export interface ComparisonRow {
  scenario: string;
  point: Record<string, string>;
  pointLabel: string;
  policy: string;
  metric: string;
  n: number;
  mean: number | null;
  sd: number | null;
  ci_low: number | null;
  ci_high: number | null;
  ref_policy: string;
  diff_mean: number | null;
  diff_ci_low: number | null;
  diff_ci_high: number | null;
}

export interface ConnectionRow extends RunKey {
  /** Sweep point label (override columns between seed and t_dial); '' for a plain run. */
  pointLabel: string;
  t_dial: number;
  t_connect: number | null;
  t_handshake: number | null;
  t_close: number | null;
  from: number;
  to: number;
  from_group: string;
  to_group: string;
  from_client: string;
  to_client: string;
  outcome: string;
  close_reason: string;
  closed_by: string;
  bytes_from_to: number | null;
  bytes_to_from: number | null;
}

/** A leecher's row of peers.csv: what the completion CDF needs (seeds are not kept). */
export interface PeerRow extends RunKey {
  pointLabel: string;
  group: string;
  arrival: number | null;
  completion: number | null;
}

export interface Outputs {
  dir: string;
  summary: SummaryRow[];
  /** Override columns of summary.csv (between `seed` and the first metric column). */
  pointColumns: string[];
  /** Metric columns present in summary.csv. */
  summaryMetrics: string[];
  timeseries: TimeseriesRun[];
  comparison: ComparisonRow[] | null;
  /** Dials made by subject peers only (see parseConnections). */
  connections: ConnectionRow[] | null;
  /** Leechers of peers.csv; null for an output folder written before peers.csv existed. */
  peers: PeerRow[] | null;
  /** Name of the scenario's subject group (from the manifest; `subject` without one). */
  subjectGroup: string;
  manifest: Record<string, unknown> | null;
  /** Policies in order of first appearance in summary.csv (the reference policy first). */
  policies: string[];
  scenarios: string[];
}

const isMetricColumn = (c: string): boolean => c.startsWith('subject_') || c.startsWith('swarm_');

export function pointLabelOf(point: Record<string, string>): string {
  return Object.entries(point)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

function runKeyAt(t: CsvTable, r: number, idx: number[]): RunKey {
  const row = t.rows[r]!;
  return {
    scenario: row[idx[0]!]!,
    policy: row[idx[1]!]!,
    rep: requiredNumberCell(t, r, idx[2]!),
    seed: requiredNumberCell(t, r, idx[3]!),
  };
}

function checkPolicy(t: CsvTable, r: number, k: RunKey): void {
  if (k.policy === '') throw new InputError(`${t.file}:${r + 2}: empty policy`);
}

export function parseSummary(t: CsvTable, requiredMetrics: readonly string[] = []): { rows: SummaryRow[]; pointColumns: string[]; metrics: string[] } {
  const missing = [...RUN_ID_COLUMNS, ...requiredMetrics].filter((c) => !t.header.includes(c));
  if (missing.length > 0) throw new InputError(`${t.file}: missing column${missing.length > 1 ? 's' : ''} ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ` and ${missing.length - 3} more` : ''}`);
  const idx = RUN_ID_COLUMNS.map((c) => t.header.indexOf(c));
  const seedAt = idx[3]!;
  const firstMetric = t.header.findIndex(isMetricColumn);
  const pointColumns = t.header.slice(seedAt + 1, firstMetric < 0 ? t.header.length : firstMetric).filter((c) => !isMetricColumn(c));
  const pointIdx = pointColumns.map((c) => t.header.indexOf(c));
  const metrics = t.header.filter(isMetricColumn);
  const metricIdx = metrics.map((c) => t.header.indexOf(c));
  const rows: SummaryRow[] = [];
  for (let r = 0; r < t.rows.length; r++) {
    const key = runKeyAt(t, r, idx);
    checkPolicy(t, r, key);
    const point: Record<string, string> = {};
    pointColumns.forEach((c, j) => (point[c] = t.rows[r]![pointIdx[j]!]!));
    const values: Record<string, number | null> = {};
    metrics.forEach((m, j) => (values[m] = numberCell(t, r, metricIdx[j]!)));
    rows.push({ ...key, point, pointLabel: pointLabelOf(point), values });
  }
  return { rows, pointColumns, metrics };
}

export function parseTimeseries(t: CsvTable, requiredMetrics: readonly string[] = []): TimeseriesRun[] {
  const missing = [...RUN_ID_COLUMNS, 't', ...requiredMetrics].filter((c) => !t.header.includes(c));
  if (missing.length > 0) throw new InputError(`${t.file}: missing column${missing.length > 1 ? 's' : ''} ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ` and ${missing.length - 3} more` : ''}`);
  const idx = RUN_ID_COLUMNS.map((c) => t.header.indexOf(c));
  const tAt = t.header.indexOf('t');
  const pointColumns = t.header.slice(idx[3]! + 1, tAt).filter((c) => !isMetricColumn(c));
  const pointIdx = pointColumns.map((c) => t.header.indexOf(c));
  const metrics = t.header.filter(isMetricColumn);
  const metricIdx = metrics.map((c) => t.header.indexOf(c));
  const runs = new Map<string, TimeseriesRun>();
  for (let r = 0; r < t.rows.length; r++) {
    const key = runKeyAt(t, r, idx);
    checkPolicy(t, r, key);
    const cells = pointIdx.map((i) => t.rows[r]![i]!);
    const id = `${key.scenario}\u0000${key.policy}\u0000${key.rep}\u0000${key.seed}\u0000${cells.join('\u0000')}`;
    let run = runs.get(id);
    if (!run) {
      const point: Record<string, string> = {};
      pointColumns.forEach((c, j) => (point[c] = cells[j]!));
      run = { ...key, point, pointLabel: pointLabelOf(point), t: [], cols: Object.fromEntries(metrics.map((m) => [m, []])) };
      runs.set(id, run);
    }
    run.t.push(requiredNumberCell(t, r, tAt));
    metrics.forEach((m, j) => run!.cols[m]!.push(numberCell(t, r, metricIdx[j]!)));
  }
  return [...runs.values()];
}

export function parseComparison(t: CsvTable): ComparisonRow[] {
  const need = ['scenario', 'policy', 'metric', 'n', 'mean', 'sd', 'ci_low', 'ci_high', 'ref_policy', 'diff_mean', 'diff_ci_low', 'diff_ci_high'];
  const missing = need.filter((c) => !t.header.includes(c));
  if (missing.length > 0) throw new InputError(`${t.file}: missing column${missing.length > 1 ? 's' : ''} ${missing.slice(0, 3).join(', ')}`);
  const at = (c: string) => t.header.indexOf(c);
  const pointColumns = t.header.slice(at('scenario') + 1, at('policy'));
  const out: ComparisonRow[] = [];
  for (let r = 0; r < t.rows.length; r++) {
    const row = t.rows[r]!;
    const point: Record<string, string> = {};
    for (const c of pointColumns) point[c] = row[at(c)]!;
    out.push({
      scenario: row[at('scenario')]!,
      point,
      pointLabel: pointLabelOf(point),
      policy: row[at('policy')]!,
      metric: row[at('metric')]!,
      n: requiredNumberCell(t, r, at('n')),
      mean: numberCell(t, r, at('mean')),
      sd: numberCell(t, r, at('sd')),
      ci_low: numberCell(t, r, at('ci_low')),
      ci_high: numberCell(t, r, at('ci_high')),
      ref_policy: row[at('ref_policy')]!,
      diff_mean: numberCell(t, r, at('diff_mean')),
      diff_ci_low: numberCell(t, r, at('diff_ci_low')),
      diff_ci_high: numberCell(t, r, at('diff_ci_high')),
    });
  }
  return out;
}

const OUTCOME_SET = new Set(['refused', 'timeout', 'handshake_failed', 'wasted', 'useful', 'open']);

/**
 * Rows of connections.csv. Every row's outcome is checked; objects are built only for rows whose
 * dialling side is in `fromGroup` when given (the raster needs the subject group's dials only, and
 * a traced run can hold hundreds of thousands of rows).
 */
export function parseConnections(t: CsvTable, fromGroup?: string): ConnectionRow[] {
  const missing = [...RUN_ID_COLUMNS, ...CONNECTION_COLUMNS].filter((c) => !t.header.includes(c));
  if (missing.length > 0) throw new InputError(`${t.file}: missing column${missing.length > 1 ? 's' : ''} ${missing.slice(0, 3).join(', ')}`);
  const idx = RUN_ID_COLUMNS.map((c) => t.header.indexOf(c));
  const at = Object.fromEntries(CONNECTION_COLUMNS.map((c) => [c, t.header.indexOf(c)])) as Record<(typeof CONNECTION_COLUMNS)[number], number>;
  const pointColumns = t.header.slice(idx[3]! + 1, at.t_dial);
  const pointIdx = pointColumns.map((c) => t.header.indexOf(c));
  const out: ConnectionRow[] = [];
  for (let r = 0; r < t.rows.length; r++) {
    const row = t.rows[r]!;
    const outcome = row[at.outcome]!;
    if (!OUTCOME_SET.has(outcome)) throw new InputError(`${t.file}:${r + 2}: column outcome: expected refused|timeout|handshake_failed|wasted|useful|open, got "${outcome.slice(0, 40)}"`);
    if (fromGroup !== undefined && row[at.from_group] !== fromGroup) continue;
    const key = runKeyAt(t, r, idx);
    const point: Record<string, string> = {};
    pointColumns.forEach((c, j) => (point[c] = row[pointIdx[j]!]!));
    out.push({
      scenario: key.scenario,
      policy: key.policy,
      rep: key.rep,
      seed: key.seed,
      pointLabel: pointLabelOf(point),
      t_dial: requiredNumberCell(t, r, at.t_dial),
      t_connect: numberCell(t, r, at.t_connect),
      t_handshake: numberCell(t, r, at.t_handshake),
      t_close: numberCell(t, r, at.t_close),
      from: requiredNumberCell(t, r, at.from),
      to: requiredNumberCell(t, r, at.to),
      from_group: row[at.from_group]!,
      to_group: row[at.to_group]!,
      from_client: row[at.from_client]!,
      to_client: row[at.to_client]!,
      outcome,
      close_reason: row[at.close_reason]!,
      closed_by: row[at.closed_by]!,
      bytes_from_to: numberCell(t, r, at.bytes_from_to),
      bytes_to_from: numberCell(t, r, at.bytes_to_from),
    });
  }
  return out;
}

const PEER_NEEDED = ['group', 'role', 'arrival', 'completion'] as const;

/** The leecher rows of peers.csv (role `leecher`): group, arrival and completion per run. */
export function parsePeers(t: CsvTable): PeerRow[] {
  const missing = [...RUN_ID_COLUMNS, ...PEER_NEEDED].filter((c) => !t.header.includes(c));
  if (missing.length > 0) throw new InputError(`${t.file}: missing column${missing.length > 1 ? 's' : ''} ${missing.slice(0, 3).join(', ')}`);
  const idx = RUN_ID_COLUMNS.map((c) => t.header.indexOf(c));
  const at = Object.fromEntries(PEER_NEEDED.map((c) => [c, t.header.indexOf(c)])) as Record<(typeof PEER_NEEDED)[number], number>;
  // Override columns sit between seed and the first peer column (`peer`).
  const first = t.header.indexOf('peer');
  const pointColumns = t.header.slice(idx[3]! + 1, first < 0 ? at.group : first);
  const pointIdx = pointColumns.map((c) => t.header.indexOf(c));
  const out: PeerRow[] = [];
  for (let r = 0; r < t.rows.length; r++) {
    const row = t.rows[r]!;
    if (row[at.role] !== 'leecher') continue;
    const key = runKeyAt(t, r, idx);
    const point: Record<string, string> = {};
    pointColumns.forEach((c, j) => (point[c] = row[pointIdx[j]!]!));
    out.push({ ...key, pointLabel: pointLabelOf(point), group: row[at.group]!, arrival: numberCell(t, r, at.arrival), completion: numberCell(t, r, at.completion) });
  }
  return out;
}

/** The subject group's name: the scenario's `subject` key as recorded in manifest.json (default `subject`). */
export function subjectGroupOf(manifest: Record<string, unknown> | null): string {
  const points = manifest?.points;
  if (Array.isArray(points)) {
    const sc = (points[0] as { scenario?: { subject?: unknown } } | undefined)?.scenario;
    if (typeof sc?.subject === 'string') return sc.subject;
  }
  return 'subject';
}

/** Time-series and summary columns the report draws; a file without them is malformed. */
export const REPORT_TIMESERIES_COLUMNS = ['churn_per_peer_min', 'wasted_handshakes_total', 'completed_total'].flatMap((m) => [`subject_${m}`, `swarm_${m}`]);
export const REPORT_SUMMARY_COLUMNS = ['completed_fraction'].flatMap((m) => [`subject_${m}`, `swarm_${m}`]);

function readOptional(file: string): string | null {
  if (!existsSync(file)) return null;
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`${file}: cannot read the file`);
  }
}

/**
 * Reads an output directory. summary.csv and timeseries.csv are required; comparison.csv,
 * connections.csv, peers.csv and manifest.json are used when present. Every problem is an InputError.
 */
export function loadOutputs(dir: string): Outputs {
  if (!existsSync(dir)) throw new InputError(`${dir}: no such output directory`);
  const sum = parseSummary(readCsv(join(dir, 'summary.csv')), REPORT_SUMMARY_COLUMNS);
  if (sum.rows.length === 0) throw new InputError(`${join(dir, 'summary.csv')}: no runs (header only)`);
  const timeseries = parseTimeseries(readCsv(join(dir, 'timeseries.csv')), REPORT_TIMESERIES_COLUMNS);
  const compText = readOptional(join(dir, 'comparison.csv'));
  const comparison = compText === null ? null : parseComparison(csvFromText(join(dir, 'comparison.csv'), compText));
  const manText = readOptional(join(dir, 'manifest.json'));
  let manifest: Record<string, unknown> | null = null;
  if (manText !== null) {
    try {
      manifest = JSON.parse(manText) as Record<string, unknown>;
    } catch (e) {
      throw new InputError(`${join(dir, 'manifest.json')}: malformed JSON: ${(e as Error).message}`);
    }
    if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) throw new InputError(`${join(dir, 'manifest.json')}: expected a JSON object`);
  }
  const subjectGroup = subjectGroupOf(manifest);
  const connText = readOptional(join(dir, 'connections.csv'));
  const connections = connText === null ? null : parseConnections(csvFromText(join(dir, 'connections.csv'), connText), subjectGroup);
  const peerText = readOptional(join(dir, 'peers.csv'));
  const peers = peerText === null ? null : parsePeers(csvFromText(join(dir, 'peers.csv'), peerText));
  const policies: string[] = [];
  const scenarios: string[] = [];
  for (const r of sum.rows) {
    if (!policies.includes(r.policy)) policies.push(r.policy);
    if (!scenarios.includes(r.scenario)) scenarios.push(r.scenario);
  }
  return { dir, summary: sum.rows, pointColumns: sum.pointColumns, summaryMetrics: sum.metrics, timeseries, comparison, connections, peers, manifest, policies, scenarios, subjectGroup };
}
