import {
  BANNED,
  IN_USE,
  PEER_INFO_BITS,
  SOURCES,
  PackedFlags,
  type PeerInfo,
} from '../peer-info.js';
import { checkedCount } from '../base.js';
import type { CloseInfo } from '../policy.js';
import { SlotPolicy } from '../slot-policy.js';
import type { Source } from '../source.js';

/**
 * Known-peer records as rows of one Int32Array, for the client mirrors (Transmission,
 * libtorrent), whose records fill whole crowds: a libtorrent client keeps up to 3 000, so a
 * 5 000-peer crowd holds ~10 M.
 *
 * Why not objects: objects cost several times a row's bytes, the scavenger copied every one to
 * old space, and pruned ones were old-space garbage (figures: docs/performance.md). A row is
 * 32–40 bytes, which the collector never sees. Why rows and not one array per field: a filter, a candidate order or a rekey reads
 * four or five fields of one record, which a row serves from one cache line; and a policy holds
 * one typed array instead of ten (each costs ~200 bytes even when small, and a swarm has one
 * policy per peer).
 *
 * Every row starts with the PeerInfo fields below; a family adds its own words after F_BITS
 * and its own bits above ROW_BITS. Times are whole seconds (the mirrors store `Math.floor(now)`,
 * as the clients do), hence int32; learnedAt is the exact learn time, kept as the two halves of
 * its double.
 */
export const F_REMOTE = 0;
export const F_LEARNED_LO = 1;
export const F_LEARNED_HI = 2;
export const F_ATTEMPTED = 3;
export const F_CHANGED = 4;
export const F_PIECE_DATA = 5;
/** Flags and small counters: PeerRecord's bits 0–12, then conns and established (3 bits each). */
export const F_BITS = 6;
/** First word a family may use. */
export const ROW_WORDS = 7;

export const CONNS_SHIFT = PEER_INFO_BITS;
export const ESTABLISHED_SHIFT = PEER_INFO_BITS + 3;
export const CONNS_MASK = 7 << CONNS_SHIFT;
/** First bit of F_BITS a family may use (up to 31). */
export const ROW_BITS = PEER_INFO_BITS + 6;

export function connsOf(b: number): number {
  return (b >> CONNS_SHIFT) & 7;
}

export function withConns(b: number, v: number): number {
  return (b & ~CONNS_MASK) | (checkedCount(v) << CONNS_SHIFT);
}

export function establishedOf(b: number): number {
  return (b >> ESTABLISHED_SHIFT) & 7;
}

export function withEstablished(b: number, v: number): number {
  return (b & ~(7 << ESTABLISHED_SHIFT)) | (checkedCount(v) << ESTABLISHED_SHIFT);
}

/** Scratch view of a double as two 32-bit halves (learnedAt). */
const F64 = new Float64Array(1);
const I32 = new Int32Array(F64.buffer);

/** The shared empty array of a policy with no record yet (a built swarm allocates at the first learn). */
const NO_ROWS = new Int32Array(0);

/** The rows of one policy: W words per slot, doubling when full. */
export class RecordRows {
  /** Slots allocated. */
  cap = 0;
  /** The record of slot s at words [s × W, s × W + W). */
  rows = NO_ROWS;

  /** W words a row; at most `maxCap` rows are ever held (the family's list bound), if known. */
  constructor(
    readonly W: number,
    private readonly maxCap = Infinity,
  ) {}

  /** A fresh record in `slot`: the PeerInfo words set, the family's zero, `bits` as given. */
  add(slot: number, remote: number, now: number, bits: number): void {
    if (slot >= this.cap) this.grow(slot + 1);
    const W = this.W;
    const r = this.rows;
    const o = slot * W;
    F64[0] = now;
    r[o + F_REMOTE] = remote;
    r[o + F_LEARNED_LO] = I32[0] as number;
    r[o + F_LEARNED_HI] = I32[1] as number;
    r.fill(0, o + F_ATTEMPTED, o + W);
    r[o + F_BITS] = bits;
  }

