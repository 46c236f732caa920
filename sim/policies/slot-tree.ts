/**
 * A min segment tree over the slots of a policy's dense record array: one key per slot (the
 * earliest time the record could be a dial candidate, +Infinity when it cannot be one), with
 * O(log n) point updates and "first slot at or after i whose key is ≤ t" queries.
 *
 * What it buys (bench/policies.ts, flash crowd profile): libtorrent's refill and Transmission's
 * cache rebuild visit only the records that can be eligible instead of scanning a 300-entry
 * window or the whole pool, and nextWake reads the root instead of scanning every record.
 * Slots beyond `size` hold +Infinity. Growth doubles the leaf count (amortised O(1) per push).
 */
export class SlotMinTree {
  /** Leaves (a power of two). */
  cap: number;
  /**
   * Heap layout: node i has children 2i and 2i + 1; the key of slot s is the leaf t[cap + s].
   * Callers may read leaves directly (a linear pass over a window is cheaper than jumping when
   * most of it qualifies); only set/push/pop/rebuild write.
   */
  t: Float64Array;
  size = 0;

  constructor(initial = 64) {
    let cap = 1;
    while (cap < initial) cap *= 2;
    this.cap = cap;
    this.t = new Float64Array(2 * cap).fill(Infinity);
  }

  /** Smallest key (Infinity when empty). */
  min(): number {
    return this.t[1] as number;
  }

  get(slot: number): number {
    return this.t[slot + this.cap] as number;
  }

  set(slot: number, key: number): void {
    const t = this.t;
    let i = slot + this.cap;
    if (t[i] === key) return;
    t[i] = key;
    i >>= 1;
    while (i >= 1) {
      const l = t[2 * i] as number;
      const r = t[2 * i + 1] as number;
      const m = l < r ? l : r;
      if (t[i] === m) return; // ancestors already hold the right minimum
      t[i] = m;
      i >>= 1;
    }
  }

  /** Appends a slot with `key` (slot index = old size). */
  push(key: number): void {
    if (this.size === this.cap) this.grow();
    this.set(this.size++, key);
  }

  /** Removes the last slot. */
  pop(): void {
    if (this.size === 0) return;
    this.set(--this.size, Infinity);
  }

  /** First slot ≥ from (and < size) whose key is ≤ bound, or -1. O(log n). */
  firstAtMost(from: number, bound: number): number {
    if (from >= this.size) return -1;
    const t = this.t;
    const cap = this.cap;
    let i = from + cap;
    // Climb until a subtree starting at or after `from` holds a key ≤ bound.
    while ((t[i] as number) > bound) {
      while (i & 1) i >>= 1; // a right child: its parent's right neighbour is next
      if (i === 0) return -1; // walked off the root
      i++;
    }
    // Descend to its leftmost qualifying leaf.
    while (i < cap) {
      i *= 2;
      if ((t[i] as number) > bound) i++;
    }
    const slot = i - cap;
    return slot < this.size ? slot : -1;
  }

  /** Sets every key at once (n = size) from `keyOf(slot)`, in O(n). */
  rebuild(keyOf: (slot: number) => number): void {
    const t = this.t;
    const cap = this.cap;
    for (let s = 0; s < cap; s++) t[cap + s] = s < this.size ? keyOf(s) : Infinity;
    for (let i = cap - 1; i >= 1; i--) {
      const l = t[2 * i] as number;
      const r = t[2 * i + 1] as number;
      t[i] = l < r ? l : r;
    }
  }

  private grow(): void {
    const old = this.t;
    const oldCap = this.cap;
    const cap = oldCap * 2;
    const t = new Float64Array(2 * cap).fill(Infinity);
    t.set(old.subarray(oldCap, 2 * oldCap), cap);
    for (let i = cap - 1; i >= 1; i--) {
      const l = t[2 * i] as number;
      const r = t[2 * i + 1] as number;
      t[i] = l < r ? l : r;
    }
    this.t = t;
    this.cap = cap;
  }
}
