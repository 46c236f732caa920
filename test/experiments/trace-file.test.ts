import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runExperiment } from '../../sim/experiments/experiment.js';
import { csvLines } from '../../sim/experiments/format.js';
import { copyInto, TraceFile } from '../../sim/experiments/trace-file.js';
import { CONNECTION_COLUMNS } from '../../sim/metrics/columns.js';
import { cleanupTempDirs, tempDir } from './helpers.js';

afterAll(cleanupTempDirs);

const row = (i: number): (string | number)[] => [i, i + 0.25, '', i + 1, 1, 2, 'subject', 'seeds, "old"', 'transmission', 'libtorrent', 'wasted', 'seed_seed', 'from', 68, 68];

describe('trace file (connections.csv rows written as the run goes)', () => {
  it('writes rows under a temporary name as they come, the same bytes as formatting them at the end, and shows the file only at commit', () => {
    const dir = tempDir();
    const file = join(dir, 'run.connections.csv');
    const t = new TraceFile(file, ['tiny', 'naive', '0', '1'], CONNECTION_COLUMNS.length);
    for (let i = 0; i < 5000; i++) t.row(row(i));
    // More than the 64 KiB buffer has been produced: it is on disk, under the temporary name.
    const temps = readdirSync(dir);
    expect(temps).toHaveLength(1);
    expect(temps[0]).not.toBe('run.connections.csv');
    expect(statSync(join(dir, temps[0]!)).size).toBeGreaterThan(1 << 16);
    expect(existsSync(file)).toBe(false);
    t.commit();
    expect(readdirSync(dir)).toEqual(['run.connections.csv']);
    const expected = csvLines([...Array(5000).keys()].map((i) => ['tiny', 'naive', '0', '1', ...row(i)]));
    expect(readFileSync(file, 'utf8')).toBe(expected);
    const parts: Buffer[] = [];
    copyInto({ write: (d) => parts.push(Buffer.from(d)) }, file);
    expect(Buffer.concat(parts).toString('utf8')).toBe(expected);
  });

  it('abort leaves nothing behind', () => {
    const dir = tempDir();
    const t = new TraceFile(join(dir, 'x.csv'), [], CONNECTION_COLUMNS.length);
    for (let i = 0; i < 3000; i++) t.row(row(i));
    t.abort();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a traced run of the real model writes the same connections.csv whether it keeps the trace in the journal or not (jobs 1 and 2)', async () => {
    const a = tempDir();
    const b = tempDir();
    const common = { scenario: 'test/experiments/fixtures/tiny.yaml', policies: ['naive', 'transmission-4.1'], reps: 2, trace: { mode: 'all' as const, reps: 'all' as const } };
    await runExperiment({ ...common, out: a, jobs: 1 });
    await runExperiment({ ...common, out: b, jobs: 2 });
    const ca = readFileSync(join(a, 'connections.csv'), 'utf8');
    expect(ca.split('\n').length).toBeGreaterThan(20);
    expect(readFileSync(join(b, 'connections.csv'), 'utf8')).toBe(ca);
    // The journal (and its trace files) is gone once the output is complete.
    expect(existsSync(join(a, '.runs'))).toBe(false);
  });
});
