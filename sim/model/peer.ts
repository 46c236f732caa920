import type { RandomStream } from '../engine/random.js';
import type { HostView, ReconnectPolicy } from '../policies/policy.js';
import type { Behaviour } from '../scenario/schema.js';
import { Bitfield } from './bitfield.js';
import type { ClientKind, DialState } from './client-kind.js';
import type { Connection, Flow } from './connection.js';
import type { PieceStore } from './piece-store.js';

/** Bits of Peer.connMeta entries (the low bits; the rest is the peer's haveSeq at open). */
export const LINK_OPEN = 1;
/** The far end counts this peer's pieces in its availability (it was a leecher at open). */
export const LINK_COUNTED = 2;
/** This peer dialled the link (PEX's connectable flag for the far end). */
export const LINK_OUT = 4;
/** This peer's upload flow on the link: the far end is interested, unchoked, a piece in progress. */
export const LINK_UP_INTERESTED = 8;
export const LINK_UP_UNCHOKED = 16;
export const LINK_UP_ACTIVE = 32;
export const LINK_SEQ_SHIFT = 6;

/** One virtual peer: its client kind, policy, capacities, pieces and open connections. */
export class Peer implements HostView {
  online = false;
  arrivedAt = -1;
  leftAt = -1;
  completedAt = -1;
  /** Connections not yet closed (connecting, handshaking or open), in creation order. */
  readonly conns: Connection[] = [];
  /**
   * The far end's id of each entry of `conns`, same order: the duplicate-link check scans these
   * small integers instead of reading every connection record (3.8 % of a flash crowd's time).
   */
  readonly connPeer: number[] = [];
  /**
   * Per entry of `conns`, what the HAVE and PEX fan-outs need of the link without reading the
   * connection record: LINK_OPEN, LINK_COUNTED, LINK_OUT, the LINK_UP_ state of this peer's
   * upload flow (kept by Transfers), and this peer's haveSeq when the link opened (its bitfield
   * covered pieces up to there), shifted by LINK_SEQ_SHIFT.
   */
  readonly connMeta: number[] = [];
  /**
   * Holds every piece. A field rather than a getter over the bitfield: the HAVE and PEX loops
   * read it for every neighbour, and the getter cost two more dependent loads each time.
   * Transfers sets it when the last piece arrives.
   */
  done: boolean;
  /** Flows this peer uploads on (active, i.e. a piece in progress). */
  readonly upFlows: Flow[] = [];
  /** Flows this peer downloads on (active). */
  readonly downFlows: Flow[] = [];
  /**
   * Per piece, how many connected peers that were leechers when the link opened have it
   * (connected seeds add the same to every piece, so they are only counted in seedsConnected).
   * Null once this peer holds everything: rarest-first is a downloader's concern.
   */
  avail: Uint16Array | null;
  seedsConnected = 0;
  /** Flows this peer uploads on that are unchoked (regular slots plus the optimistic one). */
  unchoked = 0;
  /**
   * Handshakes of the last PEX interval, oldest first from `recentHead`: connection slot, its
   * generation at the time, far-end id, whether this peer dialled it, and time. A PEX message
   * lists peers added since the previous one without scanning every open connection, and
   * without reading the connection records (the swarm's `linkLive` says which are still open).
   */
  readonly recentSlot: number[] = [];
  readonly recentGen: number[] = [];
  readonly recentPeer: number[] = [];
  readonly recentOut: boolean[] = [];
  readonly recentT: number[] = [];
  recentHead = 0;
  /** Pieces received so far (sequence numbers of HAVEs), and those not yet announced. */
  haveSeq = 0;
  readonly pending: number[] = [];
  readonly pendingSeq: number[] = [];
  haveFlushHandle = -1;
  /** Interested peers this peer has choked: a free slot is offered only when some wait. */
  waitingForSlot = 0;
  /** The optimistic unchoke, rotated every third rechoke (30 s). */
  optimistic: Flow | null = null;
  rechokes = 0;
  rechokeHandle = -1;
  /** Goes offline and comes back (scenario `flapping`). */
  flaps = false;
  /** A leecher gives up this long after arrival unless complete (s; Infinity = never). */
  abortAfter = Infinity;
  /** Left before completing (abort): excluded from convergence. */
  aborted = false;
  /** Left for good (seeding time over, abort); a flapping peer that is away is not gone. */
  gone = false;
  flapHandle = -1;
  /** Leaves without a stopped announce: the tracker keeps listing it (stale). */
  leavesSilently = false;
  dhtHandle = -1;
  /** Whether a dial to this peer, when it cannot be reached, is refused at once (else it times out). */
  refusesWhenUnreachable = false;
  /** Pieces being downloaded on some connection right now. */
  readonly busy: Bitfield;
  readonly have: Bitfield;
  /** Pulse event handle, −1 when none pending. */
  pulseHandle = -1;
  announceHandle = -1;
  departHandle = -1;
  /** The policy's upkeep timer (ReconnectPolicy.maintain), −1 when none pending. */
  maintainHandle = -1;
  /** Scratch for select(); one per peer so nothing is allocated per pulse. */
  readonly dialOut: Int32Array;
  private readonly dialScratch = { handshaked: 0, sockets: 0, done: false, stealsSocketSlots: false };
  /** Handshaked connections (the `connections` of HostView counts every open socket). */
  handshaked = 0;
  pieceBytesDown = 0;
  pieceBytesUp = 0;
  /** Phase of the pulse grid in [0, pulsePeriod): clients do not tick in lockstep. */
  readonly pulsePhase: number;
  now = 0;

  constructor(
    readonly id: number,
    readonly group: number,
    readonly isSubject: boolean,
    readonly kind: ClientKind,
    public policy: ReconnectPolicy,
    readonly rng: RandomStream,
    readonly behaviour: Behaviour,
    readonly connectable: boolean,
    readonly upCap: number,
    readonly downCap: number,
    readonly startsAsSeed: boolean,
    readonly store: PieceStore,
    readonly pexAllowed: boolean,
    pulsePhase: number,
  ) {
    const pieces = store.pieces;
    this.have = new Bitfield(pieces, store.haveWords(id));
    this.busy = new Bitfield(pieces, store.busyWords(id));
    if (startsAsSeed) this.have.fill();
    this.done = this.have.complete;
    store.done[id] = this.done ? 1 : 0;
    this.avail = startsAsSeed ? null : store.availOf(id);
    this.dialOut = new Int32Array(Math.max(64, kind.peerLimit));
    this.pulsePhase = pulsePhase;
  }

  /** What the client kind's dial budget reads (one reused record: the pulse allocates nothing). */
  dialState(): DialState {
    const d = this.dialScratch;
    d.handshaked = this.handshaked;
    d.sockets = this.conns.length;
    d.done = this.done;
    d.stealsSocketSlots = this.policy.socketCap !== 'always';
    return d;
  }

  get connections(): number {
    return this.conns.length;
  }

  get peerLimit(): number {
    return this.kind.peerLimit;
  }

  /** Next point of this peer's pulse grid at or after t. */
  nextPulseAt(t: number): number {
    const p = this.kind.pulsePeriod;
    const k = Math.ceil((t - this.pulsePhase) / p - 1e-9);
    return Math.max(t, this.pulsePhase + k * p);
  }
}
