/**
 * Pending events, popped in (time, insertion sequence) order.
 *
 * Two tiers. Events due at or before `bound` sit in a binary min-heap (the near tier); later ones
 * sit unordered in the far tier. When the heap runs empty, the earliest far events (about
 * nearMax/2 of them, picked with a bound estimated from an evenly spaced sample) move into it and
 * are heapified; when the heap outgrows nearMax, its later half moves out. While no more than
 * nearMax events are pending, bound stays at Infinity and this is a plain binary heap. The
 * tiers change only where an event waits, never the order: equal times still pop in insertion
 * order, so results are identical to a single heap's.
 *
 * A slot stays put while its event moves, which is what makes it usable as a handle. Per slot the
 * queue keeps a 16-byte row (kind, a, b, where) and the insertion sequence; `where` is the heap
 * index, −2 − the far index, or −1 when the slot is not pending. Slots are recycled last freed,
 * first reused, so a schedule from inside a handler writes the row just read. Once the arrays
 * have grown to the peak number of pending events, nothing is allocated.
 *
 * What each choice bought on the hold model (two tiers, (time, slot) heap entries, one row per
 * slot, `declare`d fields; the variants tried and dropped): docs/performance.md.
 *
 */
export class EventQueue {
  // Near tier, heap order: index → (time, slot).
  private declare time: Float64Array;
  private declare slotAt: Int32Array;
  private declare size: number;
  // Far tier, unordered: index → (time, slot), every time > bound.
  private declare farTime: Float64Array;
  private declare farSlot: Int32Array;
  private declare farSize: number;
  private declare bound: number;
  /** The heap splits when it grows past this (nearMax, or twice its size if it could not split). */
  private declare splitAt: number;
  // Per slot: row [kind, a, b, where] and insertion sequence.
  private declare rows: Int32Array;
  private declare seqOf: Float64Array; // a double stays exact far beyond 2^31 events
  private declare free: Int32Array;
  private declare freeTop: number;
  private declare nextSeq: number;
  private declare readonly nearMax: number;
  private declare readonly sample: Float64Array;

  /** `nearMax`: heap size at which the far tier comes into use (small values are for tests). */
  constructor(initialCapacity = 1024, nearMax = 1 << 16) {
    const n = Math.max(16, initialCapacity);
    this.time = new Float64Array(n);
    this.slotAt = new Int32Array(n);
    this.size = 0;
    this.farTime = new Float64Array(n);
    this.farSlot = new Int32Array(n);
    this.farSize = 0;
    this.bound = Infinity;
    this.nearMax = Math.max(2, nearMax);
    this.splitAt = this.nearMax;
    this.rows = new Int32Array(4 * n);
    for (let s = 0; s < n; s++) this.rows[4 * s + 3] = -1;
    this.seqOf = new Float64Array(n);
    this.free = new Int32Array(n);
    for (let i = 0; i < n; i++) this.free[i] = n - 1 - i;
    this.freeTop = n;
    this.nextSeq = 0;
    this.sample = new Float64Array(256);
  }

  get length(): number {
    return this.size + this.farSize;
  }

  /** Adds an event and returns its slot, valid as a handle until the event is popped or removed. */
  push(t: number, kind: number, a: number, b: number): number {
    if (this.freeTop === 0) this.grow();
    const slot = this.free[--this.freeTop]!;
    const rows = this.rows;
    const r = slot << 2;
    rows[r] = kind;
    rows[r + 1] = a;
    rows[r + 2] = b;
    this.seqOf[slot] = this.nextSeq++;
    this.insert(t, slot);
    return slot;
  }

  /** Time of the earliest event, Infinity when empty. */
  peekTime(): number {
    if (this.size === 0) {
      if (this.farSize === 0) return Infinity;
      this.refill();
    }
    return this.time[0]!;
  }

  /** Time of a pending event; NaN once it has been popped or removed. */
  timeOf(slot: number): number {
    if (!this.isPending(slot)) return NaN;
    const w = this.rows[(slot << 2) + 3]!;
    return w >= 0 ? this.time[w]! : this.farTime[-2 - w]!;
  }
  kindOf(slot: number): number {
    return this.rows[slot << 2]!;
  }
  aOf(slot: number): number {
    return this.rows[(slot << 2) + 1]!;
  }
  bOf(slot: number): number {
    return this.rows[(slot << 2) + 2]!;
  }
  isPending(slot: number): boolean {
    return slot >= 0 && slot < this.seqOf.length && this.rows[(slot << 2) + 3]! !== -1;
  }

