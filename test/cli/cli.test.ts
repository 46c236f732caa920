import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, deterministicFiles, FAKE_RUNNER, FIXTURES, tempDir, TINY, TINY_SWEEP } from '../experiments/helpers.js';
import { assertBuilt, ROOT, startSwarmsim, swarmsim } from './helpers.js';

beforeAll(assertBuilt);
afterAll(cleanupTempDirs);

describe('swarmsim CLI', () => {
  it('prints help for the program and each command', () => {
    const r = swarmsim(['--help']);
    expect(r.status).toBe(0);
    for (const c of ['run', 'sweep', 'merge', 'schema', 'list', 'explain']) expect(r.stdout).toContain(`swarmsim ${c}`);
    const run = swarmsim(['run', '--help']);
    expect(run.status).toBe(0);
    for (const o of ['--policy', '--reps', '--seed', '--set', '--duration', '--out', '--jobs', '--trace', '--no-report', '--quiet']) expect(run.stdout).toContain(o);
    const sweep = swarmsim(['sweep', '--help']);
    for (const o of ['--shard', '--resume', '--jobs']) expect(sweep.stdout).toContain(o);
  });

  it('lists policies, scenarios and metrics, one per line with a description', () => {
    const p = swarmsim(['list', 'policies']);
    expect(p.status).toBe(0);
    const lines = p.stdout.trimEnd().split('\n');
    expect(lines.some((l) => /^transmission-4\.1\s+\S/.test(l))).toBe(true);
    expect(lines.some((l) => /^naive\s+\S/.test(l))).toBe(true);
    expect(swarmsim(['list', 'scenarios']).stdout).toMatch(/^scenarios\/seed-heavy\.yaml\s+\S/m);
    const m = swarmsim(['list', 'metrics']).stdout;
    expect(m).toMatch(/^\{subject,swarm\}_repeat_wasted\s+summary: wasted handshakes between a pair/m);
    expect(m).toMatch(/^connections\s+peers\.csv \(per peer and run\): connections whose BitTorrent handshake completed/m);
    expect(swarmsim(['list', 'scenarios']).stdout).toMatch(/^scenarios\/simgrid-crowd\.yaml\s+\S/m);
  });

  it('explains a policy\'s retry schedule', () => {
    const r = swarmsim(['explain', 'transmission-4.1']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^transmission-4\.1: /);
    expect(r.stdout).toMatch(/fruitless connection, remote closed\s+0\s+10\s+120/);
  });

  it('writes the scenario JSON Schema to stdout or a file', () => {
    const r = swarmsim(['schema']);
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.type).toBe('object');
    expect(s.additionalProperties).toBe(false);
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining(['duration', 'torrent', 'population', 'subject', 'policies']));
    const file = join(tempDir(), 'scenario.schema.json');
    expect(swarmsim(['schema', '--out', file]).status).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(s);
  });

  it('runs a tiny scenario with the real model and prints the comparison table', () => {
    const out = join(tempDir(), 'tiny');
    const r = swarmsim(['run', TINY, '--reps', '2', '--duration', '60s', '--jobs', '1', '--no-report', '--out', out]);
    expect(r.stderr).not.toMatch(/unexpected/);
    expect(r.status).toBe(0);
    const table = r.stdout.split('\n');
    expect(table[0]).toMatch(/^duration\s+policy\s+wasted\s+repeat_wasted\s+churn\/peer\/min\s+useful_ratio\s+convergence_s$/);
    expect(table[1]).toMatch(/^60\s+transmission-4\.1\s/);
    expect(table[2]).toMatch(/^60\s+naive\s/);
    expect(r.stdout).toContain(`output: ${out}`);
    expect(r.stderr).toMatch(/\[4\/4\] naive rep 1 seed 2/);
    expect(readdirSync(out).sort()).toEqual(['comparison.csv', 'connections.csv', 'manifest.json', 'peers.csv', 'summary.csv', 'timeseries.csv', 'timing.json']);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.command).toEqual(['run', 'test/experiments/fixtures/tiny.yaml', '--reps', '2', '--duration', '60s']);
    // --quiet: nothing on stderr; same bytes again.
    const again = join(tempDir(), 'tiny2');
    const q = swarmsim(['run', TINY, '--reps', '2', '--duration', '60s', '--jobs', '2', '--no-report', '--quiet', '--out', again]);
    expect(q.status).toBe(0);
    expect(q.stderr).toBe('');
    expect(deterministicFiles(again)).toEqual(deterministicFiles(out));
  });

  // With --jobs 2 the runs are split between this thread and a worker: the failure lands in one.
  it.each(['1', '2'])('exits 3 and writes failures.csv when some runs fail, running the rest (--jobs %s)', (jobs) => {
    const out = join(tempDir(), 'failing');
    const r = swarmsim(['run', TINY, '--no-report', '--jobs', jobs, '--out', out], { env: { SWARMSIM_RUNNER: FAKE_RUNNER, FAKE_RUNNER_FAIL: 'naive@2' } });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain(`1 of 6 runs failed: see ${join(out, 'failures.csv')}`);
    expect(readFileSync(join(out, 'failures.csv'), 'utf8')).toBe('scenario,policy,rep,seed,error\ntiny,naive,1,2,fake model: invariant broken in naive seed 2\n');
    expect(readFileSync(join(out, 'summary.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(6);
  });

  it('records a policy module that throws during a sweep in failures.csv and goes on (exit 3)', () => {
    const dir = tempDir();
    const sweep = join(dir, 'sweep.yaml');
    writeFileSync(sweep, `base: ${TINY}\ngrid: { population.leechers.count: [1, 2] }\npolicies: [naive, ${join(ROOT, 'test/cli/fixtures/throwing-policy.mjs')}]\nreplications: 1\nset: { duration: 60s }\n`);
    const out = join(dir, 'out');
    const r = swarmsim(['sweep', sweep, '--jobs', '1', '--no-report', '--quiet', '--out', out], { env: { SWARMSIM_RUNNER: '' } });
    expect(r.status).toBe(3);
    const failures = readFileSync(join(out, 'failures.csv'), 'utf8').trimEnd().split('\n');
    expect(failures).toHaveLength(3);
    expect(failures[1]).toMatch(/^tiny,test\/cli\/fixtures\/throwing-policy\.mjs,0,1,60,1,PolicyModuleError: policy module test\/cli\/fixtures\/throwing-policy\.mjs: select\(\) threw: boom/);
    expect(readFileSync(join(out, 'summary.csv'), 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split(',')[1])).toEqual(['naive', 'naive']);
  });

  it('shards a sweep with --shard K/N and --shard auto, and merge gives the unsharded bytes', () => {
    const root = tempDir();
    const env = { SWARMSIM_RUNNER: FAKE_RUNNER };
    const whole = join(root, 'whole');
    expect(swarmsim(['sweep', TINY_SWEEP, '--jobs', '1', '--no-report', '--quiet', '--out', whole], { env }).status).toBe(0);
    const parts = join(root, 'parts');
    const s1 = swarmsim(['sweep', TINY_SWEEP, '--shard', '1/3', '--jobs', '1', '--quiet', '--out', parts], { env });
    expect(s1.status).toBe(0);
    expect(s1.stdout).toContain(`→ ${join(parts, 'shard-1-of-3')}`);
    // Slurm: --array=0-2 → task ids 0..2, min 0; Kubernetes: JOB_COMPLETION_INDEX 0-based.
    expect(swarmsim(['sweep', TINY_SWEEP, '--shard', 'auto', '--jobs', '2', '--quiet', '--out', parts], { env: { ...env, SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '0' } }).status).toBe(0);
    expect(swarmsim(['sweep', TINY_SWEEP, '--shard', 'auto', '--jobs', '1', '--quiet', '--out', parts], { env: { ...env, JOB_COMPLETION_INDEX: '2', JOB_COMPLETIONS: '3' } }).status).toBe(0);
    expect(readdirSync(parts).sort()).toEqual(['shard-1-of-3', 'shard-2-of-3', 'shard-3-of-3']);
    const m = swarmsim(['merge', parts, '--no-report']);
    expect(m.stderr).toBe('');
    expect(m.status).toBe(0);
    expect(deterministicFiles(parts)).toEqual(deterministicFiles(whole));
    const other = join(root, 'merged');
    expect(swarmsim(['merge', join(parts, 'shard-2-of-3'), join(parts, 'shard-1-of-3'), join(parts, 'shard-3-of-3'), '--out', other, '--no-report']).status).toBe(0);
    expect(deterministicFiles(other)).toEqual(deterministicFiles(whole));
  });

  it('resumes a sweep killed with SIGKILL and ends with the bytes of an uninterrupted sweep', async () => {
    const root = tempDir();
    const whole = join(root, 'whole');
    expect(swarmsim(['sweep', TINY_SWEEP, '--jobs', '1', '--no-report', '--quiet', '--out', whole], { env: { SWARMSIM_RUNNER: FAKE_RUNNER } }).status).toBe(0);

    const out = join(root, 'killed');
    const env = { SWARMSIM_RUNNER: FAKE_RUNNER, FAKE_RUNNER_DELAY_MS: '150' };
    const child = startSwarmsim(['sweep', TINY_SWEEP, '--jobs', '1', '--no-report', '--out', out], { env });
    const records = (): number => {
      try {
        return readdirSync(join(out, '.runs')).filter((n) => /^\d+\.json$/.test(n)).length;
      } catch {
        return 0;
      }
    };
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
    const deadline = Date.now() + 60_000;
    while (records() < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const done = records();
    expect(done).toBeGreaterThanOrEqual(5);
    expect(done).toBeLessThan(16);
    expect(existsSync(join(out, 'summary.csv'))).toBe(false);

    const r = swarmsim(['sweep', TINY_SWEEP, '--jobs', '2', '--no-report', '--resume', '--out', out], { env: { SWARMSIM_RUNNER: FAKE_RUNNER } });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`${16 - done} runs on 2 threads, ${done} already done`);
    expect(deterministicFiles(out)).toEqual(deterministicFiles(whole));
    expect(readdirSync(out).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('keeps stdout machine-readable: the schema alone, progress on stderr', () => {
    const dir = tempDir();
    const scen = join(dir, 's.yaml');
    writeFileSync(scen, readFileSync(TINY, 'utf8'));
    const r = swarmsim(['run', scen, '--reps', '1', '--policy', 'naive', '--no-report', '--out', join(dir, 'o')], { env: { SWARMSIM_RUNNER: FAKE_RUNNER } });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/\[1\/1\]/);
    expect(r.stderr).toMatch(/\[1\/1\] naive rep 0 seed 1/);
  });
});

describe('swarmsim CLI: stop rules and peers.csv with the real model', () => {
  const STOP = join(FIXTURES, 'tiny-stop.yaml');
  const STOP_SWEEP = join(FIXTURES, 'tiny-stop-sweep.yaml');
  const manifestRuns = (dir: string): { stop_reason?: string; stop_time_s?: number }[] => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).runs;

  it('records why and when each run stopped, writes peers.csv, and gives the same bytes for --jobs 1 and 2', () => {
    const a = join(tempDir(), 'a');
    const r = swarmsim(['run', STOP, '--reps', '2', '--jobs', '1', '--no-report', '--quiet', '--out', a]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const runs = manifestRuns(a);
    expect(runs).toHaveLength(4);
    for (const m of runs) {
      expect(m.stop_reason).toBe('converged');
      expect(m.stop_time_s! % 10).toBe(0);
      expect(m.stop_time_s).toBeLessThan(240);
    }
    expect(readFileSync(join(a, 'peers.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(1 + 9 * 4);
    const b = join(tempDir(), 'b');
    expect(swarmsim(['run', STOP, '--reps', '2', '--jobs', '2', '--no-report', '--quiet', '--out', b]).status).toBe(0);
    expect(deterministicFiles(b)).toEqual(deterministicFiles(a));
  });

  it('carries stop records and peers.csv through shards, merge and --resume byte for byte', () => {
    const root = tempDir();
    const whole = join(root, 'whole');
    expect(swarmsim(['sweep', STOP_SWEEP, '--jobs', '2', '--no-report', '--quiet', '--out', whole]).status).toBe(0);
    expect(manifestRuns(whole).every((m) => m.stop_reason === 'converged')).toBe(true);
    const parts = join(root, 'parts');
    for (const k of ['1/2', '2/2']) expect(swarmsim(['sweep', STOP_SWEEP, '--shard', k, '--jobs', '1', '--quiet', '--out', parts]).status).toBe(0);
    // A shard that lost a finished run (as after kill -9 before its record was written) re-runs it on --resume.
    const shard2 = join(parts, 'shard-2-of-2');
    const rec = readdirSync(join(shard2, '.runs')).filter((n) => /^\d+\.json$/.test(n)).sort()[0]!;
    rmSync(join(shard2, '.runs', rec));
    const resumed = swarmsim(['sweep', STOP_SWEEP, '--shard', '2/2', '--resume', '--jobs', '1', '--out', parts]);
    expect(resumed.status).toBe(0);
    expect(resumed.stderr).toMatch(/1 run on 1 thread, 3 already done/);
    expect(swarmsim(['merge', parts, '--no-report']).status).toBe(0);
    expect(deterministicFiles(parts)).toEqual(deterministicFiles(whole));
    expect(Object.keys(deterministicFiles(whole))).toContain('peers.csv');
  });
});
