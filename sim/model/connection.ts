import type { CloseReason } from '../policies/policy.js';
import type { Peer } from './peer.js';

export const ConnState = {
  Connecting: 0,
  Handshaking: 1,
  Open: 2,
  Closed: 3,
} as const;
export type ConnState = (typeof ConnState)[keyof typeof ConnState];

/** How a dial will end, decided when it starts (the remote's state at that moment). */
export const TcpResult = {
  Established: 0,
  Refused: 1,
  Timeout: 2,
} as const;
export type TcpResult = (typeof TcpResult)[keyof typeof TcpResult];

/** Outcome of an attempt, for metrics and connections.csv. */
export type Outcome = 'refused' | 'timeout' | 'handshake_failed' | 'wasted' | 'useful' | 'open';

/**
 * One piece stream: `up` sends pieces to `down` on a connection. Active while a piece is in
 * progress; its rate is re-derived whenever either end's number of active flows changes.
 */
export class Flow {
  /** Piece in progress, −1 when none. */
  piece = -1;
  pieceSize = 0;
  bytesDone = 0;
  rate = 0;
  /** Time bytesDone was last brought up to date. */
  lastT = 0;
  /** Piece-completion event, −1 when none. */
  handle = -1;
  /** Index in up.upFlows / down.downFlows, −1 when inactive. */
  upIdx = -1;
  downIdx = -1;
  /** The uploader has unchoked the downloader on this flow. */
  unchoked = false;
  /**
   * Flow bytes at the uploader's / the downloader's last rechoke (tit-for-tat windows), valid
   * while the epoch equals that end's `rechokes` (else the flow has not moved since: see
   * Transfers' addBytes).
   */
  snapUp = 0;
  snapDown = 0;
  snapUpEpoch = -1;
  snapDownEpoch = -1;
  /** Scratch for the rechoke sort. */
  score = 0;
  /** The downloader wants something the uploader has. */
  interested = false;

  up!: Peer;
  down!: Peer;

  constructor(
    readonly id: number,
    readonly conn: Connection,
  ) {}

  reset(up: Peer, down: Peer): void {
    this.up = up;
    this.down = down;
    this.piece = -1;
    this.pieceSize = this.bytesDone = this.rate = this.lastT = 0;
    this.handle = this.upIdx = this.downIdx = -1;
    this.unchoked = this.interested = false;
    this.snapUp = this.snapDown = this.score = 0;
    this.snapUpEpoch = this.snapDownEpoch = -1;
  }
}

/**
 * One TCP connection attempt between a dialler `a` and an acceptor `b`. Records are pooled by the
 * swarm (a seed-heavy run makes hundreds of thousands of attempts; allocating one object per
 * attempt cost 44% of run time in GC): `slot` is stable, `gen` changes on every reuse, and events
 * that may outlive the attempt carry the generation they were made for.
 */
export class Connection {
  gen = 0;
  a!: Peer;
  b!: Peer;
  rtt = 0;
  tDial = 0;
  state: ConnState = ConnState.Closed;
  tConnect = -1;
  tHandshake = -1;
  tClose = -1;
  /** Latest piece data on this connection (s), handshake time until then: idle rules read it. */
  lastPieceAt = -1;
  /** Pending timer (TCP result, handshake), −1 when none. */
  timer = -1;
  /** Pending PEX timers, one per side, and when each side last sent a PEX message (−1 never). */
  pexTimerA = -1;
  pexTimerB = -1;
  pexSentA = -1;
  pexSentB = -1;
  bytesAB = 0;
  bytesBA = 0;
  outcome: Outcome = 'open';
  closeReason: CloseReason | '' = '';
  /** 'a', 'b' or '' (failures and still open). */
  closedBy: 'a' | 'b' | '' = '';
  /** The dial is uTP (libtorrent's first try); a failed uTP dial is followed by a TCP one at once. */
  utp = false;
  /**
   * The acceptor refused the dialler as a known seed mid-handshake (Transmission 3.00
   * handshake.c "another seed tried to reconnect to us!"); the dialler's handshake times out.
   */
  refusedAsSeed = false;
  /** Each end's policy was told of the handshake (false when that end dropped it unrecorded). */
  aRecorded = false;
  bRecorded = false;
  /** How the TCP attempt will end (decided at dial from the remote's state). */
  tcpResult: TcpResult = TcpResult.Established;
  /** How each end counted the other in its piece availability: 0 not counted, 1 bitfield, 2 seed. */
  aCountsB = 0;
  bCountsA = 0;
  /** Each end's piece sequence number when the link opened (its bitfield covered up to there). */
  aSeqAtOpen = 0;
  bSeqAtOpen = 0;
  /** Bad pieces received by each end on this link (hash failures). */
  strikesA = 0;
  strikesB = 0;
  /** Index in a.conns / b.conns, −1 when not listed there. */
  aIdx = -1;
  bIdx = -1;
  /** Either end is a subject peer. */
  subject = false;
  /** A uploads to B. */
  readonly ab: Flow;
  /** B uploads to A. */
  readonly ba: Flow;

  constructor(readonly slot: number) {
    this.ab = new Flow(2 * slot, this);
    this.ba = new Flow(2 * slot + 1, this);
  }

  /** Makes the record a fresh attempt. */
  init(a: Peer, b: Peer, rtt: number, tDial: number): void {
    this.gen = (this.gen + 1) & 0x7fffffff;
    this.a = a;
    this.b = b;
    this.rtt = rtt;
    this.tDial = tDial;
    this.state = ConnState.Connecting;
    this.tConnect = this.tHandshake = this.tClose = this.lastPieceAt = -1;
    this.timer = this.pexTimerA = this.pexTimerB = this.pexSentA = this.pexSentB = -1;
    this.bytesAB = this.bytesBA = 0;
    this.outcome = 'open';
    this.closeReason = '';
    this.closedBy = '';
    this.utp = this.aRecorded = this.bRecorded = this.refusedAsSeed = false;
    this.tcpResult = TcpResult.Established;
    this.aCountsB = this.bCountsA = this.strikesA = this.strikesB = this.aSeqAtOpen = this.bSeqAtOpen = 0;
    this.aIdx = this.bIdx = -1;
    this.subject = a.isSubject || b.isSubject;
    this.ab.reset(a, b);
    this.ba.reset(b, a);
  }

  other(p: Peer): Peer {
    return p === this.a ? this.b : this.a;
  }

  /**
   * A piece is streaming on the link: its blocks arrive all the time, so the link is not idle
   * (Transmission stamps piece data per block, peer-msgs.cc at 4.1.3).
   */
  get moving(): boolean {
    return this.ab.upIdx >= 0 || this.ba.upIdx >= 0;
  }

  get pieceBytes(): number {
    return this.bytesAB + this.bytesBA;
  }
}
