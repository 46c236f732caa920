import type { Environment } from '../engine/environment.js';
import type { RandomStream } from '../engine/random.js';
import type { Scenario } from '../scenario/schema.js';
import { hasWanted, pickPiece } from './bitfield.js';
import { ConnState, type Connection, type Flow } from './connection.js';
import type { Peer } from './peer.js';

export interface TransferHooks {
  /** A piece arrived at f.down (after bitfields, interest and slots were updated). */
  pieceDone(f: Flow, now: number): void;
}

/**
 * The data plane: interest, upload slots and piece streams with rates bounded by both ends.
 *
 * Sharing rule: a flow's rate is min(up.upCap / up's active uploads, down.downCap / down's
 * active downloads). This is an equal split at each end, not max-min fairness: when one of an
 * uploader's flows is held down by a slow downloader, the unused share is not handed to the
 * others, so an uploader can run below capacity. The error is bounded by the capacity of the
 * flows limited at the far end; docs/model.md discusses it. The rule is local: a change at a
 * peer re-times only that peer's flows and their other ends' shares do not move.
 */
export class Transfers {
  private readonly kPiece: number;
  private readonly pieceSize: number;
  private readonly lastPieceSize: number;
  private readonly pieces: number;

  constructor(
    private readonly env: Environment,
    scenario: Scenario,
    private readonly rng: RandomStream,
    private readonly hooks: TransferHooks,
    private readonly conns: readonly Connection[],
  ) {
    this.pieceSize = scenario.torrent.piece_size;
    this.pieces = Math.ceil(scenario.torrent.size / this.pieceSize);
    this.lastPieceSize = scenario.torrent.size - (this.pieces - 1) * this.pieceSize;
    this.kPiece = env.register((fid) => this.onPiece(this.flow(fid)));
  }

  private flow(fid: number): Flow {
    const c = this.conns[fid >>> 1]!;
    return (fid & 1) === 0 ? c.ab : c.ba;
  }

  sizeOf(piece: number): number {
    return piece === this.pieces - 1 ? this.lastPieceSize : this.pieceSize;
  }

  connectionOpened(c: Connection, _now: number): void {
    this.evaluate(c.ab);
    this.evaluate(c.ba);
  }

  /** Sets interest from bitfields and starts the flow when it can. */
  private evaluate(f: Flow): void {
    f.interested = hasWanted(f.up.have, f.down.have);
    if (f.interested) this.tryStart(f);
  }

  private tryStart(f: Flow): void {
    if (f.upIdx >= 0 || f.queued || f.conn.state !== ConnState.Open) return;
    if (f.up.behaviour === 'never_unchoke') return;
    if (f.up.upFlows.length >= f.up.kind.uploadSlots) {
      f.queued = true;
      f.up.waiting.push(f);
      return;
    }
    this.startPiece(f);
  }

  /** Picks a piece and activates the flow; false when every wanted piece is already in flight. */
  private startPiece(f: Flow): boolean {
    const { up, down } = f;
    const p = pickPiece(up.have, down.have, down.busy, this.rng.int(down.have.words.length));
    if (p < 0) {
      if (!hasWanted(up.have, down.have)) f.interested = false;
      return false;
    }
    down.busy.set(p);
    f.piece = p;
    f.pieceSize = this.sizeOf(p);
    f.bytesDone = 0;
    f.lastT = this.env.now;
    f.rate = 0;
    f.upIdx = up.upFlows.length;
    up.upFlows.push(f);
    f.downIdx = down.downFlows.length;
    down.downFlows.push(f);
    this.retime(up);
    this.retime(down);
    return true;
  }

  /** Removes an active flow from both ends' lists (no re-timing). */
  private deactivate(f: Flow): void {
    removeAt(f.up.upFlows, f.upIdx, 'upIdx');
    removeAt(f.down.downFlows, f.downIdx, 'downIdx');
    f.upIdx = f.downIdx = -1;
    if (f.handle >= 0) this.env.cancel(f.handle);
    f.handle = -1;
    f.piece = -1;
  }

  private settle(f: Flow, now: number): void {
    f.bytesDone = Math.min(f.pieceSize, f.bytesDone + f.rate * (now - f.lastT));
    f.lastT = now;
  }

