import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PACKAGE_ROOT } from '../sim/experiments/package-info.js';

/**
 * `npm run bench:scenarios [-- NAME…]`: every file under scenarios/ run as a user runs it, the
 * default command line with one replication per policy (`swarmsim run FILE --reps 1
 * --no-report`), in a process of its own. Prints wall time, peak RSS (timing.json's max_rss_mb,
 * worker threads included) and exit status per scenario, as Markdown rows for the README.
 * Not a test: the large scenarios take many minutes.
 */
const only = process.argv.slice(2);
const dir = join(PACKAGE_ROOT, 'scenarios');
const files = readdirSync(dir)
  // (ci-suite.yaml is a `check` suite, not a scenario: it has no population.)
  .filter((f) => f.endsWith('.yaml') && /^population:/m.test(readFileSync(join(dir, f), 'utf8')) && (only.length === 0 || only.includes(f.replace(/\.yaml$/, ''))))
  .sort();
process.stdout.write('| scenario | policies | wall | peak RSS | exit |\n|---|---|--:|--:|--:|\n');
for (const f of files) {
  const out = mkdtempSync(join(tmpdir(), 'swarmsim-shipped-'));
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'bin', 'swarmsim.js'), 'run', join(dir, f), '--reps', '1', '--no-report', '--quiet', '--out', out], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const wall = (performance.now() - t0) / 1000;
  let rss = '';
  let policies = '';
  try {
    const timing = JSON.parse(readFileSync(join(out, 'timing.json'), 'utf8')) as { max_rss_mb: number; runs: { policy: string }[] };
    rss = `${timing.max_rss_mb} MB`;
    policies = String(new Set(timing.runs.map((x) => x.policy)).size);
  } catch {
    rss = '—';
  }
  const status = r.status ?? `signal ${r.signal}`;
  process.stdout.write(`| \`${f}\` | ${policies} | ${wall.toFixed(1)} s | ${rss} | ${status} |\n`);
  if (r.status !== 0) process.stderr.write(`${f}: ${r.stderr.trim().split('\n').slice(-3).join(' / ')}\n`);
  rmSync(out, { recursive: true, force: true });
}
