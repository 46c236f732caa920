import type { Environment } from '../engine/environment.js';
import type { RandomStream } from '../engine/random.js';
import type { Scenario } from '../scenario/schema.js';
import { hasWanted, pickPiece } from './bitfield.js';
import { ConnState, type Connection, type Flow } from './connection.js';
import { LINK_COUNTED, LINK_OPEN, LINK_SEQ_SHIFT, LINK_UP_ACTIVE, LINK_UP_INTERESTED, LINK_UP_UNCHOKED, type Peer } from './peer.js';
import { pickRarest } from './piece-picker.js';
import { PieceStore } from './piece-store.js';

export interface TransferHooks {
  /** A piece arrived intact at f.down (bitfields, interest and slots already updated). */
  pieceDone(f: Flow, now: number): void;
  /** A piece from f.up failed its hash check at f.down (the data moved, the piece did not count). */
  pieceFailed(f: Flow, now: number): void;
  /** Blocks of an unfinished piece moved on f up to now (the link closes mid-piece). */
  blocksMoved(f: Flow, now: number): void;
}

/** Pieces a downloader picks at random before switching to rarest first (BitTorrent's start-up). */
const RANDOM_FIRST_PIECES = 4;
/** Rechoke period (s) and optimistic rotation every third rechoke (30 s). */
export const RECHOKE_PERIOD = 10;
const OPTIMISTIC_EVERY = 3;

/**
 * The data plane: interest, choking and piece streams with rates bounded by both ends.
 *
 * Choking: every 10 s each peer ranks the peers interested in it (a leecher by what they sent
 * it in the last period, tit-for-tat; a seed by what it sent them) and unchokes the best
 * `uploadSlots − 1`, plus one optimistic unchoke rotated every 30 s. Between rechokes a free slot
 * is given at once to a newly interested peer. A choked flow finishes the piece in progress
 * (piece-level model: the blocks already requested arrive) and then stops.
 *
 * Sharing rule: a flow's rate is min(up.upCap / up's active uploads, down.downCap / down's
 * active downloads), an equal split at each end rather than max-min fairness (docs/model.md
 * gives the error). A change at a peer re-times only that peer's flows.
 */
export class Transfers {
  private readonly kPiece: number;
  private readonly kRechoke: number;
  private readonly kFlush: number;
  private readonly haveBatch: number;
  private readonly pieceSize: number;
  private readonly lastPieceSize: number;
  private readonly pieces: number;
  private readonly ranked: Flow[] = [];
  /** The peers' shared piece state (every peer of a swarm is built on one store). */
  readonly store: PieceStore;

  constructor(
    private readonly env: Environment,
    scenario: Scenario,
    private readonly rng: RandomStream,
    private readonly hooks: TransferHooks,
    private readonly conns: readonly Connection[],
    private readonly peers: readonly Peer[],
  ) {
    this.pieceSize = scenario.torrent.piece_size;
    this.pieces = Math.ceil(scenario.torrent.size / this.pieceSize);
    this.lastPieceSize = scenario.torrent.size - (this.pieces - 1) * this.pieceSize;
    this.kPiece = env.register((fid) => this.onPiece(this.flow(fid)));
    this.kRechoke = env.register((pid) => this.rechoke(this.peers[pid]!));
    this.kFlush = env.register((pid) => this.flushHaves(this.peers[pid]!));
    this.haveBatch = scenario.network.have_batch;
    this.store = peers.length > 0 ? peers[0]!.store : new PieceStore(0, this.pieces);
  }

  private flow(fid: number): Flow {
    const c = this.conns[fid >>> 1]!;
    return (fid & 1) === 0 ? c.ab : c.ba;
  }

  sizeOf(piece: number): number {
    return piece === this.pieces - 1 ? this.lastPieceSize : this.pieceSize;
  }

  /** Starts a peer's rechoke timer (on arrival), at its own phase. */
  peerOnline(p: Peer): void {
    p.rechokeHandle = this.env.schedule(p.pulsePhase * (RECHOKE_PERIOD / p.kind.pulsePeriod), this.kRechoke, p.id);
  }

  peerOffline(p: Peer): void {
    this.flushHaves(p);
    if (p.rechokeHandle >= 0) this.env.cancel(p.rechokeHandle);
    p.rechokeHandle = -1;
    p.optimistic = null;
  }

