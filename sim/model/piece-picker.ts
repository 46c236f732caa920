import type { Bitfield } from './bitfield.js';

/**
 * Rarest first: among the pieces `other` has, `mine` lacks and `busy` does not mark, the one
 * with the lowest availability among the downloader's connected peers. Ties go to the first
 * found from word `start` around the field, so a random start spreads equally rare pieces.
 * −1 when there is none. One pass over the words; bits are visited only where a word has any.
 */
export function pickRarest(other: Bitfield, mine: Bitfield, busy: Bitfield, avail: Uint16Array, start: number): number {
  const a = other.words;
  const b = mine.words;
  const c = busy.words;
  const n = a.length;
  let best = -1;
  let bestAvail = 0x10000;
  for (let k = 0; k < n; k++) {
    let w = start + k;
    if (w >= n) w -= n;
    let x = (a[w]! & ~b[w]! & ~c[w]!) >>> 0;
    while (x !== 0) {
      const low = x & -x;
      const i = (w << 5) + (31 - Math.clz32(low));
      const v = avail[i]!;
      if (v < bestAvail) {
        bestAvail = v;
        best = i;
        if (v <= 1) return best; // nobody else connected has it: cannot do better
      }
      x = (x ^ low) >>> 0;
    }
  }
  return best;
}
