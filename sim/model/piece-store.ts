import { MAX_PIECES } from '../scenario/schema.js';

/**
 * Every peer's piece state in three flat typed arrays, indexed by peer id: have and busy words
 * (interleaved, so one peer's two fields share cache lines), per-piece availability counts, and a
 * done flag. Peers see their own rows through `Bitfield` and `Uint16Array` views; the loops that
 * visit every neighbour of a peer (the HAVE fan-out, PEX) index the flat arrays by far-end id
 * instead, which reads one or two cache lines per neighbour where the object graph
 * (connection → peer → bitfield → words) read six to eight.
 */
export class PieceStore {
  /** 32-bit words per bitfield. */
  readonly words: number;
  /** Peer q's have words start at q·2·words, its busy words right after. */
  readonly bits: Uint32Array;
  /** Peer q's availability count of piece p is at q·pieces + p. */
  readonly avail: Uint16Array;
  /** 1 when peer q holds every piece (mirrors Peer.done). */
  readonly done: Uint8Array;

  constructor(
    readonly peers: number,
    readonly pieces: number,
  ) {
    // Peer.connMeta keeps a piece sequence number above 6 flag bits in a small integer (the
    // scenario schema refuses more pieces with a clear error).
    if (pieces > MAX_PIECES) throw new RangeError(`PieceStore: ${pieces} pieces; at most ${MAX_PIECES} are supported`);
    this.words = (pieces + 31) >>> 5;
    this.bits = new Uint32Array(peers * 2 * this.words);
    this.avail = new Uint16Array(peers * pieces);
    this.done = new Uint8Array(peers);
  }

  haveWords(id: number): Uint32Array {
    const at = id * 2 * this.words;
    return this.bits.subarray(at, at + this.words);
  }

  busyWords(id: number): Uint32Array {
    const at = (id * 2 + 1) * this.words;
    return this.bits.subarray(at, at + this.words);
  }

  availOf(id: number): Uint16Array {
    return this.avail.subarray(id * this.pieces, (id + 1) * this.pieces);
  }
}
