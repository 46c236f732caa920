import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrate, TARGET_METRICS } from '../../lab/calibrate/compare.js';
import { twinOfRun } from '../../lab/calibrate/twin.js';
import { loadLabFile } from '../../lab/config/lab-file.js';
import { ScenarioSchema } from '../../sim/scenario/schema.js';
import { assertBuilt, BIN, ROOT } from '../cli/helpers.js';

/**
 * `npm run test:lab`: real libtorrent 2.0.8 and Transmission 3.00 seeds (Debian packages
 * python3-libtorrent and transmission-daemon) for 150 s in the lab's namespace, then ingest.
 * The redial loop this project exists for must show in the ingested metrics: libtorrent seeds
 * close each other with `upload to upload connection` and dial the same seed again about every
 * 60 s; Transmission counts each such connection as a failure of that peer (numFails).
 */
const FILE = join(import.meta.dirname, 'redial.yaml');

/** Runs the real binary with room for the lab's 150 s (the shared helper stops at 120 s). */
function swarmsim(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 280_000, env: { ...process.env, SWARMSIM_DEBUG: '' } });
  return { status: r.status, stderr: r.stderr };
}

type Row = Record<string, string>;
function csv(file: string): Row[] {
  const [head, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const cols = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
}

describe('lab with Transmission 3.00 and libtorrent 2.0.8', () => {
  let dir = '';
  let lab = { status: 0 as number | null, stderr: '' };
  let ingest = { status: 0 as number | null, stderr: '' };
  beforeAll(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'swarmsim-lab-'));
    lab = swarmsim(['lab', FILE, '--out', join(dir, 'lab')]);
    ingest = swarmsim(['ingest', join(dir, 'lab'), '--out', join(dir, 'metrics')]);
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs and ingests every line', () => {
    expect(lab.status, lab.stderr).toBe(0);
    expect(ingest.status, ingest.stderr).toBe(0);
    expect(ingest.stderr).toMatch(/as real:libtorrent-2\.0\.8 rep 0: 5 logs, \d+ lines, 0 unparsed/);
  });

  it('shows wasted seed-to-seed handshakes repeated between the same pairs', () => {
    const s = csv(join(dir, 'metrics', 'summary.csv'))[0]!;
    expect(Number(s.subject_wasted_handshakes_seed_seed)).toBeGreaterThanOrEqual(4);
    expect(Number(s.subject_repeat_wasted)).toBeGreaterThanOrEqual(2);
    expect(Number(s.subject_useful_handshakes)).toBe(0);
  });

  /** Median gap between dials from one libtorrent peer to one remote whose client starts with `to`. */
  function medianDialGap(to: string): { n: number; median: number } {
    const conns = csv(join(dir, 'metrics', 'connections.csv'));
    const byPair = new Map<string, number[]>();
    for (const c of conns) {
      if (!c.from_client!.startsWith('libtorrent') || !c.to_client!.startsWith(to)) continue;
      const k = `${c.from}>${c.to}`;
      byPair.set(k, [...(byPair.get(k) ?? []), Number(c.t_dial)]);
    }
    const gaps = [...byPair.values()].flatMap((ts) => ts.sort((a, b) => a - b).slice(1).map((t, i) => t - ts[i]!)).sort((a, b) => a - b);
    return { n: gaps.length, median: gaps[Math.floor(gaps.length / 2)] ?? NaN };
  }

  it('libtorrent re-dials the same libtorrent seed about every 60 s', () => {
    const g = medianDialGap('libtorrent');
    expect(g.n).toBeGreaterThanOrEqual(2);
    expect(g.median).toBeGreaterThan(50);
    expect(g.median).toBeLessThan(75);
  });

  it('libtorrent re-dials the Transmission seeds about every 60 s; Transmission counts a failure (numFails)', () => {
    const g = medianDialGap('transmission');
    expect(g.n).toBeGreaterThanOrEqual(2);
    expect(g.median).toBeGreaterThan(50);
    expect(g.median).toBeLessThan(75);
    const logs = join(dir, 'lab', 'logs');
    const text = readdirSync(logs)
      .filter((f) => f.endsWith('.transmission.log'))
      .map((f) => readFileSync(join(logs, f), 'latin1'))
      .join('\n');
    const fails = [...text.matchAll(/incremented atom \[198\.18\.0\.\d+\]:\d+ numFails to (\d+)/g)].map((m) => Number(m[1]));
    expect(Math.max(0, ...fails)).toBeGreaterThanOrEqual(1);
    const conns = csv(join(dir, 'metrics', 'connections.csv'));
    expect(conns.filter((c) => c.to_client!.startsWith('transmission') && c.outcome === 'wasted').length).toBeGreaterThanOrEqual(1);
  });

  it('the mirrors (libtorrent-2.0, transmission-3.0) predict this run: subject wasted and repeat_wasted within 20 %', () => {
    // The run's twin (lab/calibrate/twin.ts): the same swarm, each client replaced by its mirror
    // and arriving when it first announced; 10 replications. Checked on one run of this lab:
    // 13 wasted and 6 repeat_wasted, real and simulated alike.
    const lab = loadLabFile(FILE);
    const twin = twinOfRun(lab, join(dir, 'lab'));
    const cal = calibrate({ lab, labFile: FILE, runDirs: [join(dir, 'lab')], metricsDir: join(dir, 'metrics'), twins: [{ twin, scenario: ScenarioSchema.parse(twin.raw) }] });
    const misses = cal.rows.filter((r) => TARGET_METRICS.includes(r.metric) && r.verdict === 'differs');
    expect(misses.map((r) => `${r.metric}: real ${r.real.mean}, simulated ${r.sim.mean}`)).toEqual([]);
  });
});
