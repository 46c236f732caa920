/** +∞ and −∞ as stored keys. */
const POS_INF = 0x7fffffff;
const NEG_INF = -0x80000000;

/** Leaves a block: 16 int32 keys, one 64-byte cache line. */
const BLOCK_BITS = 4;
const BLOCK = 1 << BLOCK_BITS;

function stored(key: number): number {
  if (key === Infinity) return POS_INF;
  if (key === -Infinity) return NEG_INF;
  if ((key | 0) !== key || key === POS_INF || key === NEG_INF) throw new RangeError(`SlotMinTree: key ${key} is not a whole second below 2^31 − 1`);
  return key;
}

function read(v: number): number {
  return v === POS_INF ? Infinity : v === NEG_INF ? -Infinity : v;
}

/** The minimum of the block of `leaves` starting at `at`. */
function blockMin(leaves: Int32Array, at: number): number {
  let m = leaves[at] as number;
  for (let s = at + 1; s < at + BLOCK; s++) {
    const v = leaves[s] as number;
    if (v < m) m = v;
  }
  return m;
}

/**
 * A min tree over the slots of a policy's dense record array: one key per slot (the earliest
 * time the record could be a dial candidate, +Infinity when it cannot be one), with O(log n)
 * point updates and "first slot at or after i whose key is ≤ t" queries.
 *
 * Keys are whole seconds (the client mirrors that use the tree store `Math.floor(now)` times and
 * add whole intervals) or ±Infinity, kept as int32 (±∞ as the extreme values, so that a raw leaf
 * compares with a time as the key does). A fractional key throws.
 *
 * Blocked layout: the leaves are blocks of 16 keys (one cache line), and a binary min tree is
 * kept over the blocks' minima only. An update writes its leaf and, only when that moves its
 * block's minimum, rescans the block (the same cache line) and climbs the block tree, which is
 * 16 times smaller than a tree over every leaf and so more often in cache. Against scans it lets
 * libtorrent's refill and Transmission's cache rebuild visit only the records that can be
 * eligible, and nextWake read the root instead of scanning every record (what it bought:
 * docs/performance.md). Slots beyond `size` hold +Infinity. Growth doubles the leaf count
 * (amortised O(1) per push).
 */
export class SlotMinTree {
  /** Leaves (a power of two, at least one block). */
  cap: number;
  /**
   * The key of slot s (raw int32, ±∞ as the extremes). Callers may read leaves directly (a
   * linear pass over a window is cheaper than jumping when most of it qualifies: compare the raw
   * int32 with a time); only set/push/pop/rebuild write.
   */
  leaves: Int32Array;
  /** Block tree, heap layout: node i has children 2i and 2i + 1; block b's minimum is up[blocks + b]. */
  private up: Int32Array;
  private blocks: number;
  size = 0;

  constructor(initial = 64) {
    let cap = BLOCK;
    while (cap < initial) cap *= 2;
    this.cap = cap;
    this.blocks = cap >> BLOCK_BITS;
    this.leaves = new Int32Array(cap).fill(POS_INF);
    this.up = new Int32Array(2 * this.blocks).fill(POS_INF);
  }

  /** Smallest key (Infinity when empty). */
  min(): number {
    return read(this.up[1] as number);
  }

  get(slot: number): number {
    return read(this.leaves[slot] as number);
  }

  set(slot: number, k: number): void {
    const key = stored(k);
    const leaves = this.leaves;
    const old = leaves[slot] as number;
    if (old === key) return;
    leaves[slot] = key;
    const up = this.up;
    let i = this.blocks + (slot >> BLOCK_BITS);
    const was = up[i] as number;
    // The block's minimum moves only if the new key is below it, or the old key was it.
    let m: number;
    if (key < was) m = key;
    else if (old === was) m = blockMin(leaves, slot & -BLOCK);
    else return;
    if (m === was) return;
    up[i] = m;
    i >>= 1;
    while (i >= 1) {
      const l = up[2 * i] as number;
      const r = up[2 * i + 1] as number;
      const p = l < r ? l : r;
      if (up[i] === p) return; // ancestors already hold the right minimum
      up[i] = p;
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
    return this.leaves.byteLength + this.up.byteLength;
  }

  /** First slot ≥ from (and < size) whose key is ≤ bound, or -1. O(log n). */
  firstAtMost(from: number, bound: number): number {
    const size = this.size;
    if (from >= size) return -1;
    if (bound === -Infinity) bound = NEG_INF;
    const leaves = this.leaves;
    // The rest of from's block.
    const end = (from | (BLOCK - 1)) + 1;
    for (let s = from; s < end; s++) if ((leaves[s] as number) <= bound) return s < size ? s : -1;
    const blocks = this.blocks;
    if (end >= this.cap) return -1;
    // The first later block whose minimum is ≤ bound: climb until a subtree starting at or after
    // it qualifies, then descend to its leftmost qualifying block.
    const up = this.up;
    let i = blocks + (end >> BLOCK_BITS);
    while ((up[i] as number) > bound) {
      while (i & 1) i >>= 1; // a right child: its parent's right neighbour is next
      if (i === 0) return -1; // walked off the root
      i++;
    }
    while (i < blocks) {
      i *= 2;
      if ((up[i] as number) > bound) i++;
    }
    const at = (i - blocks) << BLOCK_BITS;
    let s = at;
    while ((leaves[s] as number) > bound) s++;
    return s < size ? s : -1;
  }

  /** Sets every key at once (n = size) from `keyOf(slot)`, in O(n). */
  rebuild(keyOf: (slot: number) => number): void {
    const leaves = this.leaves;
    for (let s = 0; s < this.cap; s++) leaves[s] = s < this.size ? stored(keyOf(s)) : POS_INF;
    this.rebuildBlocks();
  }

  /** Recomputes the block tree from the leaves. */
  private rebuildBlocks(): void {
    const { leaves, up, blocks } = this;
    for (let b = 0; b < blocks; b++) up[blocks + b] = blockMin(leaves, b << BLOCK_BITS);
    for (let i = blocks - 1; i >= 1; i--) {
      const l = up[2 * i] as number;
      const r = up[2 * i + 1] as number;
      up[i] = l < r ? l : r;
    }
  }

  private grow(): void {
    const cap = this.cap * 2;
    const leaves = new Int32Array(cap).fill(POS_INF, this.cap);
    leaves.set(this.leaves);
    this.leaves = leaves;
    this.cap = cap;
    this.blocks = cap >> BLOCK_BITS;
    this.up = new Int32Array(2 * this.blocks);
    this.rebuildBlocks();
  }
}
