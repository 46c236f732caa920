import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '../../sim/input-error.js';

/** What ingest reads of a lab's lab.json. */
export interface LabManifest {
  dir: string;
  lab: string;
  start_ms: number;
  end_ms: number;
  duration_s: number;
  tz_offset_min?: number;
  tracker: { address: string };
  clients: { id: string; group: string; kind: string; version: string; role: 'seed' | 'leecher'; subject: boolean; address: string; port: number; logs: string[] }[];
}

/** The lab.json of a lab output folder, of its logs/ folder, or of the folder a log file is in. */
export function findLabManifest(path: string): LabManifest | undefined {
  const start = existsSync(path) && statSync(path).isDirectory() ? path : dirname(path);
  for (const dir of [start, dirname(start)]) {
    const f = join(dir, 'lab.json');
    if (!existsSync(f)) continue;
    try {
      const m = JSON.parse(readFileSync(f, 'utf8')) as Omit<LabManifest, 'dir'>;
      if (!Array.isArray(m.clients) || typeof m.start_ms !== 'number') throw new Error('not a lab.json');
      return { ...m, dir };
    } catch (e) {
      throw new InputError(`${f}: not a lab.json written by swarmsim lab (${(e as Error).message})`);
    }
  }
  return undefined;
}
