/** +∞ and −∞ as stored keys. */
const POS_INF = 0x7fffffff;
const NEG_INF = -0x80000000;

function stored(key: number): number {
  if (key === Infinity) return POS_INF;
  if (key === -Infinity) return NEG_INF;
  if ((key | 0) !== key || key === POS_INF || key === NEG_INF) throw new RangeError(`SlotMinTree: key ${key} is not a whole second below 2^31 − 1`);
  return key;
}

function read(v: number): number {
  return v === POS_INF ? Infinity : v === NEG_INF ? -Infinity : v;
}

/**
 * A min segment tree over the slots of a policy's dense record array: one key per slot (the
 * earliest time the record could be a dial candidate, +Infinity when it cannot be one), with
 * O(log n) point updates and "first slot at or after i whose key is ≤ t" queries.
 *
 * Keys are whole seconds (the client mirrors that use the tree store `Math.floor(now)` times and
 * add whole intervals) or ±Infinity, kept as int32 (±∞ as the extreme values, so that a raw leaf
 * compares with a time as the key does): 8 bytes a slot instead of 16, in a tree per policy per
 * peer (bench/growth.ts memory-per-known-peer). A fractional key throws.
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
   * most of it qualifies: compare the raw int32 with a time, ±∞ are the extremes); only
   * set/push/pop/rebuild write.
   */
  t: Int32Array;
  size = 0;

  constructor(initial = 64) {
    let cap = 1;
    while (cap < initial) cap *= 2;
    this.cap = cap;
    this.t = new Int32Array(2 * cap).fill(POS_INF);
  }

  /** Smallest key (Infinity when empty). */
  min(): number {
    return read(this.t[1] as number);
  }

  get(slot: number): number {
    return read(this.t[slot + this.cap] as number);
  }

  set(slot: number, k: number): void {
    const key = stored(k);
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

  /** Bytes held (bench). */
  bytes(): number {
    return this.t.byteLength;
  }

  /** First slot ≥ from (and < size) whose key is ≤ bound, or -1. O(log n). */
  firstAtMost(from: number, bound: number): number {
    if (from >= this.size) return -1;
    if (bound === -Infinity) bound = NEG_INF;
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
    for (let s = 0; s < cap; s++) t[cap + s] = s < this.size ? stored(keyOf(s)) : POS_INF;
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
    const t = new Int32Array(2 * cap).fill(POS_INF);
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
