import { stringify } from 'csv-stringify/sync';

/**
 * The one number format of every CSV cell swarmsim writes: whole numbers exactly; other numbers to
 * 6 significant digits, or more when the integer part needs them, keeping three decimals (times in
 * seconds keep millisecond resolution). ECMAScript defines toPrecision exactly, so the text is the
 * same on every machine. null (not defined) is an empty cell; so are NaN and infinities.
 */
export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '';
  if (Number.isInteger(x)) return Object.is(x, -0) ? '0' : String(x);
  const a = Math.abs(x);
  const intDigits = a >= 1 ? Math.floor(Math.log10(a)) + 1 : 0;
  const digits = Math.min(15, Math.max(6, intDigits + 3));
  const r = Number(x.toPrecision(digits));
  return Object.is(r, -0) ? '0' : String(r);
}

export type Cell = string | number | boolean | null | undefined;

/** A cell as text: numbers through formatNumber, booleans as true/false, null as empty. */
export function formatCell(v: Cell): string {
  if (typeof v === 'number') return formatNumber(v);
  if (v === null || v === undefined) return '';
  return String(v);
}

/** CSV records (RFC 4180 quoting, `\n` line ends), each line ending with `\n`; '' for no rows. */
export function csvLines(rows: readonly (readonly Cell[])[]): string {
  if (rows.length === 0) return '';
  return stringify(rows.map((r) => r.map(formatCell)), { eof: true, record_delimiter: 'unix' });
}

export function csvLine(row: readonly Cell[]): string {
  return csvLines([row]);
}
