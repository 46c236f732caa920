import { describe, expect, it } from 'vitest';
import { csvLines, formatNumber } from '../../sim/experiments/format.js';

describe('formatNumber', () => {
  it.each([
    [0, '0'],
    [-0, '0'],
    [42, '42'],
    [123456789, '123456789'],
    [1 / 3, '0.333333'],
    [2 / 3, '0.666667'],
    [1234.56789, '1234.568'],
    [0.000123456789, '0.000123457'],
    [-5.5, '-5.5'],
    [1e-9, '1e-9'],
    [null, ''],
    [NaN, ''],
    [Infinity, ''],
  ] as [number | null, string][])('%s → %s', (x, s) => {
    expect(formatNumber(x)).toBe(s);
  });
});

describe('csvLines', () => {
  it('quotes per RFC 4180 and ends every record with a newline', () => {
    expect(csvLines([['a,b', 'say "hi"', 1.5, null], ['x', 'y', 2, true]])).toBe('"a,b","say ""hi""",1.5,\nx,y,2,true\n');
    expect(csvLines([])).toBe('');
  });
});
