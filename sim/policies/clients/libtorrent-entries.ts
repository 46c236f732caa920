import { withBit } from '../peer-info.js';
import { RecordRows, ROW_BITS, ROW_WORDS, RowInfo } from '../storage/record-rows.js';

/**
 * libtorrent's peer list (`torrent_peer` entries) as rows (record-rows.ts): the PeerInfo words,
 * then lastConnected, the BEP 40 stand-in and trust_points; failcount and five flags in the
 * bits word. The erase rank is a column of its own beside the rows: the erase scans read it for
 * 300 consecutive slots (600 bytes) rather than 300 rows.
 */

/** Words of a row. */
export const W = ROW_WORDS + 3;
/** Whole seconds; meaningful once EVER_CONNECTED. */
export const F_LAST_CONNECTED = ROW_WORDS;
/** bep40 | 0, once BEP40_KNOWN. */
export const F_BEP = ROW_WORDS + 1;
/** trust_points stand-in (0–8). */
export const F_TRUST = ROW_WORDS + 2;

/** failcount (5 bits), then six flags. */
export const FAILCOUNT_SHIFT = ROW_BITS;
export const FAILCOUNT_MAX = 31;
export const EVER_CONNECTED = 1 << (ROW_BITS + 5);
export const LISTEN_KNOWN = 1 << (ROW_BITS + 6);
export const MAYBE_UPLOAD_ONLY = 1 << (ROW_BITS + 7);
/** Returned by the select in progress (cleared before select returns). */
export const PICKED = 1 << (ROW_BITS + 8);
/** F_BEP holds the BEP 40 stand-in rank. */
export const BEP40_KNOWN = 1 << (ROW_BITS + 9);
/** A uTP attempt to the peer failed: `supports_utp` false, dials are TCP from now on. */
export const NO_UTP = 1 << (ROW_BITS + 10);

/** Erase rank of a slot in use or beyond the entries: never erased. */
export const ER_IN_USE = 0x7fff;

export function failcountOf(b: number): number {
  return (b >> FAILCOUNT_SHIFT) & FAILCOUNT_MAX;
}

export function withFailcount(b: number, v: number): number {
  return (b & ~(FAILCOUNT_MAX << FAILCOUNT_SHIFT)) | ((v & FAILCOUNT_MAX) << FAILCOUNT_SHIFT);
}

const NO_ERANK = new Int16Array(0);

export class LibtorrentRows extends RecordRows {
  /** Erase rank per slot (the policy's eraseRank); ER_IN_USE beyond the entries. */
  erank = NO_ERANK;

  /** `maxEntries`: max_peerlist_size (the list never holds more). */
  constructor(maxEntries: number) {
    super(W, maxEntries);
  }

  override move(from: number, to: number): void {
    super.move(from, to);
    this.erank[to] = this.erank[from] as number;
  }

  /** `slot` holds no entry any more. */
  clear(slot: number): void {
    this.erank[slot] = ER_IN_USE;
  }

  protected override resized(cap: number): void {
    const erank = new Int16Array(cap);
    erank.set(this.erank);
    erank.fill(ER_IN_USE, this.erank.length);
    this.erank = erank;
  }
}

/** The public record of a libtorrent peer-list entry: RowInfo plus the entry's own fields. */
export class LibtorrentInfo extends RowInfo {
  /** Whole seconds; meaningful once `everConnected`. */
  get lastConnected(): number {
    return this.read(F_LAST_CONNECTED);
  }
  set lastConnected(v: number) {
    this.write(F_LAST_CONNECTED, v);
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
