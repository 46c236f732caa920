import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../input-error.js';
import type { Scenario } from './schema.js';

/**
 * Reads every `arrival: {trace: file.csv}` of a validated scenario into `times` (seconds,
 * ascending). The file is a CSV with a header row naming a `time` column; other columns are
 * ignored. A malformed row is an InputError naming the file and line.
 */
export function loadArrivalTraces(scenario: Scenario, scenarioFile: string): void {
  for (const [name, g] of Object.entries(scenario.population)) {
    const a = g.arrival;
    if (!('trace' in a) || a.times !== undefined) continue;
    const file = resolve(dirname(scenarioFile), a.trace);
    a.times = parseArrivalTrace(readTrace(file, `population.${name}.arrival.trace`), file);
  }
}

function readTrace(file: string, key: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`${file}: cannot read the arrival trace named by ${key}`);
  }
}

export function parseArrivalTrace(text: string, file: string): number[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
  const col = header.indexOf('time');
  if (col < 0) throw new InputError(`${file}:1: expected a header row with a 'time' column, got '${lines[0] ?? ''}'`);
  const times: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const cell = line.split(',')[col]?.trim().replace(/^"|"$/g, '');
    const t = cell === undefined || cell === '' ? NaN : Number(cell);
    if (!Number.isFinite(t) || t < 0) throw new InputError(`${file}:${i + 1}: expected a time in seconds ≥ 0 in column 'time', got '${cell ?? ''}'`);
    times.push(t);
  }
  return times.sort((x, y) => x - y);
}
