import type { Source } from './source.js';

/**
 * Bits of `PeerInfo.bits`, one small integer holding every flag and small counter of a record.
 * PeerInfo owns bits 0–12; subclasses add theirs above (`PEER_INFO_BITS` is the first free one)
 * and keep the word below 2^30, so that it is a small integer (Smi) in every V8 build. Bit 0–6:
 * `sources`, one per Source.
 */
export const SOURCES = 0x7f;
export const IN_USE = 1 << 7;
/** (Exported for subclasses that test several flags in one read of `bits`.) */
export const BANNED = 1 << 8;
export const SEED = 1 << 9;
export const UPLOAD_ONLY = 1 << 10;
/** `connectable` known (true or false); CONNECTABLE = known true. */
export const CONNECTABLE_KNOWN = 1 << 11;
export const CONNECTABLE = 1 << 12;
/** First bit of `PeerInfo.bits` a subclass may use (bits up to 29). */
export const PEER_INFO_BITS = 13;

/** `word` with the bits of `mask` set (on) or cleared: the setters of packed record flags. */
export function withBit(word: number, mask: number, on: boolean): number {
  return on ? word | mask : word & ~mask;
}

/** The lowest source bit of a `sources` set, as a Source (Transmission's `from_best`). */
export function lowestSource(sources: number): Source {
  const s = sources & SOURCES;
  return (31 - Math.clz32(s & -s)) as Source;
}

/** Scratch view of a double as two 32-bit halves (learnedAt). */
const F64 = new Float64Array(1);
const I32 = new Int32Array(F64.buffer);

/**
 * One record per known peer, in the spirit of Transmission's `tr_peer_info` and libtorrent's
 * `torrent_peer`: the history a reconnect policy reads. These are the fields every policy
 * keeps; a policy adds its own counters (fail counts, penalties, posteriors…).
 *
 * The host (sim/model) never writes these fields: it reports events to the policy, and the
 * policy decides what to remember. That is the point of the seam (libtorrent #7700 was exactly a
 * fact that was not remembered). The host reads `remote`, `inUse` and `banned`.
 */
export interface PeerInfo {
  /** Remote peer id (index into the swarm's peer table). */
  readonly remote: number;
  /** When the peer was first learned (s). */
  readonly learnedAt: number;
  /** Last dial start (s); 0 = never. */
  attemptedAt: number;
  /** Last connect or disconnect (s); 0 = never. */
  changedAt: number;
  /** Last time piece data moved on a connection with this peer (s); 0 = never. */
  pieceDataAt: number;
  /** Bit set of `1 << Source` over every source that listed the peer. */
  sources: number;
  /** Best (lowest) source rank seen, as Transmission's `from_best`. */
  readonly fromBest: Source;
  /** Connected or an outgoing attempt in progress. */
  inUse: boolean;
  /** Never dial again (bad data strikes). */
  banned: boolean;
  /** Last seen advertised as a seed, as far as the policy kept it. */
  seed: boolean;
  /** Last seen advertised as upload-only (BEP 21 / PEX flag), as far as the policy kept it. */
  uploadOnly: boolean;
  /** Known connectable: true, false (nothing read on a dial), or undefined (unknown). */
  connectable: boolean | undefined;
}

/**
 * The PeerInfo flags read from one packed word `b` (bit map above), whatever stores it: a
 * PeerRecord's field, or a row of the client mirrors (RowInfo).
 */
export abstract class PackedFlags {
  protected abstract get b(): number;
  protected abstract set b(v: number);

  /** Bit set of `1 << Source` over every source that listed the peer. */
  get sources(): number {
    return this.b & SOURCES;
  }
  set sources(v: number) {
    this.b = (this.b & ~SOURCES) | (v & SOURCES);
  }

  /** Best (lowest) source rank seen, as Transmission's `from_best`: the lowest bit of `sources`. */
  get fromBest(): Source {
    return lowestSource(this.b);
  }

