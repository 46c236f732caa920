/**
 * Writes docs/real-clients.md and lab/twins/: every lab file with committed real runs
 * (lab/runs/) beside its simulated twins (lab/calibrate/). Run with `npm run docs:real-clients`;
 * a few seconds of one core. The output is deterministic.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calibrate, labCases } from '../lab/calibrate/compare.js';
import { REAL_CLIENT_NOTES } from '../lab/calibrate/notes.js';
import { buildRealClientsDoc } from '../lab/calibrate/report.js';
import { twinTraceCsv, twinYaml } from '../lab/calibrate/twin.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function writeAtomic(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

const cases = labCases(root);
const twinsDir = join(root, 'lab', 'twins');
mkdirSync(twinsDir, { recursive: true });
for (const c of cases) {
  for (const { twin } of c.twins) {
    writeAtomic(join(twinsDir, `${twin.name}.yaml`), twinYaml(c.lab, twin));
    writeAtomic(join(twinsDir, `${twin.name}.subject.csv`), twinTraceCsv(twin));
  }
}
const doc = buildRealClientsDoc(cases.map((c) => calibrate(c)), REAL_CLIENT_NOTES);
writeAtomic(join(root, 'docs', 'real-clients.md'), doc);
process.stderr.write(`wrote docs/real-clients.md and ${cases.reduce((n, c) => n + c.twins.length, 0)} twins in lab/twins/\n`);
