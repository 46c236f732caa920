/** Small statistics used by the report and the CI check: means and Student-t 95% intervals. */

const T975 = [
  NaN, 12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.306, 2.2622, 2.2281, 2.201, 2.1788, 2.1604,
  2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.093, 2.086, 2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518,
  2.0484, 2.0452, 2.0423,
];

/** The 0.975 quantile of Student's t with `df` degrees of freedom (exact to 4 decimals for df ≤ 30). */
export function t975(df: number): number {
  if (!(df >= 1)) return NaN;
  if (df <= 30 && Number.isInteger(df)) return T975[df]!;
  const z = 1.959964;
  // Cornish–Fisher expansion; error < 1e-4 for df > 30.
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
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
