/**
 * The one statistics module: mean, sample standard deviation and confidence intervals from
 * Student's t (exact quantiles at every degree of freedom, from the regularized incomplete beta
 * function below), the paired difference of a policy to the reference policy over the same seeds
 * (common random numbers make those differences far less variable than the metrics themselves),
 * quantiles and least squares. comparison.csv, the report, `check`, the lab calibration and the
 * validation figures all read their intervals from here, so they agree.
 */

export interface Estimate {
  n: number;
  mean: number | null;
  sd: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}

/** ln Γ(x), Lanczos approximation (g = 7, 9 terms): about 15 significant digits for x > 0. */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with df degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

const quantileCache = new Map<string, number>();

/** The p quantile of Student's t (0 < p < 1), by bisection on the CDF to full double precision. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) throw new RangeError(`studentTQuantile(${p}, ${df})`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  const key = `${p}:${df}`;
  const hit = quantileCache.get(key);
  if (hit !== undefined) return hit;
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-14 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  const q = (lo + hi) / 2;
  quantileCache.set(key, q);
  return q;
}

/** The finite numbers among `values` (nulls, undefined and NaN skipped). */
function finite(values: readonly (number | null | undefined)[]): number[] {
  const v: number[] = [];
  for (const x of values) if (x !== null && x !== undefined && Number.isFinite(x)) v.push(x);
  return v;
}

/** n, mean, sd and the two-sided t interval of the mean of the finite values (nulls where undefined). */
export function estimate(values: readonly (number | null | undefined)[], level = 0.95): Estimate {
  const v = finite(values);
  const n = v.length;
  if (n === 0) return { n, mean: null, sd: null, ciLow: null, ciHigh: null };
  const m = mean(v);
  if (n === 1) return { n, mean: m, sd: null, ciLow: null, ciHigh: null };
  const s = sd(v);
  const half = studentTQuantile(1 - (1 - level) / 2, n - 1) * (s / Math.sqrt(n));
  return { n, mean: m, sd: s, ciLow: m - half, ciHigh: m + half };
}

/** An estimate as a chart draws it: NaN when empty, and an interval that is the mean itself below two values. */
export interface Band {
  n: number;
  mean: number;
  sd: number;
  lo: number;
  hi: number;
}

export function band(values: readonly (number | null | undefined)[]): Band {
  const e = estimate(values);
  if (e.mean === null) return { n: 0, mean: NaN, sd: NaN, lo: NaN, hi: NaN };
  return { n: e.n, mean: e.mean, sd: e.sd ?? 0, lo: e.ciLow ?? e.mean, hi: e.ciHigh ?? e.mean };
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (n − 1); NaN for fewer than 2 values. */
export function sd(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return Math.sqrt(s / (xs.length - 1));
}

/** Half-width of the 95 % t interval of the mean (NaN for fewer than 2 values). */
export function ci95(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  return studentTQuantile(0.975, xs.length - 1) * (sd(xs) / Math.sqrt(xs.length));
}

/** Linear-interpolated quantile (type 7) of sorted values; null when empty. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Least-squares slope of y on x. */
export function slope(x: readonly number[], y: readonly number[]): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  return sxy / sxx;
}

/**
 * The paired difference a − b over the keys both have a value for (here: the seeds), with its
 * interval. Order of the differences follows `keys`.
 */
export function pairedDifference(keys: readonly number[], a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>, level = 0.95): Estimate {
  const d: number[] = [];
  for (const k of keys) {
    const x = a.get(k);
    const y = b.get(k);
    if (x !== undefined && y !== undefined) d.push(x - y);
  }
  return estimate(d, level);
}
