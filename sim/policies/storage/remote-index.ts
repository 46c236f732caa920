/**
 * A policy's remote id → record slot index: open addressing with linear probing in one
 * Int32Array, two words per entry: remote + 1 (0 = empty), then the slot (low 24 bits) with 7
 * bits of no-op learn memo above it (see SlotPolicy.learn), so a lookup and its memo test read
 * 8 bytes.
 *
 * Why not a Map: Map lookups and their cache misses were most of `learn` (the top policy entry
 * after the window scans in the flash-crowd profile). Why not an Int32Array indexed by remote id:
 * remote ids are small, but each host knows a sample of the whole swarm, so such an index grows
 * with the swarm on every host; this table grows with the records held, and a small table stays
 * in cache (figures: docs/performance.md).
 * Ids are spread by Fibonacci hashing; deletion shifts entries back (no tombstones). Only for
 * 0 ≤ remote < 2^31 − 1 (the caller keeps others apart) and slots below 2^24.
 */
export class RemoteIndex {
  /** Entries [remote + 1, slot | memo << 24] at offsets 2 × i. */
  t: Int32Array;
  private mask: number;
  private shift: number;
  count = 0;

  static readonly SLOT_MASK = 0xffffff;

  constructor(capacity = 64) {
    let cap = 16;
    let bits = 4;
    while (cap < capacity) {
      cap *= 2;
      bits++;
    }
    this.t = new Int32Array(2 * cap);
    this.mask = cap - 1;
    this.shift = 32 - bits;
  }

  private home(remote: number): number {
    return Math.imul(remote, 0x9e3779b1) >>> this.shift;
  }

  /** Offset of the entry of `remote`, or -1. */
  find(remote: number): number {
    const t = this.t;
    const key = remote + 1;
    let i = this.home(remote);
    for (;;) {
      const k = t[2 * i] as number;
      if (k === key) return 2 * i;
      if (k === 0) return -1;
      i = (i + 1) & this.mask;
    }
  }

  /** Adds `remote` (not present) at `slot` (< 2^24), memo clear. */
  insert(remote: number, slot: number): void {
    if (slot > RemoteIndex.SLOT_MASK) throw new RangeError(`RemoteIndex: slot ${slot} needs more than 24 bits`);
    if (4 * (this.count + 1) > 3 * (this.mask + 1)) this.grow();
    this.place(remote + 1, slot);
    this.count++;
  }

  private place(key: number, value: number): void {
    const t = this.t;
    let i = this.home(key - 1);
    while ((t[2 * i] as number) !== 0) i = (i + 1) & this.mask;
    t[2 * i] = key;
    t[2 * i + 1] = value;
  }

  /** Removes `remote` if present (backward-shift deletion). */
  remove(remote: number): void {
    const e0 = this.find(remote);
    if (e0 < 0) return;
    const t = this.t;
    const mask = this.mask;
    let i = e0 >> 1;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const k = t[2 * j] as number;
      if (k === 0) break;
      const h = this.home(k - 1);
      // The entry at j may move into the hole at i unless its home lies cyclically in (i, j].
      const stays = i <= j ? i < h && h <= j : i < h || h <= j;
      if (stays) continue;
      t[2 * i] = k;
      t[2 * i + 1] = t[2 * j + 1] as number;
      i = j;
    }
    t[2 * i] = 0;
    t[2 * i + 1] = 0;
    this.count--;
  }

  private grow(): void {
    const old = this.t;
    const cap = 2 * (this.mask + 1);
    this.t = new Int32Array(2 * cap);
    this.mask = cap - 1;
    this.shift--;
    for (let e = 0; e < old.length; e += 2) {
      const k = old[e] as number;
      if (k !== 0) this.place(k, old[e + 1] as number);
    }
  }
}
