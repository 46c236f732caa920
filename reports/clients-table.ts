import { estimate, pairedDifference, type Estimate } from '../sim/statistics.js';
import type { MetricValue } from '../sim/metrics/columns.js';
import type { PolicyFactory } from '../sim/policies/policy.js';
import { listPolicies } from '../sim/policies/registry.js';

/**
 * docs/clients.md, the league table of the client mirrors: every registered policy that names
 * its client (`PolicyFactory.client`, set by the mirrors in sim/policies/clients/ and by no
 * generic family) as the subject of each scenario, with replication CIs, the ratio of each mean
 * to the best client's and the paired difference to it over the same seeds. Pure: the runs come
 * from scripts/clients-table.ts.
 */

/** Every client mirror, in registry order: a mirror added later joins the table by itself. */
export function clientMirrors(): PolicyFactory[] {
  return listPolicies().filter((f) => f.client !== undefined);
}

export interface LeagueMetric {
  key: string;
  label: string;
  /** Which way is better. */
  better: 'low' | 'high';
}

export const LEAGUE_METRICS: readonly LeagueMetric[] = [
  { key: 'subject_wasted_handshakes_per_hour', label: 'wasted handshakes / h', better: 'low' },
  { key: 'subject_repeat_wasted', label: 'repeat_wasted', better: 'low' },
  { key: 'subject_churn_per_peer_min', label: 'churn / peer / min', better: 'low' },
  { key: 'subject_useful_ratio', label: 'useful ratio', better: 'high' },
  { key: 'subject_completion_s_p50', label: 'completion p50 (s)', better: 'low' },
];

/** One client's runs on one scenario: seed → summary. */
export interface ClientRuns {
  factory: PolicyFactory;
  runs: Map<number, Record<string, MetricValue>>;
}

export interface LeagueScenario {
  name: string;
  file: string;
  /** What the table ran, for the reader (horizon, overrides). */
  settings: string;
  seeds: number[];
  clients: ClientRuns[];
}

export interface LeagueCell {
  est: Estimate;
  /** mean / best mean; null when undefined (no value, or a best of 0 beside a non-zero mean). */
  ratio: number | null;
  /** Paired difference to the best client (null for the best itself). */
  diff: Estimate | null;
  best: boolean;
}

function values(c: ClientRuns, key: string): Map<number, number> {
  const m = new Map<number, number>();
  for (const [seed, s] of c.runs) {
    const v = s[key];
    if (v !== null && v !== undefined && Number.isFinite(v)) m.set(seed, v);
  }
  return m;
}

/** cells[client][metric]. */
export function leagueCells(sc: LeagueScenario): LeagueCell[][] {
  const cells: LeagueCell[][] = sc.clients.map(() => []);
  for (const m of LEAGUE_METRICS) {
    const vals = sc.clients.map((c) => values(c, m.key));
    const ests = vals.map((v) => estimate(sc.seeds.filter((s) => v.has(s)).map((s) => v.get(s)!)));
    let best = -1;
    ests.forEach((e, i) => {
      if (e.mean === null) return;
      const b = best < 0 ? null : ests[best]!.mean!;
      if (b === null || (m.better === 'low' ? e.mean < b : e.mean > b)) best = i;
    });
    ests.forEach((e, i) => {
      const b = best < 0 ? null : ests[best]!.mean!;
      let ratio: number | null = null;
      if (e.mean !== null && b !== null) ratio = b === 0 ? (e.mean === 0 ? 1 : null) : e.mean / b;
      const diff = best < 0 || i === best ? null : pairedDifference(sc.seeds, vals[i]!, vals[best]!);
      cells[i]!.push({ est: e, ratio, diff, best: i === best });
    });
  }
  return cells;
}

/** 3 significant digits, no exponent. */
export function fmt(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const a = Math.abs(x);
  const r = a >= 100 ? Math.round(x) : Number(x.toPrecision(3));
  return String(r);
}

function meanCell(c: LeagueCell): string {
  if (c.est.mean === null) return '—';
  const half = c.est.ciHigh === null ? '' : ` ± ${fmt(c.est.ciHigh - c.est.mean)}`;
  const ratio = c.ratio === null ? '' : ` (×${c.ratio.toFixed(2)})`;
  const text = `${fmt(c.est.mean)}${half}${ratio}`;
  return c.best ? `**${text}**` : text;
}

