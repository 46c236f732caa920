/**
 * Piece bitfields as 32-bit words. The operations the swarm needs per event (is there a piece
 * here I lack? pick one) run word by word, so a 4 096-piece torrent costs 128 word steps.
 */
export class Bitfield {
  readonly words: Uint32Array;
  count = 0;

  /** `words`, when given, is the view to keep the bits in (a PieceStore row); else a new array. */
  constructor(
    readonly size: number,
    words?: Uint32Array,
  ) {
    const n = (size + 31) >>> 5;
    if (words !== undefined && words.length !== n) throw new RangeError(`Bitfield: ${words.length} words for ${size} bits`);
    this.words = words ?? new Uint32Array(n);
  }

  has(i: number): boolean {
    return (this.words[i >>> 5]! & (1 << (i & 31))) !== 0;
  }

  set(i: number): void {
    const w = i >>> 5;
    const m = 1 << (i & 31);
    if ((this.words[w]! & m) === 0) {
      this.words[w] = this.words[w]! | m;
      this.count++;
    }
  }

  clear(i: number): void {
    const w = i >>> 5;
    const m = 1 << (i & 31);
    if ((this.words[w]! & m) !== 0) {
      this.words[w] = this.words[w]! & ~m;
      this.count--;
    }
  }

  fill(): void {
    const n = this.words.length;
    for (let w = 0; w < n; w++) this.words[w] = 0xffffffff;
    const rem = this.size & 31;
    if (rem) this.words[n - 1] = (1 << rem) - 1;
    this.count = this.size;
  }

  get complete(): boolean {
    return this.count === this.size;
  }
}

/** True when `other` holds a piece that `mine` lacks. */
export function hasWanted(other: Bitfield, mine: Bitfield): boolean {
  if (other.count === 0 || mine.complete) return false;
  if (other.complete) return true;
  const a = other.words;
  const b = mine.words;
  for (let w = 0; w < a.length; w++) if ((a[w]! & ~b[w]!) !== 0) return true;
  return false;
}

/**
 * A piece `other` has that `mine` lacks and `busy` does not mark, searching from word `start`
 * around the field (a random start gives a random first piece); −1 when none.
 */
export function pickPiece(other: Bitfield, mine: Bitfield, busy: Bitfield, start: number): number {
  const a = other.words;
  const b = mine.words;
  const c = busy.words;
  const n = a.length;
  for (let k = 0; k < n; k++) {
    let w = start + k;
    if (w >= n) w -= n;
    const x = (a[w]! & ~b[w]! & ~c[w]!) >>> 0;
    if (x !== 0) return (w << 5) + (31 - Math.clz32(x & -x));
  }
  return -1;
}
