import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, tempDir, TINY } from '../experiments/helpers.js';
import { assertBuilt, BIN, ROOT, swarmsim } from './helpers.js';

afterAll(cleanupTempDirs);

/**
 * A full disk (SPEC "Bad input"): the output folder on a tmpfs of its own, in a mount namespace
 * (unshare -rm: no root needed where user namespaces are allowed). First 1 MB (the runs' traces
 * do not fit), then 2.5 MB (the runs fit, the assembled output does not), then room: each full
 * disk is one line and exit 2 with no output file, and --resume then completes the output,
 * byte-identical to a run that never met a full disk.
 */
const ARGS = ['run', TINY, '--no-report', '--trace', 'all', '--reps', '3'];
const DETERMINISTIC = ['summary.csv', 'timeseries.csv', 'connections.csv', 'comparison.csv', 'manifest.json', 'peers.csv'];

describe('full disk', () => {
  let log = '';
  let ref = '';
  let saved = '';
  beforeAll(() => {
    assertBuilt();
    ref = join(tempDir(), 'ref');
    expect(swarmsim([...ARGS, '--out', ref]).status).toBe(0);
    const work = tempDir();
    const mnt = join(work, 'mnt');
    saved = join(work, 'saved');
    mkdirSync(mnt);
    const run = (extra: string) => `"${process.execPath}" "${BIN}" ${ARGS.map((a) => `"${a}"`).join(' ')} --out "${mnt}/out" ${extra}`;
    const script = [
      'set -u',
      `mount -t tmpfs -o size=1m tmpfs "${mnt}"`,
      `${run('')} 2>"${work}/e1"; echo "rc1=$?"`,
      `echo "files1=$(ls -A "${mnt}/out" | tr '\\n' ' ')"`,
      `mount -o remount,size=2500k tmpfs "${mnt}"`,
      `${run('--resume')} 2>"${work}/e2"; echo "rc2=$?"`,
      `echo "files2=$(ls -A "${mnt}/out" | tr '\\n' ' ')"`,
      `mount -o remount,size=16m tmpfs "${mnt}"`,
      `${run('--resume')} 2>"${work}/e3"; echo "rc3=$?"`,
      `cp -r "${mnt}/out" "${saved}"`,
    ].join('\n');
    const r = spawnSync('unshare', ['-rm', 'sh', '-c', script], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, SWARMSIM_DEBUG: '' } });
    log = `${r.stdout}\n${r.stderr}`;
    for (const i of [1, 2, 3]) log += `\n--- e${i}\n` + readFileSync(join(work, `e${i}`), 'utf8');
  }, 180_000);

  it('stops with one line and exit 2 when the runs do not fit, keeping the finished runs and no output file', () => {
    expect(log, log).toMatch(/rc1=2/);
    expect(log).toMatch(/files1=\.runs $/m);
    const e1 = log.split('--- e1\n')[1]!.split('\n--- e2')[0]!.trimEnd().split('\n');
    expect(e1.at(-1)).toMatch(/^--out .*out: the disk is full \(no space left on device\); no output file was written\. .* --resume$/);
    expect(e1.join('\n')).not.toMatch(/\n\s+at /);
  });

  it('stops the same way when the assembled output does not fit, removing what it had renamed into place', () => {
    expect(log, log).toMatch(/rc2=2/);
    expect(log).toMatch(/files2=\.runs $/m);
  });

  it('completes with --resume once there is room, byte-identical to an undisturbed run', () => {
    expect(log, log).toMatch(/rc3=0/);
    for (const f of DETERMINISTIC) expect(readFileSync(join(saved, f), 'utf8'), f).toBe(readFileSync(join(ref, f), 'utf8'));
  });
});

describe('a run that outgrows its memory', () => {
  it('stops with one line naming the run, the cap and what to change, exit 2, nothing written', () => {
    const out = join(tempDir(), 'out');
    const r = swarmsim(['run', 'scenarios/large.yaml', '--reps', '1', '--policy', 'transmission-4.1', '--max-memory', '64', '--jobs', '1', '--no-report', '--quiet', '--out', out]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'large: the run of transmission-4.1 rep 0 needs more than its 64 MB of heap (--max-memory 64 MB over 1 jobs); use fewer peers (--set population.<group>.count=…), fewer --jobs, or a larger --max-memory',
    ]);
    expect(existsSync(out)).toBe(false);
  });

  it('rejects a cap below 64 MB as a usage error', () => {
    const r = swarmsim(['run', TINY, '--max-memory', '10MB', '--out', join(tempDir(), 'o')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--max-memory 10MB: expected a size of at least 64 MB/);
  });
});
