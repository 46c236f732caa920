import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { CONNECTION_COLUMNS, SUMMARY_COLUMNS, TIMESERIES_COLUMNS } from '../../sim/metrics/columns.js';

/** Synthetic output directories with exactly the contract's columns, for report tests before the model exists. */

export const FIXTURE_POLICIES = ['transmission-4.1', 'transmission-main-2023', 'exp-backoff:base=5'] as const;
export const FIXTURE_REPS = 3;
export const FIXTURE_INTERVALS = 30; // 30 × 60 s

function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface FixtureOptions {
  policies?: readonly string[];
  reps?: number;
  withConnections?: boolean;
  withManifest?: boolean;
  withComparison?: boolean;
  scenario?: string;
  /** Sweep points: values of an override column `population.leechers.count` (written after seed). */
  points?: string[];
}

/** How many dials of the busiest subject peer per policy the fixture holds (for the raster assertions). */
export const RASTER_PEER = 7;

export function writeFixture(dir: string, o: FixtureOptions = {}): { dir: string; dialsOfPeer: Record<string, number> } {
  const policies = o.policies ?? FIXTURE_POLICIES;
  const reps = o.reps ?? FIXTURE_REPS;
  const scenario = o.scenario ?? 'seed-heavy';
  mkdirSync(dir, { recursive: true });
  const sumRows: (string | number)[][] = [];
  const tsRows: (string | number)[][] = [];
  const connRows: (string | number)[][] = [];
  const dialsOfPeer: Record<string, number> = {};
  const points = o.points ?? [null];
  const pcols = o.points ? ['population.leechers.count'] : [];
  for (const pt of points) {
  const pv = pt === null ? [] : [pt];
  policies.forEach((policy, pi) => {
    const badness = pi === 1 ? 3 : pi === 0 ? 1 : 0.6; // main-2023 loops
    for (let rep = 0; rep < reps; rep++) {
      const seed = 1000 + rep;
      const rnd = lcg(seed * 31 + pi);
      const summary: Record<string, number | string> = {};
      for (const c of SUMMARY_COLUMNS) summary[c] = Math.round(rnd() * 100);
      for (const g of ['subject', 'swarm']) {
        summary[`${g}_churn_per_peer_min`] = +(0.5 * badness + rnd() * 0.1).toFixed(4);
        summary[`${g}_wasted_handshakes`] = Math.round(200 * badness + rnd() * 20);
        summary[`${g}_repeat_wasted`] = Math.round(150 * badness * badness + rnd() * 10);
        summary[`${g}_useful_ratio`] = +(0.8 / badness - rnd() * 0.05).toFixed(4);
        summary[`${g}_completion_s_p90`] = Math.round(900 + 50 * badness + rnd() * 30);
        summary[`${g}_completed_fraction`] = 0.9;
        summary[`${g}_convergence_s`] = '';
      }
      sumRows.push([scenario, policy, rep, seed, ...pv, ...SUMMARY_COLUMNS.map((c) => summary[c]!)]);
      const totals: Record<string, number> = { subject: 0, swarm: 0 };
      const completed: Record<string, number> = { subject: 0, swarm: 0 };
      for (let i = 1; i <= FIXTURE_INTERVALS; i++) {
        const t = i * 60;
        const row: Record<string, number> = { t };
        for (const g of ['subject', 'swarm']) {
          const w = Math.round(badness * (g === 'swarm' ? 12 : 6) * (0.5 + rnd()));
          totals[g]! += w;
          completed[g] = Math.min(g === 'swarm' ? 40 : 10, completed[g]! + (rnd() < 0.6 ? 1 + Math.floor(rnd() * (g === 'swarm' ? 3 : 1.5)) : 0));
          for (const m of ['online_peers', 'seeds', 'leechers', 'open_connections', 'connect_attempts', 'handshakes', 'repeat_wasted', 'closed_connections']) row[`${g}_${m}`] = Math.round(rnd() * 50);
          row[`${g}_wasted_handshakes`] = w;
          row[`${g}_wasted_handshakes_total`] = totals[g]!;
          row[`${g}_churn_per_peer_min`] = +(badness * (i < 5 ? 1.5 : 0.6) + rnd() * 0.2).toFixed(4);
          row[`${g}_completed_total`] = completed[g]!;
        }
        tsRows.push([scenario, policy, rep, seed, ...pv, ...TIMESERIES_COLUMNS.map((c) => row[c]!)]);
      }
      if (rep === 0) {
        // subject peer RASTER_PEER dials remotes 100..(100+k) repeatedly; peer 8 dials a little
        const n = Math.round(12 * badness);
        dialsOfPeer[policy] = n;
        const outcomes = ['refused', 'timeout', 'handshake_failed', 'wasted', 'useful', 'open'];
        for (let k = 0; k < n; k++) {
          const t = 30 + k * (1700 / n);
          const outcome = outcomes[(k * 7 + pi) % outcomes.length]!;
          const hs = outcome === 'wasted' || outcome === 'useful' || outcome === 'open' ? t + 0.2 : '';
          const close = outcome === 'open' ? '' : outcome === 'useful' ? t + 120 : t + 1;
          connRows.push([scenario, policy, rep, seed, ...pv, t, outcome === 'refused' || outcome === 'timeout' ? '' : t + 0.1, hs, close, RASTER_PEER, 100 + (k % 5), 'subject', 'swarm', 'transmission', 'libtorrent', outcome, outcome === 'wasted' ? 'seed_seed' : '', outcome === 'wasted' ? 'to' : '', outcome === 'useful' ? 16384 : 0, 0]);
        }
        connRows.push([scenario, policy, rep, seed, ...pv, 50, 50.1, 50.2, 80, 8, 101, 'subject', 'swarm', 'transmission', 'libtorrent', 'useful', 'idle', 'from', 1000, 0]);
        connRows.push([scenario, policy, rep, seed, ...pv, 60, 60.1, 60.2, 90, 200, RASTER_PEER, 'swarm', 'subject', 'libtorrent', 'transmission', 'wasted', 'seed_seed', 'from', 0, 0]);
      }
    }
  });
  }
  const id = ['scenario', 'policy', 'rep', 'seed', ...pcols];
  writeFileSync(join(dir, 'summary.csv'), stringify(sumRows, { header: true, columns: [...id, ...SUMMARY_COLUMNS] }));
  writeFileSync(join(dir, 'timeseries.csv'), stringify(tsRows, { header: true, columns: [...id, ...TIMESERIES_COLUMNS] }));
  if (o.withConnections !== false) writeFileSync(join(dir, 'connections.csv'), stringify(connRows, { header: true, columns: [...id, ...CONNECTION_COLUMNS] }));
  if (o.withManifest !== false)
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify(
        {
          swarmsim: '0.1.0',
          command: ['swarmsim', 'run', 'scenarios/seed-heavy.yaml', '--reps', '3'],
          kind: 'run',
          scenario,
          policies: policies.map((label) => ({ label, spec: label, kind: 'builtin' })),
          replications: reps,
          base_seed: 1000,
          seeds: Array.from({ length: reps }, (_, i) => 1000 + i),
          points: [{ point: 0, parameters: {}, scenario_sha256: 'abc123def456' }],
          runs: policies.flatMap((policy) => Array.from({ length: reps }, (_, rep) => ({ policy, rep, seed: 1000 + rep, status: 'ok', events: 1000 }))),
        },
        null,
        2,
      ),
    );
  return { dir, dialsOfPeer };
}

export function tempDir(prefix = 'swarmsim-report-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The report tests' small real sweep (test/reports/sweep-fixture/sweep.yaml). */
export const SWEEP_FIXTURE = join(import.meta.dirname, 'sweep-fixture', 'sweep.yaml');

/** Runs the small sweep into `out` in this process (worker threads, no trace), as `swarmsim sweep` would. */
export async function runSweepFixture(out: string): Promise<void> {
  const { sweepFileOptions } = await import('../experiments/helpers.js');
  const { runExperiment } = await import('../../sim/experiments/experiment.js');
  await runExperiment(sweepFileOptions(SWEEP_FIXTURE, out, ['sweep', 'test/reports/sweep-fixture/sweep.yaml'], { trace: { mode: 'none', reps: 'first' } }));
}
