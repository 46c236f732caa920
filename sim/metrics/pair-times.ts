/**
 * The last time something happened between each unordered pair of peers, forgetting pairs whose
 * last event is older than a window (the recorder's `repeat_wasted`: a wasted handshake between a
 * pair that had one in the previous hour).
 *
 * Open addressing over typed arrays rather than a Map: a pair key (lo · 2^21 + hi) is beyond
 * V8's small-integer range, so a Map boxed one heap number per pair, and a flash crowd keeps a
 * million pairs. Expired pairs are dropped when the table would grow, which changes no answer:
 * an expired pair and an absent one both mean "no event within the window".
 *
 * Load up to 3/4 (3/8 after a doubling): 16 bytes a slot makes 21–43 bytes a pair, against
 * 32–64 at the 1/2 it had. In the 100 000-peer swarm the table held tens of millions of pairs by
 * 10 simulated minutes (a window of an hour expires nothing), about a gigabyte, and a doubling
 * holds the old and the new table at once. The home slot takes a finalised hash, as linear
 * probing at 3/4 needs well-spread keys.
 */
export class PairTimes {
  private keys: Float64Array;
  private times: Float64Array;
  private mask: number;
  private live = 0;

  constructor(
    private readonly window: number,
    capacity = 4096,
  ) {
    const n = 1 << Math.ceil(Math.log2(Math.max(16, capacity)));
    this.keys = new Float64Array(n).fill(-1);
    this.times = new Float64Array(n);
    this.mask = n - 1;
  }

  /** Bytes held by the table. */
  bytes(): number {
    return this.keys.byteLength + this.times.byteLength;
  }

  /** Pairs held (including expired ones not yet dropped). */
  get size(): number {
    return this.live;
  }

  /**
   * Records an event of pair {x, y} (ids < 2^21) at `now`; returns the time of the pair's
   * previous event if it lies within the window before now, else -Infinity.
   */
  swap(x: number, y: number, now: number): number {
    const lo = x < y ? x : y;
    const hi = x < y ? y : x;
    const key = lo * 2097152 + hi;
    const keys = this.keys;
    let i = this.home(lo, hi);
    for (;;) {
      const k = keys[i]!;
      if (k === key) {
        const t = this.times[i]!;
        this.times[i] = now;
        return now - t <= this.window ? t : -Infinity;
      }
      if (k === -1) break;
      i = (i + 1) & this.mask;
    }
    keys[i] = key;
    this.times[i] = now;
    if (++this.live * 4 > keys.length * 3) this.rebuild(now);
    return -Infinity;
  }

  /** Drops expired pairs and doubles the table if it is still over 3/8 full. */
  private rebuild(now: number): void {
    const oldKeys = this.keys;
    const oldTimes = this.times;
    let keep = 0;
    for (let i = 0; i < oldKeys.length; i++) if (oldKeys[i] !== -1 && now - oldTimes[i]! <= this.window) keep++;
    const n = keep * 8 > oldKeys.length * 3 ? oldKeys.length * 2 : oldKeys.length;
    this.keys = new Float64Array(n).fill(-1);
    this.times = new Float64Array(n);
    this.mask = n - 1;
    this.live = 0;
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i]!;
      if (k === -1 || now - oldTimes[i]! > this.window) continue;
      const hi = k % 2097152;
      const lo = (k - hi) / 2097152;
      this.insert(lo, hi, k, oldTimes[i]!);
    }
  }

  /** First probe position of pair (lo, hi). */
  private home(lo: number, hi: number): number {
    let h = Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi + 0x7f4a7c15, 0x85ebca77);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) & this.mask;
  }

  private insert(lo: number, hi: number, key: number, t: number): void {
    let i = this.home(lo, hi);
    while (this.keys[i] !== -1) i = (i + 1) & this.mask;
    this.keys[i] = key;
    this.times[i] = t;
    this.live++;
  }
}
