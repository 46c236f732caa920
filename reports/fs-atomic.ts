import { renameSync, rmSync, writeFileSync } from 'node:fs';

let counter = 0;

/** Writes a file under a temporary name in the same directory, then renames it into place. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}-${counter++}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
