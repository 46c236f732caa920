/**
 * settle_s: the start of the first sampling interval after which the series stays within ±10%
 * of its final-quarter mean (SPEC). `times[i]` is the end of interval i. Null when empty.
 */
export function settleTime(times: readonly number[], values: readonly number[], interval: number): number | null {
  const n = values.length;
  if (n === 0) return null;
  const from = Math.floor((3 * n) / 4);
  let sum = 0;
  for (let i = from; i < n; i++) sum += values[i]!;
  const mean = sum / (n - from);
  const tol = 0.1 * Math.abs(mean);
  let k = n;
  while (k > 0 && Math.abs(values[k - 1]! - mean) <= tol + 1e-12) k--;
  return k === 0 ? Math.max(0, times[0]! - interval) : times[k - 1]!;
}
