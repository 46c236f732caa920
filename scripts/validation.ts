/**
 * Writes docs/validation.md: the closed forms of shared/reference/validation.md beside the
 * simulated figures (sim/validation/report.ts). Run with `npx tsx scripts/validation.ts`; takes a
 * few minutes of one core. Progress and timings go to stderr; the document itself is
 * deterministic.
 */
import { writeFileSync, renameSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildValidationReport } from '../sim/validation/report.js';

const target = fileURLToPath(new URL('../docs/validation.md', import.meta.url));
const started = performance.now();
let last = started;
const doc = buildValidationReport((msg) => {
  const now = performance.now();
  process.stderr.write(`[${((now - started) / 1000).toFixed(0)} s, +${((now - last) / 1000).toFixed(1)} s] ${msg}\n`);
  last = now;
});
writeFileSync(`${target}.tmp`, doc + '\n');
renameSync(`${target}.tmp`, target);
process.stderr.write(`wrote ${target} in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