  connectionOpened(c: Connection, _now: number): void {
    // Each side's bitfield is what it holds now, announced or not.
    c.aSeqAtOpen = c.a.haveSeq;
    c.bSeqAtOpen = c.b.haveSeq;
    c.aCountsB = this.countIn(c.a, c.b);
    c.bCountsA = this.countIn(c.b, c.a);
    c.a.connMeta[c.aIdx] = linkMeta(c.a.connMeta[c.aIdx]!, c.bCountsA, c.aSeqAtOpen);
    c.b.connMeta[c.bIdx] = linkMeta(c.b.connMeta[c.bIdx]!, c.aCountsB, c.bSeqAtOpen);
    this.evaluate(c.ab);
    this.evaluate(c.ba);
  }

  /** Adds `remote` to `local`'s piece availability; returns how it was counted. */
  private countIn(local: Peer, remote: Peer): number {
    const avail = local.avail;
    if (avail === null) return 0;
    if (remote.done) {
      local.seedsConnected++;
      return 2;
    }
    const words = remote.have.words;
    for (let w = 0; w < words.length; w++) {
      let x = words[w]!;
      while (x !== 0) {
        const low = x & -x;
        avail[(w << 5) + (31 - Math.clz32(low))]!++;
        x = (x ^ low) >>> 0;
      }
    }
    return 1;
  }

  private uncount(local: Peer, remote: Peer, how: number, sinceSeq: number): void {
    const avail = local.avail;
    if (avail === null || how === 0) return;
    if (how === 2) {
      local.seedsConnected--;
      return;
    }
    const words = remote.have.words;
    for (let w = 0; w < words.length; w++) {
      let x = words[w]!;
      while (x !== 0) {
        const low = x & -x;
        avail[(w << 5) + (31 - Math.clz32(low))]!--;
        x = (x ^ low) >>> 0;
      }
    }
    // Pieces the remote got after this link opened and has not announced yet were never counted.
    for (let k = 0; k < remote.pending.length; k++) if (remote.pendingSeq[k]! > sinceSeq) avail[remote.pending[k]!]!++;
  }

  /** Sets interest from bitfields and starts the flow when it can. */
  private evaluate(f: Flow): void {
    setInterested(f, hasWanted(f.up.have, f.down.have));
    if (f.interested) this.tryStart(f);
  }

  /** An interested flow: unchoke it into a free slot if there is one, then fetch a piece. */
  private tryStart(f: Flow): void {
    if (f.upIdx >= 0 || f.conn.state !== ConnState.Open) return;
    if (!f.unchoked) {
      if (f.up.behaviour === 'never_unchoke' || f.up.unchoked >= f.up.kind.uploadSlots) return;
      this.unchoke(f);
    }
    this.startPiece(f);
  }

  private unchoke(f: Flow): void {
    f.unchoked = true;
    f.up.unchoked++;
    if (f.interested) f.up.waitingForSlot--;
    syncLink(f);
  }

  private choke(f: Flow): void {
    if (!f.unchoked) return;
    f.unchoked = false;
    f.up.unchoked--;
    if (f.interested) f.up.waitingForSlot++;
    if (f.up.optimistic === f) f.up.optimistic = null;
    syncLink(f);
  }

  /** Picks a piece and activates the flow; false when every wanted piece is already in flight. */
  private startPiece(f: Flow): boolean {
    const { up, down } = f;
    const p =
      down.avail === null || down.have.count < RANDOM_FIRST_PIECES
        ? pickPiece(up.have, down.have, down.busy, this.rng.int(down.have.words.length))
        : pickRarest(up.have, down.have, down.busy, down.avail, this.rng);
    if (p < 0) {
      if (!hasWanted(up.have, down.have)) setInterested(f, false);
      return false;
    }
    this.activate(f, p);
    return true;
  }

  /** Starts fetching piece p on flow f (p not held nor in flight at f.down). */
  private activate(f: Flow, p: number): void {
    const { up, down } = f;
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
    syncLink(f);
    this.retime(up);
    this.retime(down);
  }

