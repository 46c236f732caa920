/**
 * Pending events as a binary min-heap ordered by (time, insertion sequence). The heap arrays hold
 * each entry's time and sequence inline, so comparisons read contiguous memory; the event's three
 * int32 words (kind, a, b) live in a slot that stays put while the entry moves, which is what
 * makes a slot usable as a cancellation handle. Slots are recycled through a free list: once the
 * arrays have grown to the peak number of pending events, nothing is allocated.
 *
 * Why typed arrays: an array of event objects runs about half as fast at 10 000 pending events
 * and five times slower at 1 000 000 (GC); see bench/hold.ts for the same-process comparison.
 */
export class EventQueue {
  // Heap order: index → (time, seq, slot).
  private hTime: Float64Array;
  private hSeq: Float64Array; // a double stays exact far beyond 2^31 events
  private hSlot: Int32Array;
  // Per slot: the event's words and its heap index (−1 when free).
  private sKind: Int32Array;
  private sA: Int32Array;
  private sB: Int32Array;
  private sTime: Float64Array;
  private pos: Int32Array;
  private free: Int32Array;
  private freeTop = 0;
  private size = 0;
  private nextSeq = 0;

  constructor(initialCapacity = 1024) {
    const n = Math.max(16, initialCapacity);
    this.hTime = new Float64Array(n);
    this.hSeq = new Float64Array(n);
    this.hSlot = new Int32Array(n);
    this.sKind = new Int32Array(n);
    this.sA = new Int32Array(n);
    this.sB = new Int32Array(n);
    this.sTime = new Float64Array(n);
    this.pos = new Int32Array(n).fill(-1);
    this.free = new Int32Array(n);
    for (let i = 0; i < n; i++) this.free[i] = n - 1 - i;
    this.freeTop = n;
  }

  get length(): number {
    return this.size;
  }

  /** Adds an event and returns its slot, valid as a handle until the event is popped or cancelled. */
  push(t: number, kind: number, a: number, b: number): number {
    if (this.freeTop === 0) this.grow();
    const slot = this.free[--this.freeTop]!;
    this.sKind[slot] = kind;
    this.sA[slot] = a;
    this.sB[slot] = b;
    this.sTime[slot] = t;
    this.siftUp(this.size++, t, this.nextSeq++, slot);
    return slot;
  }

  peekTime(): number {
    return this.size === 0 ? Infinity : this.hTime[0]!;
  }

  timeOf(slot: number): number {
    return this.sTime[slot]!;
  }
  kindOf(slot: number): number {
    return this.sKind[slot]!;
  }
  aOf(slot: number): number {
    return this.sA[slot]!;
  }
  bOf(slot: number): number {
    return this.sB[slot]!;
  }
  isPending(slot: number): boolean {
    return slot >= 0 && slot < this.pos.length && this.pos[slot]! >= 0;
  }

  /** Removes the earliest event; its words stay readable through kindOf/aOf/bOf until the next push. */
  pop(): number {
    const slot = this.hSlot[0]!;
    this.removeAt(0);
    return slot;
  }

  /** Removes a pending event; returns false if the slot was not pending. */
  remove(slot: number): boolean {
    if (!this.isPending(slot)) return false;
    this.removeAt(this.pos[slot]!);
    return true;
  }

  /** Moves a pending event to a new time, as if cancelled and scheduled again (new sequence). */
  reschedule(slot: number, t: number): void {
    const i = this.pos[slot]!;
    const old = this.hTime[i]!;
    this.sTime[slot] = t;
    const s = this.nextSeq++;
    if (t < old) this.siftUp(i, t, s, slot);
    else this.siftDown(i, t, s, slot);
  }

  private removeAt(i: number): void {
    const slot = this.hSlot[i]!;
    this.pos[slot] = -1;
    this.free[this.freeTop++] = slot;
    const last = --this.size;
    if (i === last) return;
    const t = this.hTime[last]!;
    const s = this.hSeq[last]!;
    const m = this.hSlot[last]!;
    if (i > 0) {
      const p = (i - 1) >> 1;
      const pt = this.hTime[p]!;
      if (t < pt || (t === pt && s < this.hSeq[p]!)) {
        this.siftUp(i, t, s, m);
        return;
      }
    }
    this.siftDown(i, t, s, m);
  }

  /** Places (t, s, slot) at hole i or above. */
  private siftUp(i: number, t: number, s: number, slot: number): void {
    const hTime = this.hTime;
    const hSeq = this.hSeq;
    const hSlot = this.hSlot;
    const pos = this.pos;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = hTime[p]!;
      if (pt < t || (pt === t && hSeq[p]! < s)) break;
      hTime[i] = pt;
      hSeq[i] = hSeq[p]!;
      const ps = hSlot[p]!;
      hSlot[i] = ps;
      pos[ps] = i;
      i = p;
    }
    hTime[i] = t;
    hSeq[i] = s;
    hSlot[i] = slot;
    pos[slot] = i;
  }

  /** Places (t, s, slot) at hole i or below. */
  private siftDown(i: number, t: number, s: number, slot: number): void {
    const hTime = this.hTime;
    const hSeq = this.hSeq;
    const hSlot = this.hSlot;
    const pos = this.pos;
    const n = this.size;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      let ct = hTime[l]!;
      if (r < n) {
        const rt = hTime[r]!;
        if (rt < ct || (rt === ct && hSeq[r]! < hSeq[l]!)) {
          c = r;
          ct = rt;
        }
      }
      if (t < ct || (t === ct && s < hSeq[c]!)) break;
      hTime[i] = ct;
      hSeq[i] = hSeq[c]!;
      const cs = hSlot[c]!;
      hSlot[i] = cs;
      pos[cs] = i;
      i = c;
    }
    hTime[i] = t;
    hSeq[i] = s;
    hSlot[i] = slot;
    pos[slot] = i;
  }

  private grow(): void {
    const old = this.hTime.length;
    const n = old * 2;
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array, fill = 0) => {
      const b = new Int32Array(n);
      if (fill) b.fill(fill);
      b.set(a);
      return b;
    };
    this.hTime = f64(this.hTime);
    this.hSeq = f64(this.hSeq);
    this.hSlot = i32(this.hSlot);
    this.sKind = i32(this.sKind);
    this.sA = i32(this.sA);
    this.sB = i32(this.sB);
    this.sTime = f64(this.sTime);
    this.pos = i32(this.pos, -1);
    const free = new Int32Array(n);
    free.set(this.free.subarray(0, this.freeTop));
    for (let s = n - 1; s >= old; s--) free[this.freeTop++] = s;
    this.free = free;
  }
}
