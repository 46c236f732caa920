import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ExperimentOptions } from '../../sim/experiments/experiment.js';
import { readSweepFile } from '../../sim/experiments/sweep-file.js';

export const FIXTURES = resolve(import.meta.dirname, 'fixtures');
export const FAKE_RUNNER = join(FIXTURES, 'fake-runner.mjs');
export const TINY = join(FIXTURES, 'tiny.yaml');
export const TINY_SWEEP = join(FIXTURES, 'tiny-sweep.yaml');

const made: string[] = [];

export function tempDir(prefix = 'swarmsim-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

export function cleanupTempDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Every deterministic output file (all but timing.json and hidden folders) by name. */
export function deterministicFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || name === 'timing.json' || name.startsWith('shard-')) continue;
    if (name === 'report.html' || name === 'plots') continue;
    out[name] = readFileSync(join(dir, name), 'utf8');
  }
  return out;
}

/** The options `swarmsim sweep FILE` runs with: the sweep file's grid, policies, reps and seed. */
export function sweepFileOptions(file: string, out: string | null, command: string[], extra: Partial<ExperimentOptions> = {}): ExperimentOptions {
  const s = readSweepFile(file);
  return {
    kind: 'sweep',
    scenario: s.base,
    sweepFile: s.file,
    fixed: s.fixed,
    grid: s.grid,
    policies: s.policies!,
    reps: s.replications!,
    seed: s.seed!,
    out,
    command,
    ...extra,
  };
}
