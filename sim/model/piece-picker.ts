import type { RandomStream } from '../engine/random.js';
import type { Bitfield } from './bitfield.js';

/**
 * Rarest first: among the pieces `other` has, `mine` lacks and `busy` does not mark, one with
 * the lowest availability among the downloader's connected peers, chosen uniformly at random
 * among equally rare pieces (reservoir sampling). −1 when there is none. One pass over the
 * words; bits are visited only where a word has any.
 *
 * Uniform ties matter: when a seed feeds several leechers at once, all its pieces are equally
 * rare to them, and a coarser tie-break (first piece from a random word) made them fetch the same
 * pieces, halving how fast new pieces entered the swarm (docs/validation.md §1).
 */
export function pickRarest(other: Bitfield, mine: Bitfield, busy: Bitfield, avail: Uint16Array, rng: RandomStream): number {
  const a = other.words;
  const b = mine.words;
  const c = busy.words;
  const n = a.length;
  let best = -1;
  let bestAvail = 0x10000;
  let ties = 0;
  for (let w = 0; w < n; w++) {
    let x = (a[w]! & ~b[w]! & ~c[w]!) >>> 0;
    while (x !== 0) {
      const low = x & -x;
      const i = (w << 5) + (31 - Math.clz32(low));
      const v = avail[i]!;
      if (v < bestAvail) {
        bestAvail = v;
        best = i;
        ties = 1;
      } else if (v === bestAvail && rng.uniform() * ++ties < 1) best = i;
      x = (x ^ low) >>> 0;
    }
  }
  return best;
}
