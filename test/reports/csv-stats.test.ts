import { describe, expect, it } from 'vitest';
import { csvFromText, parseCsv } from '../../reports/csv.js';
import { estimate, t975 } from '../../reports/stats.js';
import { InputError } from '../../sim/input-error.js';

describe('parseCsv (RFC 4180)', () => {
  it('reads quoted fields, doubled quotes, embedded commas and newlines, CRLF', () => {
    expect(parseCsv('a,b\r\n"x,1","he said ""hi"""\r\n"multi\nline",\n')).toEqual([
      ['a', 'b'],
      ['x,1', 'he said "hi"'],
      ['multi\nline', ''],
    ]);
  });
  it('accepts a missing final newline and a BOM', () => {
    expect(parseCsv('\uFEFFa,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });
  it('names the line of an unterminated quote or a stray quote', () => {
    expect(() => parseCsv('a\n"open')).toThrow(/line 2: unterminated/);
    expect(() => parseCsv('a\nx"y')).toThrow(/line 2: quote inside/);
  });
});

describe('csvFromText', () => {
  it('reports missing columns and ragged rows as InputError naming file and line', () => {
    expect(() => csvFromText('s.csv', 'a,b\n1,2\n', ['a', 'c'])).toThrow(new InputError('s.csv: missing column c'));
    expect(() => csvFromText('s.csv', 'a,b\n1,2\n3\n')).toThrow(new InputError('s.csv:3: expected 2 fields, got 1'));
    expect(() => csvFromText('s.csv', '')).toThrow(/empty file/);
  });
});

describe('statistics', () => {
  it('t quantiles match tables', () => {
    expect(t975(1)).toBeCloseTo(12.706, 3);
    expect(t975(4)).toBeCloseTo(2.776, 3);
    expect(t975(30)).toBeCloseTo(2.042, 3);
    expect(t975(60)).toBeCloseTo(2.0003, 3);
    expect(t975(1000)).toBeCloseTo(1.9623, 3);
  });
  it('estimate gives mean, sd and a t interval; skips nulls; n=1 has a zero-width interval', () => {
    const e = estimate([1, 2, 3, null, 4, 5]);
    expect(e.n).toBe(5);
    expect(e.mean).toBe(3);
    expect(e.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(e.hi - e.mean).toBeCloseTo((2.7764 * Math.sqrt(2.5)) / Math.sqrt(5), 4);
    expect(estimate([7])).toEqual({ n: 1, mean: 7, sd: 0, lo: 7, hi: 7 });
    expect(estimate([]).n).toBe(0);
  });
});