function diffCell(c: LeagueCell): string {
  if (c.best) return 'best';
  if (c.diff === null || c.diff.mean === null) return '—';
  const ci = c.diff.ciLow === null ? '' : ` [${fmt(c.diff.ciLow)}, ${fmt(c.diff.ciHigh)}]`;
  return `${c.diff.mean > 0 ? '+' : ''}${fmt(c.diff.mean)}${ci}`;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** A client × metric table of `cell` texts. */
function metricTable(sc: LeagueScenario, cells: LeagueCell[][], cell: (c: LeagueCell) => string): string {
  const lines = [row(['client', ...LEAGUE_METRICS.map((m) => m.label)]), row(['---', ...LEAGUE_METRICS.map(() => '---')])];
  sc.clients.forEach((c, i) => lines.push(row([`\`${c.factory.name}\``, ...cells[i]!.map(cell)])));
  return lines.join('\n');
}

export interface LeagueDocOptions {
  reps: number;
  command: string;
}

/** The whole of docs/clients.md. */
export function renderClientsDoc(scenarios: readonly LeagueScenario[], opts: LeagueDocOptions): string {
  const out: string[] = [];
  const w = (s = ''): void => {
    out.push(s);
  };
  const clients = scenarios[0]?.clients.map((c) => c.factory) ?? [];
  w('# Client league table');
  w();
  w(`Generated by \`${opts.command}\` (\`scripts/clients-table.ts\`, \`reports/clients-table.ts\`); do not edit by hand.`);
  w('Every client mirror of the registry (the policies under `sim/policies/clients/`, i.e. those naming their');
  w('client) runs as the subject of each scenario, on its own client kind (`population.subject.client` set to');
  w("the policy's client), over the same seeds, so every other peer meets it in the same swarm (common random");
  w(`numbers). ${opts.reps} replications per client and scenario.`);
  w();
  w('Columns are the subject group\'s (SPEC "Metric definitions": a connection belongs to the subject when either');
  w('end is a subject peer): wasted handshakes per hour of simulated time, `repeat_wasted` (wasted handshakes');
  w('between a pair that already had one within the hour: the reconnect loop), closed connections per online');
  w('peer per minute, useful ratio (handshakes that moved piece data) and the median completion time of the');
  w('subject leechers (— when the subject peers are seeds). Each cell: mean ± half-width of the 95 % Student-t');
  w('interval over the replications, then (×r) the ratio of the mean to the best client\'s (lowest, or highest for');
  w('the useful ratio), best in bold. The second table per scenario is the paired difference to the best client');
  w('over the same seeds, with its 95 % interval: an interval that excludes 0 is a difference the seeds agree on.');
  w();
  w('The horizons and populations are shortened from the scenario files to keep the whole table to a few');
  w('minutes of two cores; each section says what it ran. Figures therefore differ from a full `swarmsim run`.');
  for (const sc of scenarios) {
    const cells = leagueCells(sc);
    w();
    w(`## ${sc.name}`);
    w();
    w(`\`${sc.file}\`: ${sc.settings}; seeds ${sc.seeds.join(', ')}.`);
    w();
    w(metricTable(sc, cells, meanCell));
    w();
    w('Paired difference to the best client (same seeds), 95 % interval:');
    w();
    w(metricTable(sc, cells, diffCell));
  }
  w();
  w('## What drives each figure');
  w();
  for (const f of clients) w(`- \`${f.name}\` (${f.client} kind): ${f.rule ?? f.description}.`);
  return out.join('\n') + '\n';
}

/** The README's short version: wasted handshakes per hour on each scenario, and the ratio to the best. */
export function readmeClientsTable(scenarios: readonly LeagueScenario[]): string {
  const key = LEAGUE_METRICS.findIndex((m) => m.key === 'subject_wasted_handshakes_per_hour');
  const cells = scenarios.map((sc) => leagueCells(sc));
  const out: string[] = [];
  out.push(row(['client (subject wasted handshakes / h, ×best)', ...scenarios.map((s) => s.name)]));
  out.push(row(['---', ...scenarios.map(() => '---:')]));
  (scenarios[0]?.clients ?? []).forEach((c, i) => {
    out.push(
      row([
        `\`${c.factory.name}\``,
        ...cells.map((sc) => {
          const cell = sc[i]![key]!;
          const text = `${fmt(cell.est.mean)}${cell.ratio === null ? '' : ` (×${cell.ratio.toFixed(2)})`}`;
          return cell.best ? `**${text}**` : text;
        }),
      ]),
    );
  });
  return out.join('\n') + '\n';
}

/** `text` with the part between `<!-- name:start -->` and `<!-- name:end -->` replaced. */
export function replaceBetweenMarkers(text: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->\n`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`no ${start.trim()} … ${end} markers`);
  return text.slice(0, i + start.length) + body + text.slice(j);
}
