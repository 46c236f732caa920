/**
 * Writes docs/clients.md and the README's short client table: every client mirror of the
 * registry (reports/clients-table.ts `clientMirrors`) as the subject of seed-heavy, flash-crowd
 * and misbehaving-clients, on its own client kind, through the experiment runner (same seeds for
 * every client, so the paired differences are paired). Run with `npm run docs:clients` (builds
 * first: the worker threads run dist/). `--reps N` (default 3), `--jobs N` (default 2): 243 runs,
 * about 6 minutes on two free cores (11 minutes on a shared 2-core machine). Progress goes to
 * stderr; the documents are deterministic.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runExperiment } from '../sim/experiments/experiment.js';
import type { MetricValue } from '../sim/metrics/columns.js';
import type { Override } from '../sim/scenario/load.js';
import {
  clientMirrors,
  readmeClientsTable,
  renderClientsDoc,
  replaceBetweenMarkers,
  type LeagueScenario,
} from '../reports/clients-table.js';

interface TableScenario {
  file: string;
  /** Overrides for every client (the subject's client kind is added per client). */
  set: Record<string, string>;
  settings: string;
}

/** Shortened so that the whole table takes minutes: the settings line says what ran. */
const SCENARIOS: TableScenario[] = [
  { file: 'scenarios/seed-heavy.yaml', set: { duration: '1h' }, settings: '1 h horizon (the file says 2 h)' },
  {
    file: 'scenarios/flash-crowd.yaml',
    set: {
      duration: '10m',
      'population.subject.count': '10',
      'population.transmission_crowd.count': '50',
      'population.libtorrent_crowd.count': '140',
    },
    settings: 'one fifth of the crowd (10 subject, 50 Transmission and 140 libtorrent leechers, 2 origin seeds), 10 min horizon (the file says 1 h)',
  },
  { file: 'scenarios/misbehaving-clients.yaml', set: { duration: '1h' }, settings: '1 h horizon (the file says 2 h)' },
];

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name}: expected a whole number ≥ 1`);
  return v;
}

const reps = option('reps', 3);
const jobs = option('jobs', 2);
const root = fileURLToPath(new URL('..', import.meta.url));
const started = performance.now();
const log = (msg: string): void => {
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${msg}\n`);
};

const results: LeagueScenario[] = [];
for (const sc of SCENARIOS) {
  const league: LeagueScenario = { name: '', file: sc.file, settings: sc.settings, seeds: [], clients: [] };
  for (const factory of clientMirrors()) {
    const set = { ...sc.set, 'population.subject.client': factory.client! };
    const fixed: Override[] = Object.entries(set).map(([path, value]) => ({ path, value, origin: `clients-table ${path}=${value}` }));
    const res = await runExperiment({ scenario: root + sc.file, policies: [factory.name], reps, fixed, jobs, cwd: root });
    const runs = new Map<number, Record<string, MetricValue>>();
    for (const r of res.runs) {
      if (!r.ok || r.summary === null) throw new Error(`${sc.file} ${factory.name}: run ${r.index} failed: ${r.error}`);
      runs.set(res.plan.runs[r.index]!.seed, r.summary);
    }
    league.name = res.plan.scenario;
    league.seeds = res.plan.runs.map((r) => r.seed);
    league.clients.push({ factory, runs });
    log(`${sc.file} ${factory.name}: ${res.runs.length} runs`);
  }
  results.push(league);
}

const command = 'npm run docs:clients' + (reps !== 3 ? ` -- --reps ${reps}` : '');
const doc = renderClientsDoc(results, { reps, command });
const docFile = root + 'docs/clients.md';
writeFileSync(`${docFile}.tmp`, doc);
renameSync(`${docFile}.tmp`, docFile);
const readmeFile = root + 'README.md';
const readme = replaceBetweenMarkers(readFileSync(readmeFile, 'utf8'), 'clients', readmeClientsTable(results));
writeFileSync(`${readmeFile}.tmp`, readme);
renameSync(`${readmeFile}.tmp`, readmeFile);
log(`wrote ${docFile} and the README table`);
