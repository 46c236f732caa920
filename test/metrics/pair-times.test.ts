import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PairTimes } from '../../sim/metrics/pair-times.js';

/** What repeat_wasted needs: the previous event of the same unordered pair within the window. */
function reference(window: number) {
  const last = new Map<string, number>();
  return (x: number, y: number, now: number): number => {
    const k = x < y ? `${x},${y}` : `${y},${x}`;
    const t = last.get(k);
    last.set(k, now);
    return t !== undefined && now - t <= window ? t : -Infinity;
  };
}

describe('PairTimes', () => {
  it('answers like a map of unordered pairs, through growth and expiry', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 30 })), { maxLength: 3000 }),
        fc.integer({ min: 1, max: 200 }),
        (steps, window) => {
          const table = new PairTimes(window, 16);
          const ref = reference(window);
          let now = 0;
          for (const [x, y, dt] of steps) {
            now += dt;
            expect(table.swap(x, y, now)).toBe(ref(x, y, now));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('holds a pair in at most 16 × 8/3 bytes (load 3/8 to 3/4): the big swarms keep tens of millions', () => {
    const t = new PairTimes(3600, 16);
    for (let n = 1; n <= 20000; n++) {
      t.swap(n, n + 7, n * 0.01);
      if (n > 64) expect(t.bytes() / t.size).toBeLessThanOrEqual((16 * 8) / 3);
    }
    expect(t.size).toBe(20000);
  });

  it('keeps ids up to 2^21 − 1 apart and drops expired pairs instead of growing', () => {
    const t = new PairTimes(10, 16);
    expect(t.swap(2097151, 0, 0)).toBe(-Infinity);
    expect(t.swap(0, 2097151, 5)).toBe(0);
    expect(t.swap(2097150, 1, 5)).toBe(-Infinity);
    for (let i = 0; i < 1000; i++) t.swap(i, i + 1, 100 + i * 20); // each expires before the next
    expect(t.size).toBeLessThan(20);
  });
});