  learnedAt(slot: number): number {
    I32[0] = this.rows[slot * this.W + F_LEARNED_LO] as number;
    I32[1] = this.rows[slot * this.W + F_LEARNED_HI] as number;
    return F64[0] as number;
  }

  /** Copies the record in `from` over `to`. */
  move(from: number, to: number): void {
    const W = this.W;
    this.rows.copyWithin(to * W, from * W, from * W + W);
  }

  protected grow(min: number): void {
    // Doubling, up to the family's bound: fewer reallocations than growing by half (each leaves
    // a garbage buffer that only a full collection frees, and buffer churn triggers those).
    let cap = this.cap < 16 ? 16 : this.cap * 2;
    if (cap > this.maxCap) cap = this.maxCap;
    if (cap < min) cap = min;
    const rows = new Int32Array(cap * this.W);
    rows.set(this.rows);
    this.rows = rows;
    this.resized(cap);
    this.cap = cap;
  }

  /** The capacity became `cap` (families with per-slot columns of their own grow them here). */
  protected resized(_cap: number): void {}
}

/** What a RowInfo view needs of its policy. */
export interface RowOwner {
  readonly table: RecordRows;
  /** Forgets so far: a slot found before the last forget may have moved. */
  readonly forgets: number;
  slotOf(remote: number): number;
}

/**
 * The public record of a row (what get() and learn() return): a view by remote id. It stays
 * valid while the record is held; reading it after the record was forgotten throws. It caches
 * its slot until the next forget moves records. Setters write the row as they are (tests poke
 * records this way; the policy's own handlers keep its keys).
 */
export class RowInfo extends PackedFlags implements PeerInfo {
  constructor(
    private readonly owner: RowOwner,
    readonly remote: number,
    private slotCache: number,
    private seen: number,
  ) {
    super();
  }

  /** The record's slot now. */
  slot(): number {
    const o = this.owner;
    if (this.seen !== o.forgets) {
      this.slotCache = o.slotOf(this.remote);
      this.seen = o.forgets;
    }
    if (this.slotCache < 0) throw new Error(`known-peer record of peer ${this.remote}: forgotten`);
    return this.slotCache;
  }

  protected read(field: number): number {
    const t = this.owner.table;
    return t.rows[this.slot() * t.W + field] as number;
  }

  protected write(field: number, v: number): void {
    const t = this.owner.table;
    t.rows[this.slot() * t.W + field] = v;
  }

  protected get b(): number {
    return this.read(F_BITS);
  }
  protected set b(v: number) {
    this.write(F_BITS, v);
  }

  get learnedAt(): number {
    return this.owner.table.learnedAt(this.slot());
  }
  get attemptedAt(): number {
    return this.read(F_ATTEMPTED);
  }
  set attemptedAt(v: number) {
    this.write(F_ATTEMPTED, v);
  }
  get changedAt(): number {
    return this.read(F_CHANGED);
  }
  set changedAt(v: number) {
    this.write(F_CHANGED, v);
  }
  get pieceDataAt(): number {
    return this.read(F_PIECE_DATA);
  }
  set pieceDataAt(v: number) {
    this.write(F_PIECE_DATA, v);
  }
  /** Connections with this peer in progress or established (both directions). */
  get conns(): number {
    return connsOf(this.b);
  }
  set conns(v: number) {
    this.b = withConns(this.b, v);
  }
  /** Of those, connections whose handshake completed. */
  get established(): number {
    return establishedOf(this.b);
  }
  set established(v: number) {
    this.b = withEstablished(this.b, v);
  }
}

/**
 * SlotPolicy over RecordRows: the storage hooks, and the bookkeeping of the PeerInfo words that
 * every mirror's handlers share (as BasePolicy's default handlers do for objects, with times
 * floored to whole seconds).
 */
export abstract class RowPolicy<V extends RowInfo, T extends RecordRows = RecordRows> extends SlotPolicy<V> implements RowOwner {
  /** Forgets so far (views re-find their slot after one). */
  forgets = 0;

  constructor(
    readonly table: T,
    indexed: boolean,
  ) {
    super(indexed);
  }

