import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../sim/cli/main.js';
import { tempDir, writeFixture } from './fixtures.js';

/**
 * `swarmsim check` end to end through the real CLI and the real model: a baseline made with
 * transmission-4.1 passes against itself, fails (exit 1, metric named) when the suite's policy
 * becomes transmission-main-2023, and the reverse is reported as an improvement.
 */

const SCENARIO = resolve('scenarios/seed-heavy.yaml');
const dir = tempDir('swarmsim-check-');

function suite(name: string, policy: string, duration = '20m'): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: e2e
replications: 3
seed: 1
policies:
  client: ${policy}
scenarios:
  - file: ${SCENARIO}
    name: seed-heavy-short
    set:
      duration: ${duration}
metrics:
  subject_wasted_handshakes: { relative: 0.25, statistical: { min_relative_effect: 0.1 } }
  subject_repeat_wasted: { relative: 0.25, absolute: 20 }
  subject_churn_per_peer_min: { statistical: { min_relative_effect: 0.1 } }
  swarm_completion_s_p90: { relative: 0.2 }
`,
  );
  return file;
}

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    const code = await main(args);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = undefined;
  }
}

const base41 = join(dir, 'baseline-4.1.json');
const baseMain = join(dir, 'baseline-main.json');
const s41 = suite('suite-41', 'transmission-4.1');
const sMain = suite('suite-main', 'transmission-main-2023');

afterEach(() => {
  delete process.env.GITHUB_STEP_SUMMARY;
});

describe('swarmsim check', () => {
  beforeAll(async () => {
    const r = await cli('check', s41, '--baseline', base41, '--update');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`baseline written: ${base41}`);
  }, 120_000);

  it('writes a deterministic baseline with version, scenario hash, mean, CI and n', async () => {
    const b = JSON.parse(readFileSync(base41, 'utf8'));
    expect(b.format).toBe('swarmsim-baseline/1');
    expect(b.swarmsim).toMatch(/^\d+\.\d+\.\d+/);
    const sc = b.scenarios['seed-heavy-short'];
    expect(sc.scenario_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(sc.policies.client.policy).toBe('transmission-4.1');
    const m = sc.policies.client.metrics.subject_wasted_handshakes;
    expect(m.n).toBe(3);
    expect(m.ci[0]).toBeLessThanOrEqual(m.mean);
    expect(m.ci[1]).toBeGreaterThanOrEqual(m.mean);
    const again = join(dir, 'again.json');
    await cli('check', s41, '--baseline', again, '--update');
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(base41, 'utf8'));
  }, 120_000);

  it('passes against itself, with JUnit and the GitHub step summary', async () => {
    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, '# earlier step\n');
    process.env.GITHUB_STEP_SUMMARY = summary;
    const junit = join(dir, 'pass.xml');
    const r = await cli('check', s41, '--baseline', base41, '--junit', junit);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^scenario\s+policy\s+metric\s+baseline\s+now\s+change\s+verdict/);
    expect(r.out).toMatch(/subject_wasted_handshakes .* 0 +pass +unchanged/);
    expect(r.out).toMatch(/PASS: 0 regressions, 0 improvements\n$/);
    expect(readFileSync(junit, 'utf8')).toContain('failures="0"');
    const md = readFileSync(summary, 'utf8');
    expect(md.startsWith('# earlier step\n### ✅ swarmsim check: e2e — PASS')).toBe(true);
  }, 120_000);

  it('fails with exit 1 naming the metric when the policy becomes transmission-main-2023', async () => {
    const junit = join(dir, 'fail.xml');
    const r = await cli('check', sMain, '--baseline', base41, '--junit', junit);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/client=transmission-main-2023\s+subject_wasted_handshakes\s+.*\+\d+%\s+REGRESSION/);
    expect(r.out).toContain('note: seed-heavy-short · client: baseline policy transmission-4.1, now transmission-main-2023');
    expect(r.out).toMatch(/FAIL: [1-9]\d* regressions?/);
    expect(readFileSync(junit, 'utf8')).toMatch(/name="subject_wasted_handshakes"><failure type="regression"/);
  }, 120_000);

  it('reports the way back as an improvement and passes', async () => {
    const u = await cli('check', sMain, '--baseline', baseMain, '--update');
    expect(u.code).toBe(0);
    const r = await cli('check', s41, '--baseline', baseMain);
    expect(r.code).toBe(0);
    // the 2023 baseline is so noisy (one replication storms) that only the relative/absolute metric calls it
    expect(r.out).toMatch(/subject_repeat_wasted\s+.*-\d+%\s+improvement/);
    expect(r.out).toMatch(/PASS: 0 regressions, [1-9]\d* improvements?/);
  }, 120_000);

  it('a changed scenario is reported as such (exit 2, accept with --update), not as a regression', async () => {
    const r = await cli('check', suite('suite-longer', 'transmission-4.1', '25m'), '--baseline', base41);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/subject_wasted_handshakes .*scenario changed/);
    expect(r.out).not.toContain('REGRESSION');
    expect(r.out).toMatch(/note: seed-heavy-short: scenario changed since the baseline \(hash [0-9a-f]{12} → [0-9a-f]{12}\)/);
    expect(r.err).toBe(`${base41}: baseline does not match the suite (seed-heavy-short changed): review and accept with --update\n`);
  }, 120_000);

  it.each([
    ['malformed suite', () => {
      const f = join(dir, 'bad-suite.yaml');
      writeFileSync(f, 'name: x\npolicies: [transmission-4.1]\nscenarios: []\nmetrics: {}\n');
      return [f, base41];
    }, /bad-suite\.yaml:3:\d+: scenarios: expected at least one scenario/],
    ['unknown metric', () => {
      const f = join(dir, 'bad-metric.yaml');
      writeFileSync(f, readFileSync(s41, 'utf8').replace('swarm_completion_s_p90', 'swarm_completion_p90'));
      return [f, base41];
    }, /bad-metric\.yaml:\d+:3: metrics\.swarm_completion_p90: unknown metric/],
    ['missing suite', () => [join(dir, 'nope.yaml'), base41], /nope\.yaml: cannot read the suite file/],
    ['malformed baseline', () => {
      const f = join(dir, 'bad-baseline.json');
      writeFileSync(f, '{"format": "swarmsim-baseline/1", "swarmsim": "0.1.0"');
      return [s41, f];
    }, /bad-baseline\.json: malformed JSON/],
    ['wrong baseline', () => {
      const f = join(dir, 'wrong-baseline.json');
      writeFileSync(f, '{"format": "swarmsim-baseline/1", "swarmsim": "0.1.0", "suite": "x"}');
      return [s41, f];
    }, /wrong-baseline\.json: not a swarmsim baseline: scenarios: missing/],
    ['missing baseline', () => [s41, join(dir, 'none.json')], /none\.json: cannot read the baseline \(create it with .* --update\)/],
  ])('%s → exit 2 with one clear line, nothing run', async (_, make, re) => {
    const [s, b] = make();
    const r = await cli('check', s!, '--baseline', b!);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(re);
  });

  it('--baseline is required (usage error, exit 2)', async () => {
    const r = await cli('check', s41);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/baseline/);
  });

  it('--out keeps each scenario’s outputs and report', async () => {
    const out = join(dir, 'out');
    const r = await cli('check', s41, '--baseline', base41, '--out', out);
    expect(r.code).toBe(0);
    for (const f of ['summary.csv', 'timeseries.csv', 'connections.csv', 'manifest.json', 'report.html', 'plots/raster.png']) expect(existsSync(join(out, 'seed-heavy-short', f)), f).toBe(true);
  }, 120_000);
});

describe('swarmsim report', () => {
  it('regenerates the report of an output folder and prints its path', async () => {
    const d = tempDir();
    writeFixture(d);
    const r = await cli('report', d);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`report: ${join(d, 'report.html')}\n`);
  });
  it('missing or malformed CSV → exit 2, one line', async () => {
    const d = tempDir();
    writeFixture(d);
    writeFileSync(join(d, 'summary.csv'), 'scenario,policy,rep,seed\n"unterminated\n');
    const r = await cli('report', d);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`${join(d, 'summary.csv')}: malformed CSV: line 2: unterminated quoted field\n`);
    const r2 = await cli('report', join(d, 'nothing-here'));
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(/nothing-here: no such output directory\n$/);
  });
});