  /** Removes an active flow from both ends' lists (no re-timing). */
  private deactivate(f: Flow): void {
    removeAt(f.up.upFlows, f.upIdx, 'upIdx');
    removeAt(f.down.downFlows, f.downIdx, 'downIdx');
    f.upIdx = f.downIdx = -1;
    syncLink(f);
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
    addBytes(f, size);
    conn.lastPieceAt = now;
    up.pieceBytesUp += size;
    down.pieceBytesDown += size;
    down.busy.clear(p);
    if (up.behaviour === 'bad_data') {
      // The hash check fails: the bytes moved, the piece is fetched again elsewhere.
      this.continueFlow(f);
      this.retime(up);
      this.retime(down);
      this.hooks.pieceFailed(f, now);
      return;
    }
    down.have.set(p);
    down.done = down.have.complete;
    if (down.done) this.store.done[down.id] = 1;
    down.haveSeq++;
    down.pending.push(p);
    down.pendingSeq.push(down.haveSeq);
    // HAVE messages go out in batches (network.have_batch); the last piece goes at once so
    // that everyone learns of a new seed without delay.
    if (down.done || this.haveBatch === 0) this.flushHaves(down);
    else if (down.haveFlushHandle < 0) down.haveFlushHandle = this.env.schedule(this.haveBatch, this.kFlush, down.id);
    if (down.done) this.becameSeed(down);
    else this.continueFlow(f);
    // A restarted flow was activated after every count change above, which re-timed both ends.
    if (f.upIdx < 0) {
      this.retime(up);
      this.retime(down);
    }
    this.hooks.pieceDone(f, now);
  }

  /**
   * Tells every connected peer of the pieces `down` got since its last batch: their availability
   * grows and some become interested. A link opened after a piece arrived already had it in the
   * bitfield, so each link skips the pieces up to the sequence number it opened at.
   */
  private flushHaves(down: Peer): void {
    if (down.haveFlushHandle >= 0) this.env.cancel(down.haveFlushHandle);
    down.haveFlushHandle = -1;
    const pending = down.pending;
    const seqs = down.pendingSeq;
    const n = pending.length;
    if (n === 0) return;
    // Neighbours through the flat arrays (PieceStore, connMeta): the connection and the far
    // end's objects are read only when it turns out to want a piece. This loop runs for every
    // neighbour of every batch (a fifth of a 1 000-peer flash crowd's time before the change).
    const { bits, avail, done, words, pieces } = this.store;
    const ids = down.connPeer;
    const metas = down.connMeta;
    for (let i = 0; i < ids.length; i++) {
      const meta = metas[i]!;
      if ((meta & LINK_OPEN) === 0) continue;
      const q = ids[i]!;
      if (done[q] !== 0) continue; // a seed neighbour: nothing to count, nothing to want
      const since = meta >>> LINK_SEQ_SHIFT;
      const counted = (meta & LINK_COUNTED) !== 0;
      const haveAt = q * 2 * words;
      const busyAt = haveAt + words;
      const availAt = q * pieces;
      let candidate = -1;
      let wanted = false;
      for (let k = 0; k < n; k++) {
        if (seqs[k]! <= since) continue;
        const p = pending[k]!;
        if (counted) avail[availAt + p]!++;
        const w = p >>> 5;
        const m = 1 << (p & 31);
        if ((bits[haveAt + w]! & m) === 0) {
          wanted = true;
          if (candidate < 0 && (bits[busyAt + w]! & m) === 0) candidate = p;
        }
      }
      if (!wanted) continue;
      // Already interested and nothing to start (a piece in progress, or choked with every slot
      // taken): the flow's state is mirrored in meta, so skip reading it.
      if ((meta & LINK_UP_INTERESTED) !== 0) {
        if ((meta & LINK_UP_ACTIVE) !== 0) continue;
        if ((meta & LINK_UP_UNCHOKED) === 0 && (down.behaviour === 'never_unchoke' || down.unchoked >= down.kind.uploadSlots)) continue;
      }
      const o = down.conns[i]!;
      const fx = o.a === down ? o.ab : o.ba;
      setInterested(fx, true);
      // An unchoked idle flow found nothing to fetch before: take a new piece without a scan.
      if (fx.unchoked && fx.upIdx < 0) {
        if (candidate >= 0) this.activate(fx, candidate);
      } else this.tryStart(fx);
    }
    pending.length = 0;
    seqs.length = 0;
  }

