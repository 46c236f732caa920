import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../input-error.js';

/**
 * Crash-safe file writing: every file goes to `name.tmp-<pid>` in the same folder, is flushed to
 * disk, then renamed over the final name, so a reader (or a resumed sweep) never sees half a file.
 */

const TMP = '.tmp-';

export function tempName(file: string): string {
  return join(dirname(file), `.${basename(file)}${TMP}${process.pid}`);
}

/** Writes a whole file atomically and durably. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const w = new AtomicWriter(file);
  try {
    w.write(data);
    w.commit();
  } catch (e) {
    w.abort();
    throw e;
  }
}

/** A write refused for want of space (device full, quota, file-size limit). */
export function isDiskFull(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG';
}

/**
 * The output folder's disk filled up: exit 2 with one line. The runs finished before stay in the
 * journal, so `--resume` completes the output once there is space again.
 */
export class DiskFullError extends InputError {
  override readonly name: string = 'DiskFullError';
  constructor(outDir: string, e: unknown) {
    super(
      `--out ${outDir}: the disk is full (${errCode(e)}); no output file was written. The runs finished so far are kept in ${outDir}/.runs: free some space, then run the same command again with --resume`,
    );
  }
}

/** A file written piece by piece under a temporary name, renamed into place by commit(). */
export class AtomicWriter {
  private fd: number;
  private readonly tmp: string;
  constructor(readonly file: string) {
    this.tmp = tempName(file);
    this.fd = openSync(this.tmp, 'w');
  }
  write(data: string | Uint8Array): void {
    // writeSync may write part of what it is given (a disk filling up writes what fits, then
    // fails on the next call): loop until every byte is out, or the error.
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off);
  }
  commit(): void {
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
    renameSync(this.tmp, this.file);
  }
  abort(): void {
    if (this.fd >= 0) {
      try {
        closeSync(this.fd);
      } catch {
        /* closing a file whose last write failed may fail again: the file goes anyway */
      }
    }
    this.fd = -1;
    rmSync(this.tmp, { force: true });
  }
}

/** Flushes a folder's entries (renames) to disk; best effort where the platform refuses. */
export function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* not supported here (e.g. Windows): renames are still atomic */
  }
}

/** Removes temporary files a killed process left in a folder. */
export function removeStaleTemps(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) if (n.startsWith('.') && n.includes(TMP)) rmSync(join(dir, n), { force: true });
}

/**
 * Makes sure `dir` exists as a folder. Returns the topmost folder it had to create (to remove on
 * a user error, so no half-made output is left), or undefined when it existed already.
 */
export function ensureOutputDir(dir: string): string | undefined {
  let st;
  try {
    st = statSync(dir);
  } catch {
    st = undefined;
  }
  if (st) {
    if (!st.isDirectory()) throw new InputError(`--out ${dir}: exists and is not a directory`);
    return undefined;
  }
  try {
    return mkdirSync(dir, { recursive: true }) ?? undefined;
  } catch (e) {
    throw new InputError(`--out ${dir}: cannot create the output directory (${errCode(e)})`);
  }
}

export function errCode(e: unknown): string {
  const code = (e as { code?: string }).code;
  const map: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOTDIR: 'a parent is not a directory',
    ENOENT: 'no such file or directory',
    ENOSPC: 'no space left on device',
    EDQUOT: 'disk quota exceeded',
    EFBIG: 'file too large',
    EEXIST: 'already exists',
  };
  return (code && map[code]) ?? code ?? String((e as Error).message ?? e);
}
