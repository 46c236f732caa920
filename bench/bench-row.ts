/** One benchmark figure; `npm run --silent bench -- --json` prints one per line. */
export interface BenchRow {
  name: string;
  events: number;
  seconds: number;
  events_per_s: number;
  [extra: string]: number | string;
}

/** Wall time of fn in seconds (benchmarks may read the clock; sim/ may not). */
export function timed<T>(fn: () => T): { value: T; seconds: number } {
  const t0 = process.hrtime.bigint();
  const value = fn();
  return { value, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

export function row(name: string, events: number, seconds: number, extra: Record<string, number | string> = {}): BenchRow {
  return { name, events, seconds: round(seconds, 4), events_per_s: Math.round(events / seconds), ...extra };
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