  /** After a piece: fetch the next one while unchoked and interested, else free the slot. */
  private continueFlow(f: Flow): void {
    if (f.unchoked && f.conn.state === ConnState.Open && this.startPiece(f)) return;
    // Only a freed slot can let someone in; a stalled but interested flow keeps its slot.
    if (!f.interested && f.unchoked) {
      this.choke(f);
      this.fillSlots(f.up);
    }
  }

  /** A peer that holds everything wants nothing: every upload to it ends, its slots free up. */
  private becameSeed(p: Peer): void {
    p.avail = null;
    p.seedsConnected = 0;
    for (const o of p.conns) {
      const g = o.a === p ? o.ba : o.ab;
      setInterested(g, false);
      if (g.unchoked) {
        this.choke(g);
        this.fillSlots(g.up);
      }
    }
  }

  /** Gives free slots at once to interested choked peers, in connection order. */
  private fillSlots(up: Peer): void {
    if (up.behaviour === 'never_unchoke' || up.waitingForSlot === 0) return;
    for (let i = 0; i < up.conns.length && up.unchoked < up.kind.uploadSlots; i++) {
      const o = up.conns[i]!;
      if (o.state !== ConnState.Open) continue;
      const g = o.a === up ? o.ab : o.ba;
      if (g.interested && !g.unchoked) {
        this.unchoke(g);
        if (g.upIdx < 0 && !this.startPiece(g) && !g.interested) this.choke(g);
      }
    }
  }

  /** Retries flows into `down` that were unchoked but found every wanted piece in flight. */
  private retryStalled(down: Peer): void {
    for (const o of down.conns) {
      if (o.state !== ConnState.Open) continue;
      const g = o.a === down ? o.ba : o.ab;
      if (g.interested && g.unchoked && g.upIdx < 0) this.startPiece(g);
    }
  }

  /** Every 10 s: tit-for-tat regular slots plus an optimistic unchoke rotated every 30 s. */
  private rechoke(up: Peer): void {
    up.rechokeHandle = this.env.schedule(RECHOKE_PERIOD, this.kRechoke, up.id);
    if (up.behaviour === 'never_unchoke') return;
    const ranked = this.ranked;
    ranked.length = 0;
    const seeding = up.done;
    // Interested open links from the link words: only their records are read.
    const metas = up.connMeta;
    for (let i = 0; i < metas.length; i++) {
      if ((metas[i]! & (LINK_OPEN | LINK_UP_INTERESTED)) !== (LINK_OPEN | LINK_UP_INTERESTED)) continue;
      const o = up.conns[i]!;
      ranked.push(o.a === up ? o.ab : o.ba);
    }
    // Score: a leecher reciprocates what it received (the reverse flow); a seed favours the
    // peers it served fastest. Stable sort keeps connection order among equals.
    for (const g of ranked) g.score = score(g, seeding, up.rechokes);
    ranked.sort(byScore);
    const regular = up.kind.uploadSlots - 1;
    const rotate = up.rechokes++ % OPTIMISTIC_EVERY === 0;
    let optimistic = up.optimistic;
    if (optimistic && (!optimistic.interested || optimistic.conn.state !== ConnState.Open)) optimistic = null;
    if (rotate || optimistic === null) {
      const pool = ranked.length - regular;
      optimistic = pool > 0 ? ranked[regular + this.rng.int(pool)]! : null;
    }
    for (let i = 0; i < ranked.length; i++) {
      const g = ranked[i]!;
      const keep = i < regular || g === optimistic;
      if (!keep && g.unchoked) this.choke(g);
    }
    // `up.rechokes` moved on: a new measuring window for this peer (addBytes opens it per flow).
    up.optimistic = optimistic;
    for (let i = 0; i < ranked.length; i++) {
      const g = ranked[i]!;
      if ((i < regular || g === optimistic) && !g.unchoked) {
        this.unchoke(g);
        if (g.upIdx < 0) this.startPiece(g);
      }
    }
    ranked.length = 0;
  }

  connectionClosed(c: Connection, now: number): void {
    this.closeFlow(c.ab, now);
    this.closeFlow(c.ba, now);
    this.uncount(c.a, c.b, c.aCountsB, c.bSeqAtOpen);
    this.uncount(c.b, c.a, c.bCountsA, c.aSeqAtOpen);
    c.aCountsB = c.bCountsA = 0;
    if (c.a.unchoked < c.a.kind.uploadSlots) this.fillSlots(c.a);
    if (c.b.unchoked < c.b.kind.uploadSlots) this.fillSlots(c.b);
  }

