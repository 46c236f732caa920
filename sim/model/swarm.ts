import { Environment } from '../engine/environment.js';
import type { RandomStreams } from '../engine/random.js';
import type { Scenario } from '../scenario/schema.js';
import type { Connection } from './connection.js';
import { Dialer } from './dialer.js';
import { Discovery } from './discovery.js';
import { Links } from './links.js';
import type { SwarmObserver } from './observer.js';
import type { Peer } from './peer.js';
import { PeerLifecycle } from './peer-lifecycle.js';
import { Pex } from './pex.js';
import { PieceEvents } from './piece-events.js';
import { Tracker } from './tracker.js';
import { Transfers } from './transfers.js';

/**
 * The swarm: peers, connections, tracker and PEX on one event loop. It is the mechanism side
 * of the seam (libtorrent's `torrent`): it asks each peer's policy whom to dial, runs the
 * connection lifecycle dial → TCP → handshake → bitfields → transfer or close, and tells the
 * policy and the observer what happened.
 *
 * This class holds the shared state and wires the parts, one concept per file:
 * - `peer-lifecycle.ts`: arrivals, departures, aborts, flapping;
 * - `discovery.ts`: tracker announces, DHT lookups, learning peers;
 * - `dialer.ts`: the dial pulse and the dial itself;
 * - `links.ts`: a connection from TCP to close;
 * - `close-rules.ts`: where every close is decided;
 * - `pex.ts`: peer exchange;
 * - `piece-events.ts`: what a finished or failed piece changes.
 */
export class Swarm {
  readonly env = new Environment(4096);
  /** Connection records by slot, in use or free (pooled). */
  readonly conns: Connection[] = [];
  readonly transfers: Transfers;
  readonly tracker: Tracker;
  readonly pexAllowed: boolean;
  readonly pieces: number;

  readonly lifecycle: PeerLifecycle;
  readonly discovery: Discovery;
  readonly dialer: Dialer;
  readonly links: Links;
  readonly pex: Pex;
  private readonly pieceEvents: PieceEvents;
  private readonly kSample: number;

  /** Seeding time per peer; set by the population builder. */
  stayOf: (p: Peer) => number = () => Infinity;
  /** Group names by index; set by the population builder. */
  groupNames: readonly string[] = [];

  constructor(
    readonly scenario: Scenario,
    readonly peers: readonly Peer[],
    readonly arrivals: Float64Array,
    readonly streams: RandomStreams,
    readonly observer: SwarmObserver,
  ) {
    this.pieces = Math.ceil(scenario.torrent.size / scenario.torrent.piece_size);
    this.pexAllowed = scenario.torrent.public && scenario.discovery.pex.enabled;
    this.tracker = new Tracker(streams.stream('tracker'));
    this.pieceEvents = new PieceEvents(this);
    this.transfers = new Transfers(
      this.env,
      scenario,
      streams.stream('pieces'),
      {
        pieceDone: (f, now) => this.pieceEvents.pieceDone(f, now),
        pieceFailed: (f) => this.pieceEvents.pieceFailed(f),
        blocksMoved: (f, now) => this.pieceEvents.blocksMoved(f, now),
      },
      this.conns,
      peers,
    );
    // Each part registers its own event kinds. Kinds only name handlers: events at equal times
    // still run in insertion order, whichever part scheduled them.
    this.lifecycle = new PeerLifecycle(this);
    this.discovery = new Discovery(this);
    this.dialer = new Dialer(this);
    this.links = new Links(this);
    this.pex = new Pex(this);
    this.kSample = this.env.register(() => this.sample());
    for (const p of peers) this.lifecycle.scheduleArrival(p, arrivals[p.id]!);
    this.env.schedule(scenario.sample_interval, this.kSample);
  }

  /** Whether connection slot `slot` holds an open link of generation `gen` (for invariants). */
  linkOpen(slot: number, gen: number): boolean {
    return this.links.isLive(slot, gen);
  }

  /** Piece bytes moved on connections already recycled (for the bytes invariant). */
  get closedPieceBytes(): number {
    return this.links.closedPieceBytes;
  }

  /** Runs to the scenario's end. Connections still open then stay open (outcome `open`). */
  run(): void {
    this.env.run(this.scenario.duration);
  }

  private sample(): void {
    this.observer.sample(this.env.now);
    if (this.env.now + this.scenario.sample_interval <= this.scenario.duration + 1e-9) this.env.schedule(this.scenario.sample_interval, this.kSample);
  }
}
