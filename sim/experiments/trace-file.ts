import { closeSync, openSync, readSync } from 'node:fs';
import type { TraceRow, TraceSink } from '../metrics/trace-sink.js';
import { AtomicWriter } from './atomic.js';
import { csvLine, type Cell } from './format.js';

/** Bytes of formatted rows held before they go to the file. */
const FLUSH_AT = 1 << 16;

/**
 * A run's connections.csv rows written as the run makes them (under a temporary name, renamed
 * by commit), so a traced run holds at most 64 KiB of its trace. The writes are synchronous:
 * the simulation waits for the disk, which is the back-pressure.
 */
export class TraceFile implements TraceSink {
  private readonly out: AtomicWriter;
  private buf = '';
  private readonly cells: Cell[];

  constructor(
    file: string,
    private readonly prefix: readonly string[],
    private readonly width: number,
  ) {
    this.out = new AtomicWriter(file);
    this.cells = [...prefix];
  }

  row(cells: TraceRow): void {
    const line = this.cells;
    line.length = this.prefix.length;
    for (let i = 0; i < this.width; i++) line.push(cells[i]!);
    this.buf += csvLine(line);
    if (this.buf.length >= FLUSH_AT) this.flush();
  }

  private flush(): void {
    this.out.write(this.buf);
    this.buf = '';
  }

  commit(): void {
    this.flush();
    this.out.commit();
  }

  abort(): void {
    this.buf = '';
    this.out.abort();
  }
}

/** Appends a file to `out` in 1 MiB pieces (a trace may be larger than memory). */
export function copyInto(out: { write(data: Uint8Array): void }, file: string): void {
  const fd = openSync(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      out.write(chunk.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
}
