import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, ROOT } from './helpers.js';

/**
 * SLOW (~20–40 s): swarmsim as a package another project depends on. `npm pack` (scripts off:
 * dist/ must be built) makes the tarball users install; it is unpacked into a temporary
 * project's node_modules as npm does (package/ → node_modules/swarmsim, the `bin` linked into
 * node_modules/.bin) and swarmsim's dependencies are linked from this checkout's node_modules,
 * so no registry or network is needed. A TypeScript policy there imports from 'swarmsim', is
 * typechecked by tsc against the installed declarations, compiled, and run with `npx swarmsim`.
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
        include: ['linear-wait.ts'],
      }),
    );
    writeFileSync(join(proj, 'linear-wait.ts'), POLICY_TS);
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
    expect(readdirSync(join(installed, 'dist'))).not.toContain('test');
  });

  it('a TypeScript policy importing from swarmsim typechecks against the installed declarations (and a wrong one does not)', () => {
    const ok = tsc(['-p', 'tsconfig.json']);
    expect(ok.stdout + ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    writeFileSync(join(proj, 'broken.ts'), BROKEN_TS);
    writeFileSync(join(proj, 'tsconfig.broken.json'), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { noEmit: true }, include: ['broken.ts'] }));
    const bad = tsc(['-p', 'tsconfig.broken.json']);
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toMatch(/lastActiv/);
  });

  it('runs with the installed CLI (npx swarmsim run)', () => {
    const scenario = join(proj, 'node_modules', PKG.name, 'scenarios', 'seed-heavy.yaml');
    const run = (args: string[]) =>
      spawnSync('npx', ['--no-install', 'swarmsim', ...args], { cwd: proj, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, timeout: 120_000 });
    const r = run(['run', scenario, '--policy', './out/linear-wait.js:step=60', '--reps', '1', '--duration', '5m', '--out', 'result', '--no-report', '--quiet']);
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
});