  /** The F_BITS word of a fresh record. */
  protected initialBits(source: Source): number {
    return (1 << source) & SOURCES;
  }

  protected append(remote: number, source: Source, now: number): void {
    this.table.add(this.count, remote, now, this.initialBits(source));
  }

  protected moveSlot(from: number, to: number): void {
    this.table.move(from, to);
  }

  protected dropSlot(_slot: number): void {
    this.forgets++;
  }

  protected truncate(_slot: number): void {}

  protected remoteAt(slot: number): number {
    return this.table.rows[slot * this.table.W + F_REMOTE] as number;
  }

  protected addSource(slot: number, bit: number): boolean {
    const rows = this.table.rows;
    const o = slot * this.table.W + F_BITS;
    const b = rows[o] as number;
    if ((b & bit) !== 0) return false;
    rows[o] = b | (bit & SOURCES);
    return true;
  }

  protected bitsAt(slot: number): number {
    return this.table.rows[slot * this.table.W + F_BITS] as number;
  }

  protected setBits(slot: number, b: number): void {
    this.table.rows[slot * this.table.W + F_BITS] = b;
  }

  protected word(slot: number, field: number): number {
    return this.table.rows[slot * this.table.W + field] as number;
  }

  protected setWord(slot: number, field: number, v: number): void {
    this.table.rows[slot * this.table.W + field] = v;
  }

  /**
   * rekeySlot, skipped while the record is in use: a mirror's slot key is +∞ (and libtorrent's
   * erase rank ER_IN_USE) whatever else the record holds until its last connection ends, and
   * that release rekeys. Handlers and learns that may run while connected call this instead of a
   * rekey that would rewrite the same key: in the 5 000-peer crowd's seed phase rekeys were the
   * top profile entry (15 %), most of them such no-ops (a cache miss each into the slot tree).
   */
  protected rekeyIdle(slot: number): void {
    if ((this.bitsAt(slot) & CONNS_MASK) === 0) this.rekeySlot(slot);
  }

  /** An outgoing attempt or incoming connection starts: in use. */
  protected openSlot(slot: number): void {
    const b = this.bitsAt(slot);
    this.setBits(slot, withConns(b, connsOf(b) + 1) | IN_USE);
  }

  /** An attempt or connection ended. */
  protected releaseSlot(slot: number): void {
    const b = this.bitsAt(slot);
    const conns = connsOf(b) > 0 ? connsOf(b) - 1 : 0;
    this.setBits(slot, conns > 0 ? withConns(b, conns) | IN_USE : withConns(b, 0) & ~IN_USE);
  }

  /** A dial starts: in use (key +∞ until it ends), attemptedAt. */
  onDial(info: V, now: number): void {
    const slot = info.slot();
    this.openSlot(slot);
    this.setWord(slot, F_ATTEMPTED, Math.floor(now));
    this.rekeySlot(slot);
  }

  /** An incoming connection is accepted: in use. */
  onIncoming(info: V, _now: number): void {
    const slot = info.slot();
    this.openSlot(slot);
    this.rekeySlot(slot);
  }

  onPieceData(info: V, now: number): void {
    this.setWord(info.slot(), F_PIECE_DATA, Math.floor(now));
  }

  /** onHandshake's bookkeeping: one more established, changedAt, no piece data yet. */
  protected handshaked(slot: number, now: number): void {
    const b = this.bitsAt(slot);
    this.setBits(slot, withEstablished(b, establishedOf(b) + 1));
    this.setWord(slot, F_CHANGED, Math.floor(now));
    this.setWord(slot, F_PIECE_DATA, 0);
  }

  /** onClose's bookkeeping: one less established, released, changedAt, banned for a ban. */
  protected closed(slot: number, now: number, close: CloseInfo): void {
    const b = this.bitsAt(slot);
    const established = establishedOf(b);
    if (established > 0) this.setBits(slot, withEstablished(b, established - 1));
    this.releaseSlot(slot);
    this.setWord(slot, F_CHANGED, Math.floor(now));
    if (close.reason === 'banned') this.setBits(slot, this.bitsAt(slot) | BANNED);
  }
}
