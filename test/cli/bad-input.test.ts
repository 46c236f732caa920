import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, FAKE_RUNNER, tempDir, TINY } from '../experiments/helpers.js';
import { assertBuilt, swarmsim } from './helpers.js';

/**
 * SPEC "Bad input": every user error ends with one line on stderr naming the cause, exit status 2,
 * no stack trace, and no output directory left behind. Each case spawns the real binary.
 */

const GOOD = readFileSync(TINY, 'utf8');

interface Case {
  name: string;
  /** Files to create in the case's folder (name → text). */
  files?: Record<string, string>;
  /** Arguments; `@` is the case's folder, `OUT` the output folder that must not appear. */
  args: string[];
  env?: Record<string, string>;
  /** What the message must say. */
  message: RegExp;
  /** Set up extra state in the case's folder before running. */
  setup?: (dir: string) => void;
}

const swap = (from: string, to: string): string => {
  if (!GOOD.includes(from)) throw new Error(`fixture lacks ${from}`);
  return GOOD.replace(from, to);
};

const SWEEP = (body: string): Record<string, string> => ({ 'tiny.yaml': GOOD, 'sweep.yaml': body });

const CASES: Case[] = [
  { name: 'missing scenario file', args: ['run', '@/nope.yaml', '--out', 'OUT'], message: /nope\.yaml: cannot read the scenario file \(no such file\)/ },
  { name: 'scenario is a directory', setup: (d) => mkdirSync(join(d, 'dir.yaml')), args: ['run', '@/dir.yaml', '--out', 'OUT'], message: /dir\.yaml: cannot read the scenario file \(it is a directory\)/ },
  { name: 'YAML syntax error', files: { 's.yaml': swap('population:', 'population: [') }, args: ['run', '@/s.yaml', '--out', 'OUT'], message: /s\.yaml:\d+:\d+: YAML syntax error/ },
  { name: 'duplicate key', files: { 's.yaml': GOOD + 'seed: 2\n' }, args: ['run', '@/s.yaml', '--out', 'OUT'], message: /s\.yaml:\d+:\d+: YAML syntax error: Map keys must be unique/ },
  { name: 'top level is a list', files: { 's.yaml': '- a\n- b\n' }, args: ['run', '@/s.yaml', '--out', 'OUT'], message: /s\.yaml: expected a mapping of scenario keys .* got a list/ },
  { name: 'empty scenario file', files: { 's.yaml': '' }, args: ['run', '@/s.yaml', '--out', 'OUT'], message: /s\.yaml: duration: missing, expected seconds/ },
  { name: 'wrong type for a count', files: { 's.yaml': swap('count: 3,', 'count: many,') }, args: ['run', '@/s.yaml', '--out', 'OUT'], message: /s\.yaml:8:\d+: population\.leechers\.count: expected a whole number ≥ 0, got "many"/ },
  { name: 'negative count', files: { 's.yaml': swap('count: 3,', 'count: -3,') }, args: ['run', '@/s.yaml', '--out', 'OUT'], message: /s\.yaml:8:\d+: population\.leechers\.count: expected a whole number ≥ 0, got -3/ },
  { name: 'fractional count', files: { 's.yaml': swap('count: 3,', 'count: 2.5,') }, args: ['run', '@/s.yaml', '--out', 'OUT'], message: /population\.leechers\.count: expected a whole number ≥ 0, got 2\.5/ },
  { name: 'share above 1', files: { 's.yaml': swap('role: seed }', 'role: seed, connectable: 1.5 }') }, args: ['run', '@/s.yaml', '--out', 'OUT'], message: /population\.subject\.connectable: expected a share from 0 to 1, got 1\.5/ },
  { name: 'unknown top-level key', files: { 's.yaml': GOOD + 'colour: red\n' }, args: ['run', '@/s.yaml', '--out', 'OUT'], message: /s\.yaml:\d+:1: unknown key 'colour' \(expected one of name, description, duration/ },
  { name: 'unknown nested key', files: { 's.yaml': swap('role: seed }', 'role: seed, colour: red }') }, args: ['run', '@/s.yaml', '--out', 'OUT'], message: /population\.subject: unknown key 'colour'/ },
  { name: 'bad enum value', files: { 's.yaml': swap('role: leecher', 'role: lurker') }, args: ['run', '@/s.yaml', '--out', 'OUT'], message: /population\.leechers\.role: expected one of seed, leecher, got "lurker"/ },
  { name: 'bad duration string', files: { 's.yaml': swap('duration: 5m', 'duration: 5 fortnights') }, args: ['run', '@/s.yaml', '--out', 'OUT'], message: /s\.yaml:3:\d+: duration: expected a duration like '90s' or a number ≥ 0, got "5 fortnights"/ },
  { name: 'bad arrival form', files: { 's.yaml': swap('arrival: { uniform: [0, 60] }', 'arrival: { someday: 1 }') }, args: ['run', '@/s.yaml', '--out', 'OUT'], message: /population\.leechers\.arrival: expected \{at: 0\}, \{uniform: \[0, 3600\]\}, \{poisson/ },
  { name: 'duration beyond int32 seconds', files: { 's.yaml': swap('duration: 5m', 'duration: 2000000000') }, args: ['run', '@/s.yaml', '--out', 'OUT'], message: /duration: expected a duration of at most 1000000000 s \(about 31 years\), got 2000000000/ },
  { name: 'too many pieces', files: { 's.yaml': swap('torrent: { size: 4 MiB, piece_size: 256 KiB }', 'torrent: { size: 2048 GiB, piece_size: 16 KiB }') }, args: ['run', '@/s.yaml', '--out', 'OUT'], message: /torrent\.piece_size: expected at most 16777215 pieces \(size \/ piece_size\), got 134217728/ },
  { name: 'subject names no group', files: { 's.yaml': swap('subject: subject', 'subject: nobody') }, args: ['run', '@/s.yaml', '--out', 'OUT'], message: /subject: expected the name of a population group \(subject, others, leechers\), got 'nobody'/ },
  { name: 'missing required section', files: { 's.yaml': swap('torrent: { size: 4 MiB, piece_size: 256 KiB }\n', '') }, args: ['run', '@/s.yaml', '--out', 'OUT'], message: /torrent: missing, expected a mapping with keys size/ },
  { name: 'unknown policy', args: ['run', TINY, '--policy', 'nope', '--out', 'OUT'], message: /unknown policy 'nope' \(known: .*transmission-4\.1/ },
  { name: 'unknown policy parameter', args: ['run', TINY, '--policy', 'exp-backoff:bass=5', '--out', 'OUT'], message: /policy exp-backoff: unknown parameter 'bass' \(known: base, factor, cap, jitter\)/ },
  { name: 'bad policy parameter value', args: ['run', TINY, '--policy', 'exp-backoff:base=soon', '--out', 'OUT'], message: /policy exp-backoff: parameter 'base': expected .*got 'soon'/ },
  { name: 'policy listed twice', args: ['run', TINY, '--policy', 'naive,naive', '--out', 'OUT'], message: /naive is listed twice/ },
  { name: 'missing policy module', args: ['run', TINY, '--policy', '@/my-policy.js', '--out', 'OUT'], message: /policy module .*my-policy\.js: cannot read the file/ },
  { name: 'policy module that throws on import', args: ['run', TINY, '--policy', 'test/cli/fixtures/import-throws-policy.mjs', '--out', 'OUT'], message: /policy module test\/cli\/fixtures\/import-throws-policy\.mjs: failed to load: module top level exploded/ },
  { name: 'policy module whose create() throws', args: ['run', TINY, '--policy', 'test/cli/fixtures/create-throws-policy.mjs', '--out', 'OUT'], message: /policy module test\/cli\/fixtures\/create-throws-policy\.mjs: create\(\) threw: no policy for you/ },
  { name: 'policy module that is no policy', args: ['run', TINY, '--policy', 'test/experiments/fixtures/fake-runner.mjs', '--out', 'OUT'], message: /expected a PolicyFactory as the default export/ },
  {
    name: 'policy module that throws during the run',
    args: ['run', TINY, '--policy', 'test/cli/fixtures/throwing-policy.mjs', '--duration', '60s', '--jobs', '1', '--quiet', '--out', 'OUT'],
    env: { SWARMSIM_RUNNER: '' },
    message: /^policy module test\/cli\/fixtures\/throwing-policy\.mjs: select\(\) threw: boom: this policy is broken \(policy test\/cli\/fixtures\/throwing-policy\.mjs, rep 0, seed 1\)\n/,
  },
  {
    name: 'policy module that hangs during the run',
    args: ['run', TINY, '--policy', 'test/cli/fixtures/hanging-policy.mjs', '--duration', '60s', '--jobs', '1', '--quiet', '--out', 'OUT'],
    env: { SWARMSIM_RUNNER: '', SWARMSIM_CALL_LIMIT: '1' },
    message: /^policy module test\/cli\/fixtures\/hanging-policy\.mjs: select\(\) did not return within 1 s \(SWARMSIM_CALL_LIMIT\) \(policy test\/cli\/fixtures\/hanging-policy\.mjs, rep 0, seed 1\)\n/,
  },
  { name: 'unknown policy in the scenario file', files: { 's.yaml': swap('policy: libtorrent-2.1', 'policy: libtorrent-9') }, args: ['run', '@/s.yaml', '--out', 'OUT'], message: /s\.yaml:7:\d+: population\.others\.policy: unknown policy 'libtorrent-9' \(known: / },
  { name: '--set without =', args: ['run', TINY, '--set', 'duration', '--out', 'OUT'], message: /--set duration: expected path=value/ },
  { name: '--set unknown field', args: ['run', TINY, '--set', 'populaton.subject.count=3', '--out', 'OUT'], message: /--set populaton\.subject\.count=3: 'populaton' is not a field of the scenario/ },
  { name: '--set unknown group', args: ['run', TINY, '--set', 'population.ghosts.count=3', '--out', 'OUT'], message: /--set population\.ghosts\.count=3: no group 'ghosts' in population .*\(groups: subject, others, leechers\)/ },
  { name: '--set invalid value', args: ['run', TINY, '--set', 'population.subject.count=-1', '--out', 'OUT'], message: /--set population\.subject\.count=-1: expected a whole number ≥ 0, got -1/ },
  { name: '--set into a single value', args: ['run', TINY, '--set', 'duration.hours=2', '--out', 'OUT'], message: /--set duration\.hours=2: duration is a single value, it has no field 'hours'/ },
  { name: '--set value that is not YAML', args: ['run', TINY, '--set', 'policies=[a', '--out', 'OUT'], message: /--set policies=\[a: the value is not valid YAML/ },
  { name: 'bad --duration', args: ['run', TINY, '--duration', '2x', '--out', 'OUT'], message: /--duration 2x: expected a duration > 0 such as 90s, 30m or 2h/ },
  { name: 'zero --reps', args: ['run', TINY, '--reps', '0', '--out', 'OUT'], message: /--reps 0: expected a whole number ≥ 1/ },
  { name: 'non-numeric --seed', args: ['run', TINY, '--seed', 'abc', '--out', 'OUT'], message: /--seed abc: expected a whole number ≥ 0/ },
  { name: 'zero --jobs', args: ['run', TINY, '--jobs', '0', '--out', 'OUT'], message: /--jobs 0: expected a whole number ≥ 1/ },
  { name: 'bad --trace', args: ['run', TINY, '--trace', 'everything', '--out', 'OUT'], message: /--trace everything: expected subject, all or none/ },
  { name: 'unknown option', args: ['run', TINY, '--bogus', '--out', 'OUT'], message: /Unknown argument: bogus/ },
  { name: 'unknown command', args: ['fly', '--out', 'OUT'], message: /unknown command 'fly' \(expected one of run, sweep, merge/ },
  { name: 'missing scenario argument', args: ['run', '--out', 'OUT'], message: /Not enough non-option arguments/ },
  { name: 'bad --shard order', files: SWEEP('base: tiny.yaml\ngrid: { population.leechers.count: [1, 2] }\n'), args: ['sweep', '@/sweep.yaml', '--shard', '3/2', '--out', 'OUT'], message: /--shard 3\/2: expected 1 ≤ K ≤ N, got K=3, N=2/ },
  { name: 'bad --shard format', files: SWEEP('base: tiny.yaml\ngrid: { population.leechers.count: [1, 2] }\n'), args: ['sweep', '@/sweep.yaml', '--shard', 'half', '--out', 'OUT'], message: /--shard half: expected K\/N \(e\.g\. 2\/8\) or auto/ },
  {
    name: '--shard auto without a job array',
    files: SWEEP('base: tiny.yaml\ngrid: { population.leechers.count: [1, 2] }\n'),
    args: ['sweep', '@/sweep.yaml', '--shard', 'auto', '--out', 'OUT'],
    env: { SLURM_ARRAY_TASK_ID: '', JOB_COMPLETION_INDEX: '' },
    message: /--shard auto: found neither SLURM_ARRAY_TASK_ID\/SLURM_ARRAY_TASK_COUNT nor JOB_COMPLETION_INDEX\/JOB_COMPLETIONS/,
  },
  {
    name: '--shard auto outside the Slurm array',
    files: SWEEP('base: tiny.yaml\ngrid: { population.leechers.count: [1, 2] }\n'),
    args: ['sweep', '@/sweep.yaml', '--shard', 'auto', '--out', 'OUT'],
    env: { SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '0', JOB_COMPLETION_INDEX: '' },
    message: /SLURM_ARRAY_TASK_ID=7 is outside 0\.\.3/,
  },
  { name: 'empty grid', files: SWEEP('base: tiny.yaml\ngrid: {}\n'), args: ['sweep', '@/sweep.yaml', '--out', 'OUT'], message: /sweep\.yaml:2:1: grid: expected at least one field with a list of values, got an empty grid/ },
  { name: 'grid value not a list', files: SWEEP('base: tiny.yaml\ngrid:\n  population.leechers.count: 5\n'), args: ['sweep', '@/sweep.yaml', '--out', 'OUT'], message: /sweep\.yaml:3:\d+: grid\.population\.leechers\.count: expected a non-empty list of values, got 5/ },
  { name: 'empty list in the grid', files: SWEEP('base: tiny.yaml\ngrid:\n  population.leechers.count: []\n'), args: ['sweep', '@/sweep.yaml', '--out', 'OUT'], message: /grid\.population\.leechers\.count: expected a non-empty list of values, got \[\]/ },
  { name: 'invalid grid value', files: SWEEP('base: tiny.yaml\ngrid:\n  population.leechers.count: [1, -4]\n'), args: ['sweep', '@/sweep.yaml', '--out', 'OUT'], message: /sweep\.yaml:3:\d+: grid population\.leechers\.count=-4: expected a whole number ≥ 0, got -4/ },
  { name: 'grid path that is no field', files: SWEEP('base: tiny.yaml\ngrid:\n  population.leechers.cuont: [1]\n'), args: ['sweep', '@/sweep.yaml', '--out', 'OUT'], message: /grid population\.leechers\.cuont=1: 'cuont' is not a field of population\.leechers/ },
  { name: 'unknown key in a sweep file', files: SWEEP('base: tiny.yaml\ngrid: { population.leechers.count: [1] }\nrepetitions: 3\n'), args: ['sweep', '@/sweep.yaml', '--out', 'OUT'], message: /sweep\.yaml:3:1: unknown key 'repetitions' \(expected one of/ },
  { name: 'sweep base file missing', files: { 'sweep.yaml': 'base: nope.yaml\ngrid: { duration: [60] }\n' }, args: ['sweep', '@/sweep.yaml', '--out', 'OUT'], message: /nope\.yaml: cannot read the scenario file \(no such file\)/ },
  { name: 'sweep replications not a number', files: SWEEP('base: tiny.yaml\ngrid: { duration: [60] }\nreplications: many\n'), args: ['sweep', '@/sweep.yaml', '--out', 'OUT'], message: /sweep\.yaml:3:\d+: replications: expected a whole number ≥ 1, got "many"/ },
  { name: 'unwritable --out (a parent is a file)', files: { 'afile': 'x' }, args: ['run', TINY, '--out', '@/afile/sub'], message: /--out .*afile\/sub: cannot create the output directory \(a parent is not a directory\)/ },
  { name: '--out is a file', files: { 'afile': 'x' }, args: ['run', TINY, '--out', '@/afile'], message: /--out .*afile: exists and is not a directory/ },
  { name: 'merge of a folder that is no output', setup: (d) => mkdirSync(join(d, 'empty')), args: ['merge', '@/empty', '--out', 'OUT'], message: /merge: .*empty: not a swarmsim output/ },
  { name: 'merge of a missing folder', args: ['merge', '@/nowhere', '--out', 'OUT'], message: /merge: .*nowhere: no such directory/ },
  { name: 'merge of several folders without --out', setup: (d) => (mkdirSync(join(d, 'a')), mkdirSync(join(d, 'b'))), args: ['merge', '@/a', '@/b'], message: /merge: --out DIR is required when merging several folders/ },
  { name: 'explain an unknown policy', args: ['explain', 'nope'], message: /unknown policy 'nope'/ },
  { name: 'list something unknown', args: ['list', 'colours'], message: /Invalid values:.*colours/ },
];

beforeAll(assertBuilt);
afterAll(cleanupTempDirs);

describe('bad input catalogue', () => {
  it('has at least 25 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s → exit 2, one line, no stack, nothing written', (_name, c) => {
    const dir = tempDir('swarmsim-bad-');
    for (const [f, text] of Object.entries(c.files ?? {})) writeFileSync(join(dir, f), text);
    c.setup?.(dir);
    const out = join(dir, 'out', 'deep');
    const args = c.args.map((a) => (a === 'OUT' ? out : a.replace(/^@/, dir)));
    const r = swarmsim(args, { env: { SWARMSIM_RUNNER: FAKE_RUNNER, ...c.env } });
    expect(r.stderr).toMatch(c.message);
    expect(r.status).toBe(2);
    expect(r.stderr.endsWith('\n')).toBe(true);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at |Error:|unexpected/);
    expect(r.stdout).toBe('');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
