import {
  BANNED,
  CONNECTABLE,
  CONNECTABLE_KNOWN,
  IN_USE,
  PEER_INFO_BITS,
  SEED,
  SOURCES,
  UPLOAD_ONLY,
  lowestSource,
  withBit,
  type PeerInfo,
} from './peer-info.js';
import { checkedCount } from './base.js';
import type { Source } from './source.js';

/**
 * libtorrent's peer list as rows of one Int32Array: W words per `torrent_peer` entry, by slot.
 *
 * Why not objects (bench/growth.ts memory-per-known-peer): a crowd of libtorrent clients each
 * fills its list towards `max_peerlist_size` (3 000), so a 5 000-peer crowd holds ~10 M entries.
 * As JS objects they took 104 bytes each plus pointer and GC slack (about 230 bytes all told in
 * a running crowd); the scavenger copied every one of them twice on its way to old space, and
 * the collector was 17 % of the crowd's run. A row is 40 bytes and the collector never sees it.
 * Why rows and not one array per field: the refill filter, the candidate order and the rekey
 * read four or five fields of one entry, which a row serves from one cache line; and a policy
 * holds two typed arrays instead of ten (each costs ~200 bytes even when small, and a swarm
 * has one policy per peer). The erase rank stays a column of its own: the erase scans read it
 * for 300 consecutive slots.
 *
 * Times the client mirror stores are whole seconds (`Math.floor(now)`), hence int32; learnedAt
 * is the exact learn time, kept as the two halves of its double. `bits` packs the flags and
 * small counters (layout below, the same as PeerRecord's up to bit 12).
 */

/** Words of a row. */
export const W = 10;
export const F_REMOTE = 0;
export const F_LEARNED_LO = 1;
export const F_LEARNED_HI = 2;
export const F_ATTEMPTED = 3;
export const F_CHANGED = 4;
export const F_PIECE_DATA = 5;
export const F_BITS = 6;
/** Whole seconds; meaningful once EVER_CONNECTED. */
export const F_LAST_CONNECTED = 7;
/** bep40 | 0, once BEP40_KNOWN. */
export const F_BEP = 8;
/** trust_points stand-in (0–8). */
export const F_TRUST = 9;

/** conns (3 bits), established (3 bits): as TrackedInfo. */
export const CONNS_SHIFT = PEER_INFO_BITS;
export const ESTABLISHED_SHIFT = PEER_INFO_BITS + 3;
export const CONNS_MASK = 7 << CONNS_SHIFT;
/** failcount (5 bits), then five flags. */
export const FAILCOUNT_SHIFT = PEER_INFO_BITS + 6;
export const FAILCOUNT_MAX = 31;
export const EVER_CONNECTED = 1 << (PEER_INFO_BITS + 11);
export const LISTEN_KNOWN = 1 << (PEER_INFO_BITS + 12);
export const MAYBE_UPLOAD_ONLY = 1 << (PEER_INFO_BITS + 13);
/** Returned by the select in progress (cleared before select returns). */
export const PICKED = 1 << (PEER_INFO_BITS + 14);
/** `bep` holds the BEP 40 stand-in rank. */
export const BEP40_KNOWN = 1 << (PEER_INFO_BITS + 15);

/** Erase rank of a slot in use or beyond the entries: never erased. */
export const ER_IN_USE = 0x7fff;

export function failcountOf(b: number): number {
  return (b >> FAILCOUNT_SHIFT) & FAILCOUNT_MAX;
}

export function withFailcount(b: number, v: number): number {
  return (b & ~(FAILCOUNT_MAX << FAILCOUNT_SHIFT)) | ((v & FAILCOUNT_MAX) << FAILCOUNT_SHIFT);
}

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

/** Shared empty arrays of a list with no entry yet (a built swarm allocates at the first learn). */
const NO_ROWS = new Int32Array(0);
const NO_ERANK = new Int16Array(0);

export class LibtorrentEntries {
  /** Slots allocated. */
  cap = 0;
  /** Entry of slot s at words [s × W, s × W + W). */
  rows = NO_ROWS;
  /** Erase rank per slot (the policy's eraseRank); ER_IN_USE beyond the entries. */
  erank = NO_ERANK;

  /** A fresh entry in `slot` (growing the arrays by half when full). */
  add(slot: number, remote: number, source: Source, now: number): void {
    if (slot >= this.cap) this.grow(slot + 1);
    const r = this.rows;
    const o = slot * W;
    F64[0] = now;
    r[o + F_REMOTE] = remote;
    r[o + F_LEARNED_LO] = I32[0] as number;
    r[o + F_LEARNED_HI] = I32[1] as number;
    r[o + F_ATTEMPTED] = 0;
    r[o + F_CHANGED] = 0;
    r[o + F_PIECE_DATA] = 0;
    r[o + F_BITS] = ((1 << source) & SOURCES) | LISTEN_KNOWN;
    r[o + F_LAST_CONNECTED] = 0;
    r[o + F_BEP] = 0;
    r[o + F_TRUST] = 0;
    this.erank[slot] = ER_IN_USE;
  }

  learnedAt(slot: number): number {
    I32[0] = this.rows[slot * W + F_LEARNED_LO] as number;
    I32[1] = this.rows[slot * W + F_LEARNED_HI] as number;
    return F64[0] as number;
  }

  /** Copies the entry in `from` over `to`. */
  move(from: number, to: number): void {
    this.rows.copyWithin(to * W, from * W, from * W + W);
    this.erank[to] = this.erank[from] as number;
  }

