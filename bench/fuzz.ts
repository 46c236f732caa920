import fc from 'fast-check';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse, stringify } from 'yaml';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { checkDraw, drawArb, type FuzzDraw } from './fuzz-scenarios.js';

/**
 * `npm run fuzz -- --runs N [--seed S] [--out DIR] [--max-events E]`: N random scenarios
 * (bench/fuzz-scenarios.ts), each run to its end under the invariant checks. A violation,
 * crash or hang is written to DIR as a scenario file that names its policy and seed, and
 * `npm run fuzz -- --replay FILE` runs that one again. Exit status 1 when any draw failed.
 */
const args = yargs(hideBin(process.argv))
  .option('runs', { type: 'number', default: 100, describe: 'scenarios to draw' })
  .option('seed', { type: 'number', default: 20261203, describe: 'seed of the draw (the same seed draws the same scenarios)' })
  .option('out', { type: 'string', default: 'out/fuzz', describe: 'folder for failing scenarios' })
  .option('max-events', { type: 'number', default: 30_000_000, describe: 'events after which a busy draw is stopped (verdict budget: checked as far as it ran)' })
  .option('replay', { type: 'string', describe: 'run one scenario file written by an earlier campaign' })
  .strict()
  .parseSync();

function runOne(d: FuzzDraw): ReturnType<typeof checkDraw> {
  return checkDraw(d, { maxEvents: args.maxEvents });
}

if (args.replay !== undefined) {
  const scenario = parse(readFileSync(args.replay, 'utf8')) as Record<string, unknown>;
  const policies = scenario.policies as string[];
  const r = runOne({ scenario, policy: policies[0]!, seed: scenario.seed as number });
  process.stdout.write(`${args.replay}: ${r.verdict}${r.detail ? `: ${r.detail}` : ''} (${r.events} events)\n`);
  process.exit(r.verdict === 'ok' || r.verdict === 'budget' ? 0 : 1);
}

const draws = fc.sample(drawArb, { numRuns: args.runs, seed: args.seed });
const counts = { ok: 0, violation: 0, crash: 0, hang: 0, budget: 0 };
let events = 0;
let slowest = { i: -1, s: 0 };
const t0 = performance.now();
draws.forEach((d, i) => {
  const t = performance.now();
  const r = runOne(d);
  const s = (performance.now() - t) / 1000;
  if (s > slowest.s) slowest = { i, s };
  counts[r.verdict]++;
  events += r.events;
  if (r.verdict !== 'ok') {
    mkdirSync(args.out, { recursive: true });
    const file = join(args.out, `draw-${String(i).padStart(5, '0')}.yaml`);
    const head = `# fuzz draw ${i} of seed ${args.seed}: ${r.verdict}: ${r.detail}\n# replay: npm run fuzz -- --replay ${file}\n`;
    writeFileSync(file, head + stringify(d.scenario));
    process.stdout.write(`draw ${i} (${d.policy}, seed ${d.seed}): ${r.verdict}: ${r.detail} → ${file}\n`);
  }
  if ((i + 1) % 50 === 0) process.stderr.write(`${i + 1}/${draws.length} drawn, ${counts.ok} ok\n`);
});
const wall = (performance.now() - t0) / 1000;
process.stdout.write(
  `fuzz: ${draws.length} scenarios (seed ${args.seed}): ${counts.ok} ok, ${counts.violation} violations, ${counts.crash} crashes, ${counts.hang} hangs, ${counts.budget} stopped at the event budget (clean as far as they ran); ` +
    `${events} events in ${wall.toFixed(1)} s; slowest draw ${slowest.i} (${slowest.s.toFixed(1)} s)\n`,
);
process.exit(counts.violation + counts.crash + counts.hang === 0 ? 0 : 1);
