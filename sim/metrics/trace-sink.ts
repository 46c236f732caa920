/** One connections.csv row in CONNECTION_COLUMNS order (sim/metrics/columns.ts). */
export type TraceRow = (string | number)[];

/**
 * Where traced connections go as the recorder closes them. A run that writes its trace to disk
 * as it goes (sim/experiments/trace-file.ts) holds none of it in memory: the trace of a
 * 10 000-peer hour is millions of rows, far more than the swarm itself.
 */
export interface TraceSink {
  row(cells: TraceRow): void;
}

/** Keeps the rows (tests and in-process callers that read RunResult.connections). */
export class TraceRows implements TraceSink {
  readonly rows: TraceRow[] = [];
  row(cells: TraceRow): void {
    this.rows.push(cells);
  }
}

/** Drops the rows: the caller keeps no trace (an experiment that writes no files). */
export const DISCARD_TRACE: TraceSink = { row: () => undefined };