  /** `slot` holds no entry any more. */
  clear(slot: number): void {
    this.erank[slot] = ER_IN_USE;
  }

  /** Bytes held (bench). */
  bytes(): number {
    return this.rows.byteLength + this.erank.byteLength;
  }

  private grow(min: number): void {
    let cap = this.cap < 16 ? 16 : this.cap + (this.cap >> 1);
    if (cap < min) cap = min;
    const rows = new Int32Array(cap * W);
    rows.set(this.rows);
    this.rows = rows;
    const erank = new Int16Array(cap).fill(ER_IN_USE);
    erank.set(this.erank);
    this.erank = erank;
    this.cap = cap;
  }
}

/** What a LibtorrentInfo view needs of its policy. */
export interface EntriesOwner {
  readonly entries: LibtorrentEntries;
  /** Forgets so far: a slot found before the last forget may have moved. */
  readonly forgets: number;
  slotOf(remote: number): number;
}

/**
 * The public record of a libtorrent peer-list entry (what get() and learn() return): a view of
 * the columns by remote id. It stays valid while the entry is held; reading it after the entry
 * was forgotten throws. It caches its slot until the next forget moves entries.
 */
export class LibtorrentInfo implements PeerInfo {
  constructor(
    private readonly owner: EntriesOwner,
    readonly remote: number,
    private slotCache: number,
    private seen: number,
  ) {}

  /** The entry's slot now. */
  slot(): number {
    const o = this.owner;
    if (this.seen !== o.forgets) {
      this.slotCache = o.slotOf(this.remote);
      this.seen = o.forgets;
    }
    if (this.slotCache < 0) throw new Error(`libtorrent peer list: peer ${this.remote} was forgotten`);
    return this.slotCache;
  }

  private read(field: number): number {
    return this.owner.entries.rows[this.slot() * W + field] as number;
  }

  private write(field: number, v: number): void {
    this.owner.entries.rows[this.slot() * W + field] = v;
  }

  private get b(): number {
    return this.read(F_BITS);
  }
  private set b(v: number) {
    this.write(F_BITS, v);
  }

  get learnedAt(): number {
    return this.owner.entries.learnedAt(this.slot());
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
  /** Whole seconds; meaningful once `everConnected`. */
  get lastConnected(): number {
    return this.read(F_LAST_CONNECTED);
  }
  set lastConnected(v: number) {
    this.write(F_LAST_CONNECTED, v);
  }
  get sources(): number {
    return this.b & SOURCES;
  }
  set sources(v: number) {
    this.b = (this.b & ~SOURCES) | (v & SOURCES);
  }
  get fromBest(): Source {
    return lowestSource(this.b);
  }
  get inUse(): boolean {
    return (this.b & IN_USE) !== 0;
  }
  set inUse(v: boolean) {
    this.b = withBit(this.b, IN_USE, v);
  }
  get banned(): boolean {
    return (this.b & BANNED) !== 0;
  }
  set banned(v: boolean) {
    this.b = withBit(this.b, BANNED, v);
  }
  get seed(): boolean {
    return (this.b & SEED) !== 0;
  }
  set seed(v: boolean) {
    this.b = withBit(this.b, SEED, v);
  }
  get uploadOnly(): boolean {
    return (this.b & UPLOAD_ONLY) !== 0;
  }
  set uploadOnly(v: boolean) {
    this.b = withBit(this.b, UPLOAD_ONLY, v);
  }
  get connectable(): boolean | undefined {
    const b = this.b;
    return (b & CONNECTABLE_KNOWN) === 0 ? undefined : (b & CONNECTABLE) !== 0;
  }
  set connectable(v: boolean | undefined) {
    const b = this.b & ~(CONNECTABLE_KNOWN | CONNECTABLE);
    this.b = v === undefined ? b : v ? b | CONNECTABLE_KNOWN | CONNECTABLE : b | CONNECTABLE_KNOWN;
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
  /** 0–31. */
  get failcount(): number {
    return failcountOf(this.b);
  }
  set failcount(v: number) {
    this.b = withFailcount(this.b, v);
  }
  get everConnected(): boolean {
    return (this.b & EVER_CONNECTED) !== 0;
  }
  set everConnected(v: boolean) {
    this.b = withBit(this.b, EVER_CONNECTED, v);
  }
  /** libtorrent's `connectable`: false for a peer known only from an incoming connection. */
  get listenKnown(): boolean {
    return (this.b & LISTEN_KNOWN) !== 0;
  }
  set listenKnown(v: boolean) {
    this.b = withBit(this.b, LISTEN_KNOWN, v);
  }
  /** The PEX seed flag, a hint (`maybe_upload_only`, #6225). */
  get maybeUploadOnly(): boolean {
    return (this.b & MAYBE_UPLOAD_ONLY) !== 0;
  }
  set maybeUploadOnly(v: boolean) {
    this.b = withBit(this.b, MAYBE_UPLOAD_ONLY, v);
  }
  /** Returned earlier in the select in progress. */
  get picked(): boolean {
    return (this.b & PICKED) !== 0;
  }
  /** BEP 40 stand-in rank (uint32); -1 = not computed yet. */
  get bep40(): number {
    return (this.b & BEP40_KNOWN) === 0 ? -1 : this.read(F_BEP) >>> 0;
  }
  /** trust_points stand-in (0–8). */
  get trust(): number {
    return this.read(F_TRUST);
  }
}
