import type { SwarmObserver } from '../model/observer.js';
import type { Peer } from '../model/peer.js';

/**
 * Watches a run beside the metrics recorder (attach with `buildRun(req, [obs])`) and keeps what
 * the fluid-model and Little's-law checks need: the number of online leechers x(t) and seeds y(t),
 * their integrals over the whole run and over given windows, and x, y at each sample instant.
 *
 * x counts online peers that do not hold the whole file; y online peers that do (seeds from the
 * start and leechers that completed). It is updated only from observer events, so comparing its
 * integrals with the per-peer times the Peer objects record (`perPeerTimes`) checks the event
 * stream against the peers' own state: Little's law in its sample-path form.
 */
export class OccupancyObserver implements SwarmObserver {
  x = 0;
  y = 0;
  /** ∫₀ᵗ x dt and ∫₀ᵗ y dt up to lastT. */
  intX = 0;
  intY = 0;
  /** The same restricted to each window [from, to]. */
  readonly winX: number[];
  readonly winY: number[];
  lastT = 0;
  /** (t, x, y) at each sample instant. */
  readonly samples: { t: number; x: number; y: number }[] = [];
  /** Largest x seen. */
  maxX = 0;

  /** `windows`: [from, to] intervals over which to keep time averages as well. */
  constructor(readonly windows: readonly (readonly [number, number])[] = []) {
    this.winX = windows.map(() => 0);
    this.winY = windows.map(() => 0);
  }

  private advance(now: number): void {
    const dt = now - this.lastT;
    if (dt > 0) {
      this.intX += this.x * dt;
      this.intY += this.y * dt;
      for (let i = 0; i < this.windows.length; i++) {
        const [from, to] = this.windows[i]!;
        const w = Math.min(now, to) - Math.max(this.lastT, from);
        if (w > 0) {
          this.winX[i]! += this.x * w;
          this.winY[i]! += this.y * w;
        }
      }
    }
    this.lastT = now;
  }

  peerOnline(p: Peer, now: number): void {
    this.advance(now);
    if (p.done) this.y++;
    else {
      this.x++;
      if (this.x > this.maxX) this.maxX = this.x;
    }
  }

  peerOffline(p: Peer, now: number): void {
    this.advance(now);
    if (p.done) this.y--;
    else this.x--;
  }

  peerCompleted(_p: Peer, now: number): void {
    this.advance(now);
    this.x--;
    this.y++;
  }

  attempt(): void {}
  connectFailure(): void {}
  handshakeFailure(): void {}
  handshake(): void {}
  close(): void {}

  sample(now: number): void {
    this.advance(now);
    this.samples.push({ t: now, x: this.x, y: this.y });
  }

  /** Brings the integrals up to the end of the run. */
  finish(end: number): void {
    this.advance(end);
  }

  /** Time-averaged x and y over window i (call finish(end) first, end ≥ the window's end). */
  windowMeans(i = 0): { x: number; y: number } {
    const [from, to] = this.windows[i]!;
    const len = to - from;
    return { x: this.winX[i]! / len, y: this.winY[i]! / len };
  }
}

/**
 * Σ over peers of the time each spent as a leecher and as a seed inside [0, end], from the
 * peers' own arrival, completion and departure times (not from observer events).
 */
export function perPeerTimes(peers: readonly Peer[], end: number): { leecher: number; seed: number } {
  let leecher = 0;
  let seed = 0;
  for (const p of peers) {
    if (p.arrivedAt < 0) continue;
    const gone = p.leftAt >= 0 ? p.leftAt : end;
    if (p.startsAsSeed) {
      seed += gone - p.arrivedAt;
      continue;
    }
    if (p.completedAt >= 0) {
      leecher += p.completedAt - p.arrivedAt;
      seed += gone - p.completedAt;
    } else leecher += gone - p.arrivedAt;
  }
  return { leecher, seed };
}

/** Σ over peers of their online time inside [0, end] (what the recorder's peer_seconds integrates). */
export function perPeerOnline(peers: readonly Peer[], end: number): number {
  let s = 0;
  for (const p of peers) if (p.arrivedAt >= 0) s += (p.leftAt >= 0 ? p.leftAt : end) - p.arrivedAt;
  return s;
}

/** For online leechers: the share lacking the piece that most of them lack, and that piece. */
export function commonMissingPiece(peers: readonly Peer[], pieces: number): { piece: number; share: number; leechers: number } {
  const lacking = new Int32Array(pieces);
  let leechers = 0;
  for (const p of peers) {
    if (!p.online || p.done) continue;
    leechers++;
    for (let i = 0; i < pieces; i++) if (!p.have.has(i)) lacking[i]!++;
  }
  let best = 0;
  for (let i = 1; i < pieces; i++) if (lacking[i]! > lacking[best]!) best = i;
  return { piece: best, share: leechers > 0 ? lacking[best]! / leechers : 0, leechers };
}
