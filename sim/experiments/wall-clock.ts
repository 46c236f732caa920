/**
 * The wall clock, for timing.json and progress only (never inside a simulation; the lint rule
 * that forbids clocks under sim/ exempts this one file).
 */
export function wallSeconds(): number {
  return performance.now() / 1000;
}