  /** Connected or an outgoing attempt in progress. */
  get inUse(): boolean {
    return (this.b & IN_USE) !== 0;
  }
  set inUse(v: boolean) {
    this.b = withBit(this.b, IN_USE, v);
  }

  /** Never dial again (bad data strikes). */
  get banned(): boolean {
    return (this.b & BANNED) !== 0;
  }
  set banned(v: boolean) {
    this.b = withBit(this.b, BANNED, v);
  }

  /** Last seen advertised as a seed (PEX flag, have-all, full bitfield), as far as the policy kept it. */
  get seed(): boolean {
    return (this.b & SEED) !== 0;
  }
  set seed(v: boolean) {
    this.b = withBit(this.b, SEED, v);
  }

  /** Last seen advertised as upload-only (BEP 21 / PEX flag), as far as the policy kept it. */
  get uploadOnly(): boolean {
    return (this.b & UPLOAD_ONLY) !== 0;
  }
  set uploadOnly(v: boolean) {
    this.b = withBit(this.b, UPLOAD_ONLY, v);
  }

  /** Known connectable: true, false (nothing read on a dial), or undefined (unknown). */
  get connectable(): boolean | undefined {
    const b = this.b;
    return (b & CONNECTABLE_KNOWN) === 0 ? undefined : (b & CONNECTABLE) !== 0;
  }
  set connectable(v: boolean | undefined) {
    const b = this.b & ~(CONNECTABLE_KNOWN | CONNECTABLE);
    this.b = v === undefined ? b : v ? b | CONNECTABLE_KNOWN | CONNECTABLE : b | CONNECTABLE_KNOWN;
  }
}

/**
 * PeerInfo as one object per record, for the object-based built-in policies (BasePolicy: the
 * generic families). The client mirrors keep rows of an Int32Array instead (record-rows.ts).
 *
 * Layout (memory: a 5 000-peer flash crowd holds millions of records). In Node 20's V8 (no
 * pointer compression: check with %DebugPrint) every field of an object is 8 bytes, a boolean
 * too, after a 24-byte header, and a field that ever held a non-integer (`learnedAt`, a
 * fractional time) or an integer beyond 32 bits points to its own 16-byte heap number. Hence:
 *
 * - flags and small counters share one integer word `bits` behind accessors: here sources,
 *   inUse, banned, seed, uploadOnly, connectable (6 fields → 1, −40 bytes), subclasses add
 *   theirs (TrackedInfo's connection counts, the families' fail counts and flags);
 * - `fromBest` is read off `sources` (it is always the lowest source seen): −8 bytes;
 * - `learnedAt` is kept as the two 32-bit halves of the double, two small integers instead of a
 *   pointer and a heap number: −8 bytes and one heap object less per record;
 * - whole-second times stay plain fields: small integers.
 * (What this bought, measured: docs/performance.md.)
 */
export class PeerRecord extends PackedFlags implements PeerInfo {
  /** Remote peer id (index into the swarm's peer table). */
  readonly remote: number;
  /** learnedAt, the bits of the double: low and high 32-bit halves. */
  private readonly learnedLo: number;
  private readonly learnedHi: number;
  /** Last dial start (s); 0 = never. */
  attemptedAt = 0;
  /** Last connect or disconnect (s); 0 = never. */
  changedAt = 0;
  /** Last time piece data moved on a connection with this peer (s); 0 = never. */
  pieceDataAt = 0;
  /** Flags and small counters (bit map above; subclasses own the bits from PEER_INFO_BITS). */
  protected bits: number;

  constructor(remote: number, source: Source, now: number) {
    super();
    this.remote = remote;
    F64[0] = now;
    this.learnedLo = I32[0] as number;
    this.learnedHi = I32[1] as number;
    this.bits = (1 << source) & SOURCES;
  }

  /** When the peer was first learned (s). */
  get learnedAt(): number {
    I32[0] = this.learnedLo;
    I32[1] = this.learnedHi;
    return F64[0] as number;
  }

  protected get b(): number {
    return this.bits;
  }
  protected set b(v: number) {
    this.bits = v;
  }
}
