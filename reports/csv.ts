import { readFileSync } from 'node:fs';
import { InputError } from '../sim/input-error.js';

/** A parsed CSV file: header and rows of raw strings (RFC 4180). */
export interface CsvTable {
  file: string;
  header: string[];
  rows: string[][];
}

/**
 * Parses RFC 4180 text: comma separated, fields optionally quoted with `"`, quotes doubled inside
 * quoted fields, CRLF or LF line ends, an optional final line end. Throws an Error naming the
 * line on an unterminated quote or a stray quote inside an unquoted field.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // BOM
  let line = 1;
  if (i >= n) return rows;
  let row: string[] = [];
  for (;;) {
    // one field starts at i
    let field: string;
    if (text.charCodeAt(i) === 34 /* " */) {
      const startLine = line;
      let j = i + 1;
      let acc = '';
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) throw new Error(`line ${startLine}: unterminated quoted field`);
        const chunk = text.slice(j, q);
        for (let k = chunk.indexOf('\n'); k >= 0; k = chunk.indexOf('\n', k + 1)) line++;
        acc += chunk;
        if (text.charCodeAt(q + 1) === 34) {
          acc += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      field = acc;
      const c = text.charCodeAt(i);
      if (i < n && c !== 44 && c !== 10 && c !== 13) throw new Error(`line ${line}: unexpected character after a closing quote`);
    } else {
      let j = i;
      for (; j < n; j++) {
        const c = text.charCodeAt(j);
        if (c === 44 || c === 10 || c === 13) break;
        if (c === 34) throw new Error(`line ${line}: quote inside an unquoted field`);
      }
      field = text.slice(i, j);
      i = j;
    }
    row.push(field);
    if (i >= n) {
      rows.push(row);
      return rows;
    }
    const c = text.charCodeAt(i);
    if (c === 44) {
      i++;
      continue;
    }
    // line end
    rows.push(row);
    row = [];
    i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
    line++;
    if (i >= n) return rows;
  }
}

/**
 * Reads a CSV file with a header row and checks that the required columns exist and that every
 * row has as many fields as the header. Every problem is an InputError naming the file.
 */
export function readCsv(file: string, required: readonly string[] = []): CsvTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`${file}: cannot read the file (missing? run swarmsim run first)`);
  }
  return csvFromText(file, text, required);
}

export function csvFromText(file: string, text: string, required: readonly string[] = []): CsvTable {
  let all: string[][];
  try {
    all = parseCsv(text);
  } catch (e) {
    throw new InputError(`${file}: malformed CSV: ${(e as Error).message}`);
  }
  if (all.length === 0) throw new InputError(`${file}: empty file, expected a header row`);
  const header = all[0]!;
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    const more = missing.length > 3 ? ` and ${missing.length - 3} more` : '';
    throw new InputError(`${file}: missing column${missing.length > 1 ? 's' : ''} ${missing.slice(0, 3).join(', ')}${more}`);
  }
  const rows = all.slice(1);
  for (let r = 0; r < rows.length; r++) {
    if (rows[r]!.length !== header.length) {
      throw new InputError(`${file}:${r + 2}: expected ${header.length} fields, got ${rows[r]!.length}`);
    }
  }
  return { file, header, rows };
}

/** Column accessor helpers over a CsvTable. */
export function columnIndex(t: CsvTable, name: string): number {
  const i = t.header.indexOf(name);
  if (i < 0) throw new InputError(`${t.file}: missing column ${name}`);
  return i;
}

/** A numeric cell: empty → null; anything not a finite number → InputError naming file, line and column. */
export function numberCell(t: CsvTable, row: number, col: number): number | null {
  const s = t.rows[row]![col]!;
  if (s === '') return null;
  const v = Number(s);
  if (!Number.isFinite(v) && s !== 'Infinity' && s !== '-Infinity') {
    throw new InputError(`${t.file}:${row + 2}: column ${t.header[col]}: expected a number, got "${s.slice(0, 40)}"`);
  }
  return v;
}

/** Like numberCell, but an empty cell is an error too. */
export function requiredNumberCell(t: CsvTable, row: number, col: number): number {
  const v = numberCell(t, row, col);
  if (v === null) throw new InputError(`${t.file}:${row + 2}: column ${t.header[col]}: expected a number, got an empty cell`);
  return v;
}
