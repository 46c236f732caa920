import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, ROOT } from './helpers.js';

/**
 * SLOW (~20–40 s): swarmsim as a package another project depends on. `npm pack` (scripts off:
 * dist/ must be built) makes the tarball users install; it is unpacked into a temporary
 * project's node_modules as npm does (package/ → node_modules/swarmsim, the `bin` linked into
 * node_modules/.bin) and swarmsim's dependencies are linked from this checkout's node_modules,
 * so no registry or network is needed. A TypeScript policy there imports from 'swarmsim', is
 * typechecked by tsc against the installed declarations, compiled, and run with `npx swarmsim`;
 * then run as .ts itself, once tsx is linked into the project as its user would install it.
 */
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
};

const POLICY_TS = `import { definePolicy, type PeerHistory, type HostView, type PolicyFactory } from 'swarmsim';

/** After n unproductive outcomes in a row, wait step × n seconds. */
function due(peer: PeerHistory, _host: HostView, p: { readonly step: number }): number {
  return peer.lastActive + p.step * peer.unproductive;
}

const policy: PolicyFactory = definePolicy({
  name: 'linear-wait',
  description: 'wait step × n after n unproductive outcomes',
  params: { step: { default: 30, min: 0, description: 'seconds per unproductive outcome' } },
  eligibleAt: due,
  rank: (peer) => peer.unproductive,
});
export default policy;
`;

/** Not valid against the declarations: a misspelt history field must fail the typecheck. */
const BROKEN_TS = `import { definePolicy } from 'swarmsim';
export default definePolicy({ name: 'broken', eligibleAt: (peer) => peer.lastActiv + 1 });
`;

