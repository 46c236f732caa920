import { describe, expect, it } from 'vitest';
import { band, ci95, estimate, incompleteBeta, pairedDifference, studentTCdf, studentTQuantile } from '../sim/statistics.js';

describe('Student t', () => {
  // Two-sided 95% critical values from the standard table.
  const table: [number, number][] = [
    [1, 12.706],
    [2, 4.303],
    [3, 3.182],
    [4, 2.776],
    [5, 2.571],
    [9, 2.262],
    [10, 2.228],
    [19, 2.093],
    [29, 2.045],
    [30, 2.042],
    [60, 2.0],
    [120, 1.98],
  ];
  it.each(table)('t(0.975, %i) = %f', (df, t) => {
    expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 3);
  });

  it('tends to the normal quantile and is symmetric', () => {
    expect(studentTQuantile(0.975, 1e7)).toBeCloseTo(1.959964, 5);
    expect(studentTQuantile(0.025, 7)).toBeCloseTo(-studentTQuantile(0.975, 7), 12);
    expect(studentTQuantile(0.5, 3)).toBe(0);
  });

  it('inverts its CDF', () => {
    for (const df of [1, 3, 8, 50]) for (const p of [0.6, 0.9, 0.995]) expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 12);
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 12); // Cauchy
    expect(incompleteBeta(0.5, 2, 2)).toBeCloseTo(0.5, 12);
  });
});

describe('estimate', () => {
  it('gives n, mean, sd and the t interval', () => {
    const e = estimate([1, 2, 3, 4, 5]);
    expect(e.n).toBe(5);
    expect(e.mean).toBe(3);
    expect(e.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(e.ciHigh! - 3).toBeCloseTo(2.776445 * Math.sqrt(2.5) / Math.sqrt(5), 5);
    expect(e.ciLow! + e.ciHigh!).toBeCloseTo(6, 12);
  });
  it('leaves undefined parts empty', () => {
    expect(estimate([])).toEqual({ n: 0, mean: null, sd: null, ciLow: null, ciHigh: null });
    expect(estimate([4])).toEqual({ n: 1, mean: 4, sd: null, ciLow: null, ciHigh: null });
  });
});

describe('pairedDifference', () => {
  it('pairs by key and is much tighter than the unpaired interval under common random numbers', () => {
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
    const swarm = [50, 120, 80, 200, 30, 160, 90, 140];
    const a = new Map(seeds.map((s, i) => [s, swarm[i]! + 10 + (i % 3)]));
    const b = new Map(seeds.map((s, i) => [s, swarm[i]!]));
    const d = pairedDifference(seeds, a, b);
    expect(d.n).toBe(8);
    expect(d.mean).toBeCloseTo(11, 0);
    const ea = estimate([...a.values()]);
    const eb = estimate([...b.values()]);
    const unpairedHalf = 2.145 * Math.sqrt(ea.sd! ** 2 / 8 + eb.sd! ** 2 / 8);
    expect((d.ciHigh! - d.ciLow!) / 2).toBeLessThan(unpairedHalf / 10);
  });
  it('uses only keys both sides have', () => {
    const d = pairedDifference([1, 2, 3], new Map([[1, 5], [2, 7]]), new Map([[2, 1], [3, 1]]));
    expect(d.n).toBe(1);
    expect(d.mean).toBe(6);
  });
});

describe('one interval everywhere', () => {
  it('estimate skips nulls and NaN; band collapses to the mean below two values', () => {
    const e = estimate([1, 2, 3, null, 4, NaN, 5]);
    expect(e.n).toBe(5);
    expect(e.mean).toBe(3);
    expect(e.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(e.ciHigh! - e.mean!).toBeCloseTo((2.7764 * Math.sqrt(2.5)) / Math.sqrt(5), 4);
    expect(band([7])).toEqual({ n: 1, mean: 7, sd: 0, lo: 7, hi: 7 });
    expect(band([null]).n).toBe(0);
    expect(Number.isNaN(band([]).mean)).toBe(true);
  });

  it('the validation half-width is the comparison interval, also past 30 degrees of freedom (no 1.96)', () => {
    const xs = Array.from({ length: 41 }, (_, i) => Math.sin(i) * 10 + i);
    const e = estimate(xs);
    expect(ci95(xs)).toBeCloseTo(e.ciHigh! - e.mean!, 12);
    expect(ci95(xs) / (e.sd! / Math.sqrt(41))).toBeCloseTo(2.0211, 4); // t(0.975, 40), not 1.96
    const b = band(xs);
    expect([b.lo, b.hi]).toEqual([e.ciLow, e.ciHigh]);
  });
});
