import type { CloseReason } from '../policies/policy.js';
import type { Peer } from './peer.js';

export const ConnState = {
  Connecting: 0,
  Handshaking: 1,
  Open: 2,
  Closed: 3,
} as const;
export type ConnState = (typeof ConnState)[keyof typeof ConnState];

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
  /** Waiting in up's queue for an upload slot. */
  queued = false;
  /** The downloader wants something the uploader has. */
  interested = false;

  constructor(
    readonly id: number,
    readonly conn: Connection,
    readonly up: Peer,
    readonly down: Peer,
  ) {}
}

/** One TCP connection attempt between a dialler `a` and an acceptor `b`. */
export class Connection {
  state: ConnState = ConnState.Connecting;
  tConnect = -1;
  tHandshake = -1;
  tClose = -1;
  /** Latest piece data on this connection (s), connect time until then: idle rules read it. */
  lastPieceAt = -1;
  /** Pending timer (TCP result, handshake, close check), −1 when none. */
  timer = -1;
  /** Pending PEX timers, one per side. */
  pexTimerA = -1;
  pexTimerB = -1;
  bytesAB = 0;
  bytesBA = 0;
  outcome: Outcome = 'open';
  closeReason: CloseReason | '' = '';
  /** 'a', 'b' or '' (failures and still open). */
  closedBy: 'a' | 'b' | '' = '';
  /** A uploads to B. */
  readonly ab: Flow;
  /** B uploads to A. */
  readonly ba: Flow;
  /** Either end is a subject peer. */
  readonly subject: boolean;

  constructor(
    readonly id: number,
    readonly a: Peer,
    readonly b: Peer,
    readonly rtt: number,
    readonly tDial: number,
  ) {
    this.ab = new Flow(2 * id, this, a, b);
    this.ba = new Flow(2 * id + 1, this, b, a);
    this.subject = a.isSubject || b.isSubject;
  }

  other(p: Peer): Peer {
    return p === this.a ? this.b : this.a;
  }

  get pieceBytes(): number {
    return this.bytesAB + this.bytesBA;
  }
}