describe('the packed package, installed into another project (slow)', () => {
  let dir = '';
  let proj = '';
  beforeAll(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'swarmsim-pkg-'));
    execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz')) as string;
    proj = join(dir, 'proj');
    const installed = join(proj, 'node_modules', PKG.name);
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', join(dir, tgz), '-C', installed, '--strip-components=1']);
    for (const dep of Object.keys(PKG.dependencies)) {
      const at = join(proj, 'node_modules', dep);
      mkdirSync(dirname(at), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', dep), at);
    }
    mkdirSync(join(proj, 'node_modules', '.bin'));
    for (const [name, path] of Object.entries(PKG.bin)) symlinkSync(join('..', PKG.name, path), join(proj, 'node_modules', '.bin', name));
    writeFileSync(join(proj, 'package.json'), JSON.stringify({ name: 'my-policies', private: true, type: 'module' }));
    writeFileSync(
      join(proj, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, outDir: 'out', types: [] },
        include: ['linear-wait.ts', 'broken.ts'],
      }),
    );
    writeFileSync(join(proj, 'linear-wait.ts'), POLICY_TS);
    writeFileSync(join(proj, 'broken.ts'), BROKEN_TS);
  }, 120_000);
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  const tsc = (args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), ...args], { cwd: proj, encoding: 'utf8' });

  it('ships its declarations and entry, and nothing of the tests', () => {
    const installed = join(proj, 'node_modules', PKG.name);
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { exports: Record<string, unknown>; types: string };
    expect(pkg.types).toBe('./dist/sim/index.d.ts');
    expect(readFileSync(join(installed, pkg.types), 'utf8')).toMatch(/definePolicy/);
    expect(readdirSync(join(installed, 'dist')).sort()).toEqual(['lab', 'reports', 'sim']);
    // Declarations only for the public API; no source maps of sources that are not shipped.
    const files = (readdirSync(join(installed, 'dist'), { recursive: true }) as string[]).map((f) => f.split(sep).join('/'));
    expect(files.filter((f) => f.endsWith('.d.ts') && !f.startsWith('sim/'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files).toContain('lab/runner/run-lab.js');
  });

  it('a TypeScript policy importing from swarmsim typechecks against the installed declarations (and a wrong one does not)', () => {
    // One tsc over both files (each start costs ~10 s): errors only in broken.ts, and
    // linear-wait.js is emitted all the same (noEmitOnError is off).
    const r = tsc(['-p', 'tsconfig.json']);
    expect(r.stderr).toBe('');
    expect(r.status).not.toBe(0);
    const errors = r.stdout.split('\n').filter((l) => /error TS/.test(l));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.filter((l) => !l.startsWith('broken.ts('))).toEqual([]);
    expect(r.stdout).toMatch(/broken\.ts\(\d+,\d+\): error TS2551: Property 'lastActiv' does not exist/);
    expect(existsSync(join(proj, 'out', 'linear-wait.js'))).toBe(true);
  });

  const scenario = (): string => join(proj, 'node_modules', PKG.name, 'scenarios', 'seed-heavy.yaml');
  const run = (args: string[]) =>
    spawnSync('npx', ['--no-install', 'swarmsim', ...args], { cwd: proj, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, timeout: 120_000 });
  const fiveMinutes = (policy: string, out: string): string[] => ['run', scenario(), '--policy', policy, '--reps', '1', '--duration', '5m', '--out', out, '--no-report', '--quiet'];

  it('runs with the installed CLI (npx swarmsim run)', () => {
    const r = run(fiveMinutes('./out/linear-wait.js:step=60', 'result'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/linear-wait/);
    const summary = readFileSync(join(proj, 'result', 'summary.csv'), 'utf8');
    // (A module's policy column is its path, with the parameters that differ from the defaults.)
    expect(summary).toMatch(/\nseed-heavy,out\/linear-wait\.js:step=60,0,/);
    const explain = run(['explain', './out/linear-wait.js']);
    expect(explain.status).toBe(0);
    expect(explain.stdout).toMatch(/fruitless connection, remote closed\s+0\s+30\s+60\s+90\s/);
  });

  it('runs examples/policies/wait-20-3k.js, the 40-line policy, from the installed package as from the checkout', () => {
    copyFileSync(join(ROOT, 'examples', 'policies', 'wait-20-3k.js'), join(proj, 'wait-20-3k.js'));
    const r = run(fiveMinutes('./wait-20-3k.js', 'wait'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const here = join(dir, 'from-checkout');
    const c = spawnSync(process.execPath, [join(ROOT, 'bin', 'swarmsim.js'), ...fiveMinutes(join(ROOT, 'examples', 'policies', 'wait-20-3k.js'), here)], { cwd: ROOT, encoding: 'utf8' });
    expect(c.status).toBe(0);
    const rows = (out: string) => readFileSync(join(out, 'summary.csv'), 'utf8').split('\n').slice(1).map((l) => l.split(',').slice(2).join(','));
    expect(rows(join(proj, 'wait'))).toEqual(rows(here));
    expect(rows(here).filter((l) => l !== '').length).toBeGreaterThan(0);
  });

  it('runs the .ts policy itself once the project has tsx (an optional peer), and says how to get it before', () => {
    const before = run(fiveMinutes('./linear-wait.ts:step=60', 'without-tsx'));
    expect(before.status).toBe(2);
    expect(before.stderr).toMatch(/policy module linear-wait\.ts: a \.ts policy module needs tsx, which is not installed: run npm install --save-dev tsx/);
    expect(before.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(proj, 'without-tsx'))).toBe(false);
    symlinkSync(join(ROOT, 'node_modules', 'tsx'), join(proj, 'node_modules', 'tsx'));
    const r = run(fiveMinutes('./linear-wait.ts:step=60', 'with-tsx'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // The same rule as the compiled module, so the same numbers under another policy name.
    const rows = (out: string, policy: string) => readFileSync(join(proj, out, 'summary.csv'), 'utf8').split(policy).join('POLICY');
    expect(rows('with-tsx', 'linear-wait.ts:step=60')).toBe(rows('result', 'out/linear-wait.js:step=60'));
  });
});
