import { describe, expect, it } from 'vitest';
import { csvFromText, parseCsv } from '../../reports/csv.js';
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
