/** Small statistics used by the report and the CI check: means and Student-t 95% intervals. */
import { studentTQuantile } from '../sim/experiments/statistics.js';

/** The 0.975 quantile of Student's t with `df` degrees of freedom (the experiments' own function). */
export function t975(df: number): number {
  return df >= 1 ? studentTQuantile(0.975, df) : NaN;
}

export interface Estimate {
  n: number;
  mean: number;
  sd: number;
  /** 95% confidence interval of the mean (equal to the mean when n < 2). */
  lo: number;
  hi: number;
}

/** Mean, sample sd and the t-based 95% CI of the finite values in `xs` (nulls and NaN skipped). */
export function estimate(xs: readonly (number | null | undefined)[]): Estimate {
  const v: number[] = [];
  for (const x of xs) if (x !== null && x !== undefined && Number.isFinite(x)) v.push(x);
  const n = v.length;
  if (n === 0) return { n: 0, mean: NaN, sd: NaN, lo: NaN, hi: NaN };
  let s = 0;
  for (const x of v) s += x;
  const mean = s / n;
  if (n < 2) return { n, mean, sd: 0, lo: mean, hi: mean };
  let ss = 0;
  for (const x of v) ss += (x - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  const half = (t975(n - 1) * sd) / Math.sqrt(n);
  return { n, mean, sd, lo: mean - half, hi: mean + half };
}