  /** Re-derives the rate and completion time of every active flow at `p`. */
  private retime(p: Peer): void {
    const now = this.env.now;
    for (const f of p.upFlows) this.retimeFlow(f, now);
    for (const f of p.downFlows) this.retimeFlow(f, now);
  }

  private retimeFlow(f: Flow, now: number): void {
    this.settle(f, now);
    const r = Math.min(f.up.upCap / f.up.upFlows.length, f.down.downCap / f.down.downFlows.length);
    if (r === f.rate && f.handle >= 0) return;
    f.rate = r;
    const t = now + (f.pieceSize - f.bytesDone) / r;
    if (f.handle >= 0) this.env.reschedule(f.handle, t);
    else f.handle = this.env.scheduleAt(t, this.kPiece, f.id);
  }

  private onPiece(f: Flow): void {
    const now = this.env.now;
    f.handle = -1;
    const { up, down, conn } = f;
    const p = f.piece;
    const size = f.pieceSize;
    this.deactivate(f);
    if (f === conn.ab) conn.bytesAB += size;
    else conn.bytesBA += size;
    conn.lastPieceAt = now;
    up.pieceBytesUp += size;
    down.pieceBytesDown += size;
    down.busy.clear(p);
    down.have.set(p);

    // HAVE to every connected peer: some become interested in `down`.
    for (const o of down.conns) {
      if (o.state !== ConnState.Open) continue;
      const fx = o.a === down ? o.ab : o.ba;
      if (fx.down.done || fx.down.have.has(p)) continue;
      if (!fx.interested) fx.interested = true;
      this.tryStart(fx);
    }
    if (down.done) this.dropDownloads(down);
    else if (!this.startPiece(f) && f.interested === false) {
      // nothing more from this uploader
    }
    if (f.upIdx < 0) this.promote(up);
    this.retime(up);
    this.retime(down);
    this.hooks.pieceDone(f, now);
  }

  /** A peer that holds everything wants nothing: leave every queue. */
  private dropDownloads(p: Peer): void {
    for (const o of p.conns) {
      const g = o.a === p ? o.ba : o.ab;
      g.interested = false;
      if (g.queued) this.unqueue(g);
    }
  }

  private unqueue(f: Flow): void {
    const q = f.up.waiting;
    const i = q.indexOf(f);
    if (i >= 0) q.splice(i, 1);
    f.queued = false;
  }

  /** Fills free upload slots from the waiting queue, first come first served. */
  private promote(up: Peer): void {
    while (up.upFlows.length < up.kind.uploadSlots && up.waiting.length > 0) {
      const g = up.waiting.shift()!;
      g.queued = false;
      if (g.conn.state !== ConnState.Open || !g.interested) continue;
      this.startPiece(g);
    }
  }

  /** Retries flows into `down` that were interested but found every wanted piece in flight. */
  private retryStalled(down: Peer): void {
    for (const o of down.conns) {
      if (o.state !== ConnState.Open) continue;
      const g = o.a === down ? o.ba : o.ab;
      if (g.interested && g.upIdx < 0 && !g.queued) this.tryStart(g);
    }
  }

  connectionClosed(c: Connection, now: number): void {
    this.closeFlow(c.ab, now);
    this.closeFlow(c.ba, now);
  }

  private closeFlow(f: Flow, now: number): void {
    const c = f.conn;
    if (f.upIdx >= 0) {
      this.settle(f, now);
      const partial = f.bytesDone;
      if (f === c.ab) c.bytesAB += partial;
      else c.bytesBA += partial;
      f.up.pieceBytesUp += partial;
      f.down.pieceBytesDown += partial;
      f.down.busy.clear(f.piece);
      this.deactivate(f);
      this.retime(f.up);
      this.retime(f.down);
      this.promote(f.up);
      this.retryStalled(f.down);
    } else if (f.queued) this.unqueue(f);
    f.interested = false;
  }
}

function removeAt(list: Flow[], i: number, key: 'upIdx' | 'downIdx'): void {
  const last = list.pop()!;
  if (i < list.length) {
    list[i] = last;
    last[key] = i;
  }
}