  /**
   * Removes the earliest event (the queue must not be empty) and returns its slot; its words stay
   * readable through kindOf/aOf/bOf until the next push.
   */
  pop(): number {
    if (this.size === 0) this.refill();
    const slot = this.slotAt[0]!;
    this.rows[(slot << 2) + 3] = -1;
    this.free[this.freeTop++] = slot;
    const last = --this.size;
    if (last > 0) this.siftDown(0, this.time[last]!, this.slotAt[last]!);
    return slot;
  }

  /** Removes a pending event; returns false if the slot was not pending. */
  remove(slot: number): boolean {
    if (!this.isPending(slot)) return false;
    this.detach(slot);
    this.rows[(slot << 2) + 3] = -1;
    this.free[this.freeTop++] = slot;
    return true;
  }

  /** Moves a pending event to a new time, as if removed and pushed again (new sequence). */
  reschedule(slot: number, t: number): void {
    this.seqOf[slot] = this.nextSeq++;
    const i = this.rows[(slot << 2) + 3]!;
    if (i >= 0 && t <= this.bound) {
      if (i > 0 && this.before(t, slot, (i - 1) >> 1)) this.siftUp(i, t, slot);
      else this.siftDown(i, t, slot);
    } else if (i < 0 && t > this.bound) {
      this.farTime[-2 - i] = t;
    } else {
      this.detach(slot);
      this.insert(t, slot);
    }
  }

  /** Places a slot whose row and sequence are set into the tier its time belongs to. */
  private insert(t: number, slot: number): void {
    if (t > this.bound) {
      const j = this.farSize++;
      this.farTime[j] = t;
      this.farSlot[j] = slot;
      this.rows[(slot << 2) + 3] = -2 - j;
    } else {
      this.siftUp(this.size++, t, slot);
      if (this.size > this.splitAt) this.split();
    }
  }

  /** Takes a pending slot out of its tier; its `where` is left stale for the caller to set. */
  private detach(slot: number): void {
    const w = this.rows[(slot << 2) + 3]!;
    if (w >= 0) {
      const last = --this.size;
      if (w === last) return;
      const t = this.time[last]!;
      const m = this.slotAt[last]!;
      if (w > 0 && this.before(t, m, (w - 1) >> 1)) this.siftUp(w, t, m);
      else this.siftDown(w, t, m);
    } else {
      const j = -2 - w;
      const last = --this.farSize;
      if (j === last) return;
      this.farTime[j] = this.farTime[last]!;
      const m = this.farSlot[last]!;
      this.farSlot[j] = m;
      this.rows[(m << 2) + 3] = w;
    }
  }

  /** Whether (t, slot) comes before the heap entry at index j. */
  private before(t: number, slot: number, j: number): boolean {
    const tj = this.time[j]!;
    return t < tj || (t === tj && this.seqOf[slot]! < this.seqOf[this.slotAt[j]!]!);
  }

