import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runExperiment, type ExperimentOptions } from '../../sim/experiments/experiment.js';
import { mergeOutputs } from '../../sim/experiments/merge.js';
import { settled } from '../../sim/experiments/stop-rule.js';
import type { MetricsRecorder } from '../../sim/metrics/recorder.js';
import { settleTime } from '../../sim/metrics/settle-time.js';
import { cleanupTempDirs, deterministicFiles, tempDir, TINY } from './helpers.js';

afterAll(cleanupTempDirs);

const BASE = readFileSync(TINY, 'utf8');

/** tiny.yaml (3 leechers arriving over the first minute, 6 seeds) with extra top-level lines. */
function scenario(extra: string, edit: (s: string) => string = (s) => s): string {
  const f = join(tempDir(), 'scenario.yaml');
  writeFileSync(f, edit(BASE) + extra);
  return f;
}

interface ManifestRun {
  policy: string;
  rep: number;
  seed: number;
  stop_reason?: string;
  stop_time_s?: number;
}

function manifestRuns(dir: string): ManifestRun[] {
  return (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { runs: ManifestRun[] }).runs;
}

/** CSV rows as objects (no quoted commas in these files' cells). */
function rows(dir: string, name: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(join(dir, name), 'utf8').trimEnd().split('\n');
  const cols = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
}

const runKey = (r: Record<string, string>): string => `${r.policy}/${r.rep}`;

async function run(file: string, out: string, extra: Partial<ExperimentOptions> = {}): Promise<void> {
  await runExperiment({ scenario: file, out, jobs: 1, command: ['run', 'scenario.yaml'], ...extra });
}

describe('stop rule: converged', () => {
  const file = scenario('sample_interval: 10s\nstop: { when: converged }\n');
  let out = '';

  it('stops each run at the first sampling point at or after convergence and records why and when', async () => {
    out = join(tempDir(), 'conv');
    await run(file, out, { trace: { mode: 'all', reps: 'all' } });
    const summary = new Map(rows(out, 'summary.csv').map((r) => [runKey(r), r]));
    const series = rows(out, 'timeseries.csv');
    const runs = manifestRuns(out);
    expect(runs).toHaveLength(6);
    for (const m of runs) {
      expect(m.stop_reason).toBe('converged');
      const t = m.stop_time_s!;
      const conv = Number(summary.get(`${m.policy}/${m.rep}`)!.swarm_convergence_s);
      expect(conv).toBeGreaterThan(0);
      // On the 10 s grid, at or after convergence, and the first such point.
      expect(t % 10).toBe(0);
      expect(t).toBeGreaterThanOrEqual(conv);
      expect(t - 10).toBeLessThan(conv);
      expect(t).toBeLessThan(300);
      // The time series ends there.
      const ts = series.filter((r) => runKey(r) === `${m.policy}/${m.rep}`).map((r) => Number(r.t));
      expect(ts.at(-1)).toBe(t);
      expect(ts).toEqual(Array.from({ length: t / 10 }, (_, i) => 10 * (i + 1)));
    }
  });

  it('computes per-hour and per-minute metrics over the time simulated, as a run of that duration would', async () => {
    const runs = manifestRuns(out);
    const t = runs[0]!.stop_time_s!;
    // In this scenario every replication converges before the same sampling point.
    expect(runs.every((r) => r.stop_time_s === t)).toBe(true);
    for (const r of rows(out, 'summary.csv')) {
      const wasted = Number(r.swarm_wasted_handshakes);
      expect(wasted).toBeGreaterThan(0);
      expect(Number(r.swarm_wasted_handshakes_per_hour)).toBeCloseTo((wasted * 3600) / t, 3);
      // Online time is integrated up to the stop (9 peers, all online from their arrival), not to 300 s.
      expect(Number(r.swarm_peer_seconds)).toBeLessThanOrEqual(9 * t + 1e-9);
    }
    // The same scenario with duration = the stop time and no stop rule writes the same rows.
    const plain = join(tempDir(), 'plain');
    await run(scenario('sample_interval: 10s\n', (s) => s.replace('duration: 5m', `duration: ${t}s`)), plain, { trace: { mode: 'all', reps: 'all' } });
    for (const f of ['summary.csv', 'timeseries.csv', 'peers.csv', 'connections.csv']) expect(readFileSync(join(out, f), 'utf8'), f).toBe(readFileSync(join(plain, f), 'utf8'));
    expect(manifestRuns(plain)[0]).not.toHaveProperty('stop_reason');
  });

  it('writes byte-identical files, peers.csv and the manifest included, for --jobs 1, --jobs 2 and shards merged', async () => {
    const one = join(tempDir(), 'one');
    const two = join(tempDir(), 'two');
    await run(file, one);
    await run(file, two, { jobs: 2 });
    const ref = deterministicFiles(one);
    expect(Object.keys(ref)).toContain('peers.csv');
    expect(deterministicFiles(two)).toEqual(ref);
    const parts = tempDir();
    await run(file, join(parts, 'a'), { shard: { index: 1, count: 2 } });
    await run(file, join(parts, 'b'), { shard: { index: 2, count: 2 } });
    const merged = join(tempDir(), 'merged');
    mergeOutputs([join(parts, 'b'), join(parts, 'a')], merged);
    expect(deterministicFiles(merged)).toEqual(ref);
    expect(manifestRuns(merged).map((r) => r.stop_reason)).toEqual(Array(6).fill('converged'));
  });
});