  private closeFlow(f: Flow, now: number): void {
    if (f.upIdx >= 0) {
      this.settle(f, now);
      const partial = f.bytesDone;
      addBytes(f, partial);
      if (partial > 0) this.hooks.blocksMoved(f, now);
      f.up.pieceBytesUp += partial;
      f.down.pieceBytesDown += partial;
      f.down.busy.clear(f.piece);
      this.deactivate(f);
      this.retime(f.up);
      this.retime(f.down);
      this.retryStalled(f.down);
    }
    this.choke(f);
    setInterested(f, false);
  }
}

/**
 * A link's connMeta once open: the side's flags so far (LINK_OUT), open, whether the far end
 * counted this side's pieces by bitfield (`farCounts` 1), and this side's haveSeq at open.
 */
function linkMeta(meta: number, farCounts: number, seqAtOpen: number): number {
  return (meta & ((1 << LINK_SEQ_SHIFT) - 1)) | LINK_OPEN | (farCounts === 1 ? LINK_COUNTED : 0) | (seqAtOpen << LINK_SEQ_SHIFT);
}

/** Sets interest, keeping the uploader's count of interested choked peers (fillSlots skips when 0). */
function setInterested(f: Flow, v: boolean): void {
  if (f.interested === v) return;
  f.interested = v;
  if (!f.unchoked) f.up.waitingForSlot += v ? 1 : -1;
  syncLink(f);
}

/** Mirrors an upload flow's interest, unchoke and activity into its uploader's connMeta entry. */
function syncLink(f: Flow): void {
  const c = f.conn;
  const atA = f.up === c.a;
  const i = atA ? c.aIdx : c.bIdx;
  if (i < 0) return;
  const metas = f.up.connMeta;
  const bits = (f.interested ? LINK_UP_INTERESTED : 0) | (f.unchoked ? LINK_UP_UNCHOKED : 0) | (f.upIdx >= 0 ? LINK_UP_ACTIVE : 0);
  metas[i] = (metas[i]! & ~(LINK_UP_INTERESTED | LINK_UP_UNCHOKED | LINK_UP_ACTIVE)) | bits;
}

function flowBytes(f: Flow): number {
  return f === f.conn.ab ? f.conn.bytesAB : f.conn.bytesBA;
}

/**
 * Adds piece bytes to a flow. The tit-for-tat windows are opened lazily: the first change after
 * a rechoke of either end saves the bytes before it (the flow's bytes at that rechoke), so a
 * rechoke does not visit every link to take snapshots; a flow unchanged since has scored 0.
 */
export function addBytes(f: Flow, n: number): void {
  const c = f.conn;
  const before = f === c.ab ? c.bytesAB : c.bytesBA;
  if (f.snapUpEpoch !== f.up.rechokes) {
    f.snapUp = before;
    f.snapUpEpoch = f.up.rechokes;
  }
  if (f.snapDownEpoch !== f.down.rechokes) {
    f.snapDown = before;
    f.snapDownEpoch = f.down.rechokes;
  }
  if (f === c.ab) c.bytesAB = before + n;
  else c.bytesBA = before + n;
}

/**
 * Tit-for-tat score of an interested flow at its uploader over the uploader's last period
 * (`epoch` = its rechokes so far): a seed ranks by what it sent on g, a leecher by what it
 * received on the reverse flow.
 */
export function score(g: Flow, seeding: boolean, epoch: number): number {
  if (seeding) return g.snapUpEpoch === epoch ? flowBytes(g) - g.snapUp : 0;
  const c = g.conn;
  const r = g === c.ab ? c.ba : c.ab;
  return r.snapDownEpoch === epoch ? flowBytes(r) - r.snapDown : 0;
}

function byScore(x: Flow, y: Flow): number {
  return y.score - x.score;
}

function removeAt(list: Flow[], i: number, key: 'upIdx' | 'downIdx'): void {
  const last = list.pop()!;
  if (i < list.length) {
    list[i] = last;
    last[key] = i;
  }
}
