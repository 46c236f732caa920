import type { RandomStream } from '../engine/random.js';

/**
 * A tracker's view of the swarm: who announced and did not stop. Answers `numwant` distinct
 * random entries other than the asker. Peers that left without a stopped announce can stay
 * listed (stale) until their entry expires.
 */
export class Tracker {
  private readonly list: number[] = [];
  private readonly index = new Map<number, number>();
  /** Stale entries: peer → time the tracker drops it. */
  private readonly staleUntil = new Map<number, number>();

  constructor(private readonly rng: RandomStream) {}

  add(peer: number): void {
    this.staleUntil.delete(peer);
    if (this.index.has(peer)) return;
    this.index.set(peer, this.list.length);
    this.list.push(peer);
  }

  /** A stopped announce removes the entry; a silent departure leaves it until `until`. */
  remove(peer: number, staleUntil = -1): void {
    if (staleUntil > 0) {
      this.staleUntil.set(peer, staleUntil);
      return;
    }
    const i = this.index.get(peer);
    if (i === undefined) return;
    const last = this.list.pop()!;
    if (last !== peer) {
      this.list[i] = last;
      this.index.set(last, i);
    }
    this.index.delete(peer);
  }

  get size(): number {
    return this.list.length;
  }

  /** Listed peers for which `complete` holds (a tracker's `complete` count; the rest are `incomplete`). */
  countComplete(complete: (peer: number) => boolean): number {
    let n = 0;
    for (const p of this.list) if (complete(p)) n++;
    return n;
  }

  /** Writes up to numwant random entries other than `asker` into out; returns how many. */
  sample(asker: number, numwant: number, now: number, out: number[], rng: RandomStream = this.rng): number {
    out.length = 0;
    this.expire(now);
    const n = this.list.length;
    const others = this.index.has(asker) ? n - 1 : n;
    if (others <= 0 || numwant <= 0) return 0;
    if (others <= numwant) {
      for (const p of this.list) if (p !== asker) out.push(p);
      return out.length;
    }
    // Rejection sampling of distinct indices: numwant ≪ n in every swarm worth simulating, and
    // when it is not the loop above has already answered everything.
    const seen = new Set<number>();
    while (out.length < numwant) {
      const p = this.list[rng.int(n)]!;
      if (p === asker || seen.has(p)) continue;
      seen.add(p);
      out.push(p);
    }
    return out.length;
  }

  private expire(now: number): void {
    if (this.staleUntil.size === 0) return;
    for (const [peer, until] of this.staleUntil) {
      if (until <= now) {
        this.staleUntil.delete(peer);
        this.remove(peer);
      }
    }
  }
}
