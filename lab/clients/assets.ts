import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (the folder whose package.json is swarmsim's), from source or from dist/. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'swarmsim') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the swarmsim project folder');
    dir = up;
  }
}

/** A helper script shipped beside the lab's sources (lab/clients/NAME). */
export function labAsset(name: string): string {
  return join(projectRoot(), 'lab', 'clients', name);
}