  /** Places (t, slot) at hole i or above. */
  private siftUp(i: number, t: number, slot: number): void {
    const time = this.time;
    const slotAt = this.slotAt;
    const rows = this.rows;
    const seqOf = this.seqOf;
    const s = seqOf[slot]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = time[p]!;
      if (pt < t) break;
      const ps = slotAt[p]!;
      if (pt === t && seqOf[ps]! < s) break;
      time[i] = pt;
      slotAt[i] = ps;
      rows[(ps << 2) + 3] = i;
      i = p;
    }
    time[i] = t;
    slotAt[i] = slot;
    rows[(slot << 2) + 3] = i;
  }

  /** Places (t, slot) at hole i or below. */
  private siftDown(i: number, t: number, slot: number): void {
    const time = this.time;
    const slotAt = this.slotAt;
    const rows = this.rows;
    const seqOf = this.seqOf;
    const n = this.size;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let ct = time[c]!;
      const r = c + 1;
      if (r < n) {
        const rt = time[r]!;
        if (rt < ct || (rt === ct && seqOf[slotAt[r]!]! < seqOf[slotAt[c]!]!)) {
          c = r;
          ct = rt;
        }
      }
      if (t < ct) break;
      const cs = slotAt[c]!;
      if (t === ct && seqOf[slot]! < seqOf[cs]!) break;
      time[i] = ct;
      slotAt[i] = cs;
      rows[(cs << 2) + 3] = i;
      i = c;
    }
    time[i] = t;
    slotAt[i] = slot;
    rows[(slot << 2) + 3] = i;
  }

  /**
   * The heap is empty: moves the earliest far events (all of them if few) into it. Each refill
   * reads every far time once; taking at least 1/32 of them keeps that to 32 reads per event
   * however many are pending.
   */
  private refill(): void {
    const n = this.farSize;
    const want = Math.max(this.nearMax >> 1, n >> 5);
    const bound = n <= this.nearMax ? Infinity : this.quantile(this.farTime, n, want);
    const farTime = this.farTime;
    const farSlot = this.farSlot;
    const rows = this.rows;
    const time = this.time;
    const slotAt = this.slotAt;
    let size = 0;
    let end = n;
    for (let j = 0; j < end; ) {
      const t = farTime[j]!;
      if (t > bound) {
        j++;
        continue;
      }
      time[size] = t;
      slotAt[size++] = farSlot[j]!;
      // Fill the hole with the last far event, looked at next.
      if (j < --end) {
        const m = farSlot[end]!;
        farTime[j] = farTime[end]!;
        farSlot[j] = m;
        rows[(m << 2) + 3] = -2 - j;
      }
    }
    this.farSize = end;
    this.size = size;
    this.bound = bound;
    this.heapify();
  }

  /** The heap outgrew splitAt: moves its events after about the nearMax/2-th time to the far tier. */
  private split(): void {
    const n = this.size;
    const bound = this.quantile(this.time, n, this.nearMax >> 1);
    const time = this.time;
    const slotAt = this.slotAt;
    const farTime = this.farTime;
    const farSlot = this.farSlot;
    const rows = this.rows;
    let size = 0;
    for (let i = 0; i < n; i++) {
      const t = time[i]!;
      const m = slotAt[i]!;
      if (t > bound) {
        const j = this.farSize++;
        farTime[j] = t;
        farSlot[j] = m;
        rows[(m << 2) + 3] = -2 - j;
      } else {
        time[size] = t;
        slotAt[size++] = m;
      }
    }
    this.size = size;
    this.bound = bound;
    this.heapify();
  }

  /** Restores heap order over time/slotAt[0, size) and the heap indices in the rows. */
  private heapify(): void {
    const time = this.time;
    const slotAt = this.slotAt;
    const rows = this.rows;
    for (let i = 0; i < this.size; i++) rows[(slotAt[i]! << 2) + 3] = i;
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.siftDown(i, time[i]!, slotAt[i]!);
    // Equal times can leave the heap above nearMax; then wait until it has doubled.
    this.splitAt = Math.max(this.nearMax, 2 * this.size);
  }

  /** About the want-th smallest of times[0, n), from an evenly spaced sample (deterministic). */
  private quantile(times: Float64Array, n: number, want: number): number {
    const sample = this.sample;
    const k = sample.length;
    for (let i = 0; i < k; i++) sample[i] = times[Math.floor(((i + 0.5) * n) / k)]!;
    sample.sort();
    return sample[Math.min(k - 1, Math.floor((want * k) / n))]!;
  }

  private grow(): void {
    const old = this.seqOf.length;
    const n = old * 2;
    const f64 = (a: Float64Array, len: number) => {
      const b = new Float64Array(len);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array, len: number) => {
      const b = new Int32Array(len);
      b.set(a);
      return b;
    };
    this.time = f64(this.time, n);
    this.slotAt = i32(this.slotAt, n);
    this.farTime = f64(this.farTime, n);
    this.farSlot = i32(this.farSlot, n);
    this.seqOf = f64(this.seqOf, n);
    const rows = i32(this.rows, 4 * n);
    for (let s = old; s < n; s++) rows[4 * s + 3] = -1;
    this.rows = rows;
    const free = new Int32Array(n);
    free.set(this.free.subarray(0, this.freeTop));
    for (let s = n - 1; s >= old; s--) free[this.freeTop++] = s;
    this.free = free;
  }
}
