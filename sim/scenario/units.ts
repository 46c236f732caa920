/** Parsers for quantities written with units in scenario files and `--set` values. */

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

const DURATION_UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, min: 60, h: 3600, d: 86400 };

const RATE_UNITS: Record<string, number> = {
  'b/s': 1,
  'kb/s': 1e3,
  'mb/s': 1e6,
  'gb/s': 1e9,
  'kib/s': 1024,
  'mib/s': 1024 ** 2,
  'kbit/s': 125,
  'mbit/s': 125e3,
  'gbit/s': 125e6,
};

function parseWithUnits(text: string, units: Record<string, number>): number | undefined {
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?\d+)?)\s*([a-z/]*)\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = m[2]!.toLowerCase();
  const factor = unit === '' ? 1 : units[unit];
  if (factor === undefined) return undefined;
  return Number(m[1]) * factor;
}

/** Bytes from `1 GiB`, `256KiB`, `700 MB` or a number. */
export function parseSize(text: string): number | undefined {
  return parseWithUnits(text, SIZE_UNITS);
}

/** Seconds from `2h`, `90s`, `500ms`, `30m` or a number. */
export function parseDuration(text: string): number | undefined {
  return parseWithUnits(text, DURATION_UNITS);
}

/** Bytes per second from `1 MB/s`, `8 Mbit/s`, `500 KiB/s` or a number. */
export function parseRate(text: string): number | undefined {
  return parseWithUnits(text, RATE_UNITS);
}
