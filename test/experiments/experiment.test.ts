import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runExperiment, type ExperimentOptions } from '../../sim/experiments/experiment.js';
import { mergeOutputs } from '../../sim/experiments/merge.js';
import { InputError } from '../../sim/input-error.js';
import { SUMMARY_COLUMNS } from '../../sim/metrics/columns.js';
import { cleanupTempDirs, deterministicFiles, FAKE_RUNNER, sweepFileOptions, tempDir, TINY, TINY_SWEEP } from './helpers.js';

afterAll(cleanupTempDirs);
afterEach(() => {
  delete process.env.FAKE_RUNNER_FAIL;
});

function sweepOptions(out: string | null, extra: Partial<ExperimentOptions> = {}): ExperimentOptions {
  return sweepFileOptions(TINY_SWEEP, out, ['sweep', 'tiny-sweep.yaml'], { runner: FAKE_RUNNER, ...extra });
}

function csv(dir: string, name: string): string[] {
  return readFileSync(join(dir, name), 'utf8').trimEnd().split('\n');
}

describe('runExperiment', () => {
  it('runs policy × rep with seeds base + rep, the same for every policy, and writes the files', async () => {
    const out = join(tempDir(), 'run');
    const res = await runExperiment({ scenario: TINY, out, runner: FAKE_RUNNER, trace: { mode: 'subject', reps: 'first' }, command: ['run', 'tiny.yaml'] });
    expect(res.runs.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(res.plan.runs.map((r) => [r.policy, r.rep, r.seed])).toEqual([
      [0, 0, 1],
      [0, 1, 2],
      [0, 2, 3],
      [1, 0, 1],
      [1, 1, 2],
      [1, 2, 3],
    ]);
    expect(readdirSync(out).sort()).toEqual(['comparison.csv', 'connections.csv', 'manifest.json', 'peers.csv', 'summary.csv', 'timeseries.csv', 'timing.json']);
    const summary = csv(out, 'summary.csv');
    expect(summary[0]).toBe(['scenario', 'policy', 'rep', 'seed', ...SUMMARY_COLUMNS].join(','));
    expect(summary.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual([
      'tiny,transmission-4.1,0,1',
      'tiny,transmission-4.1,1,2',
      'tiny,transmission-4.1,2,3',
      'tiny,naive,0,1',
      'tiny,naive,1,2',
      'tiny,naive,2,3',
    ]);
    // Trace: rep 0 of each policy only; RFC 4180 quoting of a cell with a comma and quotes.
    const conns = csv(out, 'connections.csv');
    expect(conns.length).toBe(1 + 2 * 3);
    expect(conns[1]).toContain('"other, ""quoted"""');
    // peers.csv: one row per peer (9 in tiny.yaml) and run, keyed like summary.csv.
    const peers = csv(out, 'peers.csv');
    expect(peers[0]).toBe('scenario,policy,rep,seed,peer,group,role,client,arrival,completion,departure,bytes_up,bytes_down,connections');
    expect(peers).toHaveLength(1 + 9 * 6);
    expect(peers[1]).toMatch(/^tiny,transmission-4\.1,0,1,0,subject,seed,/);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.seeds).toEqual([1, 2, 3]);
    // No stop rule in tiny.yaml: the manifest's run entries say nothing of one.
    expect(manifest.runs[0]).not.toHaveProperty('stop_reason');
    expect(manifest.command).toEqual(['run', 'tiny.yaml']);
    expect(manifest.runs.map((r: { events: number }) => r.events)).toEqual([1001, 1002, 1003, 1001, 1002, 1003]);
    expect(manifest.points[0].scenario_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(manifest)).not.toContain(out);
    const timing = JSON.parse(readFileSync(join(out, 'timing.json'), 'utf8'));
    expect(timing.runs).toHaveLength(6);
    expect(timing.node).toBe(process.version);
    // A complete output keeps no journal.
    expect(existsSync(join(out, '.runs'))).toBe(false);
  });

  it('writes the same bytes twice, and different bytes for another seed', async () => {
    const a = join(tempDir(), 'a');
    const b = join(tempDir(), 'b');
    const c = join(tempDir(), 'c');
    await runExperiment({ scenario: TINY, out: a, runner: FAKE_RUNNER });
    await runExperiment({ scenario: TINY, out: b, runner: FAKE_RUNNER });
    await runExperiment({ scenario: TINY, out: c, runner: FAKE_RUNNER, seed: 7 });
    expect(deterministicFiles(b)).toEqual(deterministicFiles(a));
    expect(deterministicFiles(c)['summary.csv']).not.toEqual(deterministicFiles(a)['summary.csv']);
  });

  it('sweeps the Cartesian product of the grid, override columns after seed', async () => {
    const out = join(tempDir(), 'sweep');
    const res = await runExperiment(sweepOptions(out));
    expect(res.plan.points.map((p) => p.cells)).toEqual([
      ['180', '1', 'true'],
      ['180', '1', 'false'],
      ['180', '3', 'true'],
      ['180', '3', 'false'],
    ]);
    expect(res.runs).toHaveLength(4 * 2 * 2);
    const head = csv(out, 'summary.csv')[0]!.split(',');
    expect(head.slice(0, 7)).toEqual(['scenario', 'policy', 'rep', 'seed', 'duration', 'population.leechers.count', 'network.encryption']);
    const cmp = csv(out, 'comparison.csv');
    expect(cmp[0]).toBe('scenario,duration,population.leechers.count,network.encryption,policy,metric,n,mean,sd,ci_low,ci_high,ref_policy,diff_mean,diff_ci_low,diff_ci_high');
    expect(cmp.length - 1).toBe(4 * 2 * SUMMARY_COLUMNS.length);
    expect(existsSync(join(out, 'connections.csv'))).toBe(false);
  });

  it('gives byte-identical output for --jobs 1 and --jobs 2 (worker threads)', async () => {
    const a = join(tempDir(), 'j1');
    const b = join(tempDir(), 'j2');
    await runExperiment(sweepOptions(a, { jobs: 1 }));
    await runExperiment(sweepOptions(b, { jobs: 2 }));
    expect(deterministicFiles(b)).toEqual(deterministicFiles(a));
  });

  it('merges shards into exactly the bytes of the unsharded sweep', async () => {
    const root = tempDir();
    const whole = join(root, 'whole');
    await runExperiment(sweepOptions(whole));
    const parts = join(root, 'parts');
    for (let k = 1; k <= 3; k++) {
      const res = await runExperiment(sweepOptions(join(parts, `shard-${k}-of-3`), { shard: { index: k, count: 3 } }));
      expect(res.runs.every((r) => r.index % 3 === k - 1)).toBe(true);
      expect(res.comparison).toEqual([]);
    }
    // Missing shard: an error naming it, nothing written.
    const partial = join(root, 'partial');
    expect(() => mergeOutputs([join(parts, 'shard-1-of-3'), join(parts, 'shard-3-of-3')], partial)).toThrow(/shard 2\/3/);
    expect(existsSync(partial)).toBe(false);
    mergeOutputs([parts], join(root, 'merged'));
    expect(deterministicFiles(join(root, 'merged'))).toEqual(deterministicFiles(whole));
    // Merging into the folder holding the shards works too, and again.
    mergeOutputs([parts], parts);
    mergeOutputs([parts], parts);
    expect(deterministicFiles(parts)).toEqual(deterministicFiles(whole));
  });

  it('records a failing run in failures.csv, goes on, and --resume re-runs only that run', async () => {
    const root = tempDir();
    const whole = join(root, 'whole');
    await runExperiment(sweepOptions(whole));
    const out = join(root, 'failing');
    process.env.FAKE_RUNNER_FAIL = 'naive@6';
    const res = await runExperiment(sweepOptions(out));
    expect(res.failures.map((f) => f.index)).toEqual([3, 7, 11, 15]);
    const failures = csv(out, 'failures.csv');
    expect(failures[0]).toBe('scenario,policy,rep,seed,duration,population.leechers.count,network.encryption,error');
    expect(failures[1]).toBe('tiny,naive,1,6,180,1,true,fake model: invariant broken in naive seed 6');
    expect(csv(out, 'summary.csv')).toHaveLength(1 + 16 - 4);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.runs_failed).toBe(4);
    const n = csv(out, 'comparison.csv').filter((l) => l.includes(',naive,subject_wasted_handshakes,'));
    expect(n.every((l) => l.split(',')[6] === '1')).toBe(true);
    expect(existsSync(join(out, '.runs'))).toBe(true);

    delete process.env.FAKE_RUNNER_FAIL;
    let ran = 0;
    const again = await runExperiment(sweepOptions(out, { resume: true, progress: { run: () => void ran++ } }));
    expect(ran).toBe(4);
    expect(again.skipped).toBe(12);
    expect(again.failures).toEqual([]);
    expect(existsSync(join(out, 'failures.csv'))).toBe(false);
    expect(deterministicFiles(out)).toEqual(deterministicFiles(whole));
  });

  it('refuses --resume on the journal of a different experiment', async () => {
    const out = join(tempDir(), 'x');
    process.env.FAKE_RUNNER_FAIL = 'naive@5';
    await runExperiment(sweepOptions(out));
    delete process.env.FAKE_RUNNER_FAIL;
    await expect(runExperiment(sweepOptions(out, { resume: true, seed: 9 }))).rejects.toThrow(/different experiment/);
  });

  it('resolves module policies named in a scenario file relative to that file', async () => {
    const dir = tempDir();
    copyFileSync(join(import.meta.dirname, '..', 'cli', 'fixtures', 'throwing-policy.mjs'), join(dir, 'mine.mjs'));
    const scenario = join(dir, 'scenario.yaml');
    writeFileSync(scenario, readFileSync(TINY, 'utf8').replace('policies: [transmission-4.1, naive]', 'policies: [naive, ./mine.mjs]'));
    const res = await runExperiment({ scenario, runner: FAKE_RUNNER, reps: 1 });
    expect(res.plan.policies.map((p) => p.kind)).toEqual(['builtin', 'module']);
    expect(res.plan.policies[1]!.label).toBe(relative(process.cwd(), join(dir, 'mine.mjs')));
    expect(res.plan.policies[1]!.module_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(res.failures).toEqual([]);
  });

  it('keeps results in memory when no output folder is given', async () => {
    const res = await runExperiment(sweepOptions(null));
    expect(res.outDir).toBeNull();
    expect(res.files).toEqual([]);
    expect(res.runs).toHaveLength(16);
    expect(res.comparison).toHaveLength(4 * 2 * SUMMARY_COLUMNS.length);
  });

  it('fails with an InputError and leaves no folder behind on bad input', async () => {
    const root = tempDir();
    const out = join(root, 'deep', 'er');
    await expect(runExperiment({ scenario: TINY, out, runner: FAKE_RUNNER, policies: ['nope'] })).rejects.toBeInstanceOf(InputError);
    await expect(runExperiment({ scenario: TINY, out, runner: FAKE_RUNNER, fixed: [{ path: 'population.subject.count', value: '-1' }] })).rejects.toThrow(
      /--set population.subject.count=-1: expected a whole number ≥ 0, got -1/,
    );
    expect(existsSync(join(root, 'deep'))).toBe(false);
    rmSync(join(root, 'deep'), { recursive: true, force: true });
  });
});