describe('stop rule: max and duration', () => {
  it('ends at max when the condition does not hold by then (leechers still arriving)', async () => {
    const out = join(tempDir(), 'max');
    await run(scenario('sample_interval: 10s\nstop: { when: converged, max: 35s }\n'), out, { reps: 1 });
    for (const m of manifestRuns(out)) expect([m.stop_reason, m.stop_time_s]).toEqual(['max', 35]);
    const ts = rows(out, 'timeseries.csv').map((r) => Number(r.t));
    expect(Math.max(...ts)).toBe(30);
    // Arrivals after max are not drawn: every leecher row of peers.csv arrived by 35 s or not at all.
    for (const p of rows(out, 'peers.csv')) if (p.arrival !== '') expect(Number(p.arrival)).toBeLessThanOrEqual(35);
  });

  it('ends at duration when a shorter --duration comes first', async () => {
    const out = join(tempDir(), 'dur');
    await run(scenario('sample_interval: 10s\nstop: { when: converged, max: 1h }\n'), out, { reps: 1, fixed: [{ path: 'duration', value: '20s' }] });
    for (const m of manifestRuns(out)) expect([m.stop_reason, m.stop_time_s]).toEqual(['duration', 20]);
  });
});

describe('stop rule: settled', () => {
  it('stops once the swarm churn has stayed within 10% of its final-quarter mean for the window', async () => {
    const out = join(tempDir(), 'settle');
    const file = scenario('sample_interval: 10s\nstop: { when: settled, window: 2m }\n', (s) => s.replace('duration: 5m', 'duration: 30m').replace('policies: [transmission-4.1, naive]', 'policies: [naive]'));
    await run(file, out);
    const summary = new Map(rows(out, 'summary.csv').map((r) => [runKey(r), r]));
    const series = rows(out, 'timeseries.csv');
    for (const m of manifestRuns(out)) {
      expect(m.stop_reason).toBe('settled');
      const t = m.stop_time_s!;
      expect(t % 10).toBe(0);
      expect(t).toBeLessThan(1800);
      // swarm_settle_s of the stopped run is the settle time of the series so far: at least the window back.
      const settle = Number(summary.get(`${m.policy}/${m.rep}`)!.swarm_settle_s);
      expect(t - settle).toBeGreaterThanOrEqual(120);
      // At the sampling point before, it had not yet held for the window (series as written, 6 digits).
      const mine = series.filter((r) => runKey(r) === `${m.policy}/${m.rep}`);
      const times = mine.map((r) => Number(r.t)).slice(0, -1);
      const churn = mine.map((r) => Number(r.swarm_churn_per_peer_min)).slice(0, -1);
      expect(times.at(-1)! - settleTime(times, churn, 10)!).toBeLessThan(120);
    }
  });

  it('reads the series so far: a stable stretch shorter than the window is not enough', () => {
    const fake = (values: number[]) => ({ swarmChurn: () => ({ times: values.map((_, i) => 60 * (i + 1)), values }) }) as unknown as MetricsRecorder;
    // Churn falls, then holds at 10 ± 0.5 from the interval (240 s, 300 s] on: settled since 240 s.
    const series = [100, 80, 50, 30, 10, 10.5, 9.5, 10, 10.2, 9.9, 10, 10.1];
    expect(settled(fake(series.slice(0, 6)), 60, 600)).toBe(false); // at 360 s: 120 s stable
    expect(settled(fake(series.slice(0, 8)), 60, 300)).toBe(false); // at 480 s: 240 s stable
    expect(settled(fake(series.slice(0, 9)), 60, 300)).toBe(true); // at 540 s: 300 s stable
    expect(settled(fake(series), 60, 480)).toBe(true); // at 720 s: 480 s stable
    expect(settled(fake(series), 60, 600)).toBe(false);
    // A new excursion restarts the clock.
    expect(settled(fake([...series, 30, 10, 10]), 60, 300)).toBe(false);
    expect(settled(fake([]), 60, 60)).toBe(false);
  });
});
