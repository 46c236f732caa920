import { Environment } from '../engine/environment.js';
import type { RandomStream, RandomStreams } from '../engine/random.js';
import type { CloseInfo, CloseReason, ConnectFailure, PeerFlags, ReconnectPolicy, RemoteState } from '../policies/policy.js';
import { NO_FLAGS } from '../policies/policy.js';
import type { PeerInfo } from '../policies/peer-info.js';
import { Source } from '../policies/source.js';
import type { Scenario } from '../scenario/schema.js';
import { Connection, ConnState, type Flow } from './connection.js';
import type { SwarmObserver } from './observer.js';
import { LINK_OPEN, LINK_OUT, type Peer } from './peer.js';
import { handshakeOverheadBytes } from './protocol-bytes.js';
import { pairRtt } from './rtt.js';
import { Tracker } from './tracker.js';
import { Transfers } from './transfers.js';

/** The policy of a peer that left for good: it knows nobody and dials nobody. */
const DEPARTED: ReconnectPolicy = {
  name: 'departed',
  get: () => undefined,
  size: () => 0,
  learn: () => undefined,
  eligibleAt: () => Infinity,
  select: () => 0,
  onDial() {},
  onConnectFailure() {},
  onIncoming() {},
  onHandshakeFailure() {},
  onHandshake() {},
  onRemoteState() {},
  onPieceData() {},
  onClose() {},
};

/** libtorrent inactivity_timeout (s), settings_pack default. */
const LT_INACTIVITY_TIMEOUT = 600;

/** How a dial will end, decided when it starts (the remote's state at that moment). */
const enum TcpResult {
  Established = 0,
  Refused = 1,
  Timeout = 2,
}

/**
 * The swarm: peers, connections, tracker and PEX on one event loop. It is the mechanism side
 * of the seam (libtorrent's `torrent`): it asks each peer's policy whom to dial, runs the
 * connection lifecycle dial → TCP → handshake → bitfields → transfer or close, decides close
 * reasons, and tells the policy and the observer what happened.
 */
export class Swarm {
  readonly env = new Environment(4096);
  /** Connection records by slot, in use or free (pooled). */
  readonly conns: Connection[] = [];
  private readonly freeSlots: number[] = [];
  /**
   * Per connection slot, its generation while the link is open (handshaked), −1 otherwise: PEX
   * tells a recent link that is still open from its slot and generation without reading the
   * record. Grown with `conns`.
   */
  private linkLive = new Int32Array(1024).fill(-1);
  /** Piece bytes moved on connections already recycled (for the bytes invariant). */
  closedPieceBytes = 0;
  readonly transfers: Transfers;
  private readonly tracker: Tracker;
  private readonly scratch: number[] = [];
  // Reused argument records: policies read them during the call only (policy.ts says so).
  private readonly closeArg: CloseInfo = { reason: 'idle', byUs: false, severity: 'normal', pieceBytes: 0, outgoing: false };
  private readonly stateArg: RemoteState = { via: 'ltep', seed: false, uploadOnly: false };
  private readonly flagsArg: { seed?: boolean; uploadOnly?: boolean; connectable?: boolean } = {};
  private readonly pexAllowed: boolean;
  private readonly seedHash: number;
  private readonly pieces: number;

  private readonly kArrive: number;
  private readonly kDepart: number;
  private readonly kAnnounce: number;
  private readonly kPulse: number;
  private readonly kTcp: number;
  private readonly kHandshake: number;
  private readonly kCheck: number;
  private readonly kPex: number;
  private readonly kSample: number;
  private readonly kAbort: number;
  private readonly kFlap: number;
  private readonly kDht: number;
  private readonly kMaintain: number;
  private readonly flapRngs = new Map<number, RandomStream>();
  private readonly dhtRng: RandomStream;

  constructor(
    readonly scenario: Scenario,
    readonly peers: readonly Peer[],
    readonly arrivals: Float64Array,
    private readonly streams: RandomStreams,
    readonly observer: SwarmObserver,
  ) {
    this.pieces = Math.ceil(scenario.torrent.size / scenario.torrent.piece_size);
    this.pexAllowed = scenario.torrent.public && scenario.discovery.pex.enabled;
    this.tracker = new Tracker(streams.stream('tracker'));
    this.seedHash = hashString(String(streams.seed));
    const env = this.env;
    this.transfers = new Transfers(
      env,
      scenario,
      streams.stream('pieces'),
      {
        pieceDone: (f, now) => this.onPieceDone(f, now),
        pieceFailed: (f) => this.onPieceFailed(f),
      },
      this.conns,
      peers,
    );
    this.kArrive = env.register((p) => this.arrive(this.peers[p]!));
    this.kDepart = env.register((p) => this.depart(this.peers[p]!));
    this.kAnnounce = env.register((p) => this.announce(this.peers[p]!));
    this.kPulse = env.register((p) => this.pulse(this.peers[p]!));
    // Connection events carry (slot, generation) or (slot·2 + side, generation): a stale event
    // for a recycled record is recognised and dropped.
    this.kTcp = env.register((slot, gen) => {
      const c = this.conns[slot]!;
      if (c.gen === gen) this.tcpDone(c);
    });
    this.kHandshake = env.register((slot, gen) => {
      const c = this.conns[slot]!;
      if (c.gen === gen) this.handshakeDone(c);
    });
    this.kCheck = env.register((x, gen) => {
      const c = this.conns[x >>> 1]!;
      if (c.gen === gen) this.closeCheck(c, x & 1);
    });
    this.kPex = env.register((x, gen) => {
      const c = this.conns[x >>> 1]!;
      if (c.gen === gen) this.pex(c, x & 1);
    });
    this.kSample = env.register(() => this.sample());
    this.kAbort = env.register((p) => this.abort(this.peers[p]!));
    this.kFlap = env.register((p) => this.flap(this.peers[p]!));
    this.kDht = env.register((p) => this.dht(this.peers[p]!));
    this.kMaintain = env.register((p) => this.maintain(this.peers[p]!));
    this.dhtRng = streams.stream('dht');
    for (const p of peers) env.scheduleAt(arrivals[p.id]!, this.kArrive, p.id);
    env.schedule(scenario.sample_interval, this.kSample);
  }

  /** Whether connection slot `slot` holds an open link of generation `gen` (for invariants). */
  linkOpen(slot: number, gen: number): boolean {
    return this.linkLive[slot] === gen;
  }

  get pieceCount(): number {
    return this.pieces;
  }

  /** Runs to the scenario's end. Connections still open then stay open (outcome `open`). */
  run(): void {
    this.env.run(this.scenario.duration);
  }

  // ---- arrivals, departures, discovery -------------------------------------------------------

  /** First arrival, or the return of a flapping peer (it keeps its pieces and its policy). */
  private arrive(p: Peer): void {
    if (p.gone) return;
    const now = this.env.now;
    const first = p.arrivedAt < 0;
    p.online = true;
    if (first) p.arrivedAt = now;
    p.now = now;
    this.observer.peerOnline(p, now);
    this.transfers.peerOnline(p);
    if (p.behaviour !== 'ghost') this.tracker.add(p.id);
    // Announce after every arrival due at this instant, so a flash crowd's first answers list
    // each other (events at equal times run in insertion order).
    p.announceHandle = this.env.schedule(0, this.kAnnounce, p.id);
    if (first) {
      if (p.done) this.scheduleDeparture(p);
      else if (Number.isFinite(p.abortAfter)) this.env.schedule(p.abortAfter, this.kAbort, p.id);
    }
    if (p.flaps) p.flapHandle = this.env.schedule(this.flapRng(p).exponential(this.scenario.population[this.groupName(p)]!.flapping!.online), this.kFlap, p.id);
    const dht = this.scenario.discovery.dht;
    if (dht.enabled) p.dhtHandle = this.env.schedule(this.dhtRng.between(0, 5), this.kDht, p.id);
    this.maintain(p);
    this.wake(p);
  }

  /** Departure after the peer holds the whole file and has stayed its seeding time. */
  scheduleDeparture(p: Peer): void {
    const stay = this.stayOf(p);
    if (Number.isFinite(stay)) p.departHandle = this.env.schedule(stay, this.kDepart, p.id);
  }

  /** Seeding time per peer; set by the population builder. */
  stayOf: (p: Peer) => number = () => Infinity;
  /** Group names by index; set by the population builder. */
  groupNames: readonly string[] = [];

  private groupName(p: Peer): string {
    return this.groupNames[p.group]!;
  }

  private flapRng(p: Peer): RandomStream {
    let r = this.flapRngs.get(p.id);
    if (!r) this.flapRngs.set(p.id, (r = this.streams.stream(`flap:${p.id}`)));
    return r;
  }

  /** Seeding time over: the peer leaves for good. */
  private depart(p: Peer): void {
    p.departHandle = -1;
    this.leave(p, true);
  }

  /** A leecher that gives up before completing leaves for good (excluded from convergence). */
  private abort(p: Peer): void {
    if (p.done || p.gone) return;
    p.aborted = true;
    this.leave(p, true);
  }

  /** A flapping peer goes offline, or comes back. */
  private flap(p: Peer): void {
    p.flapHandle = -1;
    if (p.gone) return;
    if (p.online) {
      this.leave(p, false);
      p.flapHandle = this.env.schedule(this.flapRng(p).exponential(this.scenario.population[this.groupName(p)]!.flapping!.offline), this.kFlap, p.id);
    } else this.arrive(p);
  }

  /** Goes offline: every connection closes; for good unless `forGood` is false (flapping). */
  private leave(p: Peer, forGood: boolean): void {
    const now = this.env.now;
    if (forGood) {
      p.gone = true;
      p.leftAt = now;
      // Nothing asks a peer that left for good about its known peers again: drop them, so a long
      // run's memory follows the live swarm, not everyone who ever came.
      p.policy = DEPARTED;
      if (p.flapHandle >= 0) this.env.cancel(p.flapHandle);
      if (p.departHandle >= 0) this.env.cancel(p.departHandle);
      p.flapHandle = p.departHandle = -1;
    }
    if (!p.online) return;
    // Close newest first; each close removes the record from p.conns.
    while (p.conns.length > 0) this.closeAny(p.conns[p.conns.length - 1]!, p, 'local_left');
    const t = this.scenario.discovery.tracker;
    this.tracker.remove(p.id, p.leavesSilently ? now + t.stale_ttl : -1);
    for (const h of [p.pulseHandle, p.announceHandle, p.dhtHandle, p.maintainHandle]) if (h >= 0) this.env.cancel(h);
    p.pulseHandle = p.announceHandle = p.dhtHandle = p.maintainHandle = -1;
    this.transfers.peerOffline(p);
    // Every link just closed, so no PEX message can list these entries any more; a peer that
    // left for good would otherwise keep them for the rest of the run.
    p.recentSlot.length = p.recentGen.length = p.recentPeer.length = p.recentOut.length = p.recentT.length = 0;
    p.recentHead = 0;
    p.online = false;
    this.observer.peerOffline(p, now);
  }

  /** A DHT lookup: a slower random source of peers (source rank DHT). */
  private dht(p: Peer): void {
    p.dhtHandle = -1;
    if (!p.online) return;
    const d = this.scenario.discovery.dht;
    const n = this.tracker.sample(p.id, d.numwant, this.env.now, this.scratch, this.dhtRng);
    for (let i = 0; i < n; i++) this.note(p, this.scratch[i]!, Source.Dht, NO_FLAGS);
    if (n > 0) this.wake(p);
    // Re-announce every interval plus up to 179 s (Transmission tr-dht.cc).
    p.dhtHandle = this.env.schedule(d.interval + this.dhtRng.between(0, 179), this.kDht, p.id);
  }

  private announce(p: Peer): void {
    if (!p.online) return;
    const now = this.env.now;
    const t = this.scenario.discovery.tracker;
    const n = this.tracker.sample(p.id, t.numwant, now, this.scratch);
    for (let i = 0; i < n; i++) this.note(p, this.scratch[i]!, Source.Tracker, NO_FLAGS);
    // A client short of peers re-announces at the tracker's min interval (simulator rule: half
    // of numwant known counts as short); otherwise at the interval.
    const short = p.policy.size() < t.numwant / 2;
    p.announceHandle = this.env.schedule(short ? t.min_interval : t.interval, this.kAnnounce, p.id);
    this.wake(p);
  }

  private learn(p: Peer, remote: number, source: Source, flags: PeerFlags): PeerInfo | undefined {
    if (remote === p.id) return undefined;
    return p.policy.learn(remote, source, flags, this.env.now);
  }

  /** learn() where the record is not needed: most learns (PEX relists known peers), no view made. */
  private note(p: Peer, remote: number, source: Source, flags: PeerFlags): void {
    if (remote === p.id) return;
    const policy = p.policy;
    if (policy.note !== undefined) policy.note(remote, source, flags, this.env.now);
    else policy.learn(remote, source, flags, this.env.now);
  }

  /** The policy's own upkeep timer (pool pruning), apart from the dial pulse. */
  private maintain(p: Peer): void {
    p.maintainHandle = -1;
    const policy = p.policy;
    if (!p.online || policy.maintain === undefined) return;
    const now = this.env.now;
    p.now = now;
    const next = policy.maintain(p);
    if (!(next > now)) throw new Error(`policy ${policy.name}: maintain() asked to run again at ${next}, not after now (${now})`);
    if (next < Infinity) p.maintainHandle = this.env.scheduleAt(next, this.kMaintain, p.id);
  }

  // ---- the dial pulse -------------------------------------------------------------------------

  /** Makes sure the peer's pulse runs at its next grid point (new candidates may exist). */
  wake(p: Peer): void {
    if (!p.online) return;
    const at = p.nextPulseAt(this.env.now);
    if (p.pulseHandle >= 0) {
      if (this.env.isPending(p.pulseHandle)) {
        // Only pull an existing pulse earlier; a pulse already due sooner stays.
        if (this.env.timeOf(p.pulseHandle) > at) this.env.reschedule(p.pulseHandle, at);
        return;
      }
    }
    p.pulseHandle = this.env.scheduleAt(at, this.kPulse, p.id);
  }

  private pulse(p: Peer): void {
    p.pulseHandle = -1;
    if (!p.online) return;
    const now = this.env.now;
    p.now = now;
    if (!dialsOut(p)) return;
    const budget = p.kind.peerLimit - p.conns.length;
    let n = 0;
    if (budget > 0) {
      n = p.policy.select(p, budget, p.dialOut);
      for (let i = 0; i < n; i++) this.dial(p, p.dialOut[i]!);
    }
    // Park the pulse when nothing can happen before the policy's next wake-up; events that can
    // create candidates (learn, close, failure) call wake().
    let next = now + p.kind.pulsePeriod;
    if (n === 0) {
      if (budget <= 0) return;
      if (p.policy.nextWake) {
        const w = p.policy.nextWake(p);
        if (!(w <= next)) {
          if (!Number.isFinite(w)) return;
          next = p.nextPulseAt(w);
        }
      }
    }
    p.pulseHandle = this.env.scheduleAt(p.nextPulseAt(next), this.kPulse, p.id);
  }

  private dial(a: Peer, remote: number): void {
    const now = this.env.now;
    const b = this.peers[remote]!;
    const info = a.policy.get(remote)!;
    a.policy.onDial(info, now);
    const rtt = pairRtt(this.seedHash, a.id, b.id, this.scenario.network.rtt);
    const c = this.allocConn();
    c.init(a, b, rtt, now);
    c.aIdx = a.conns.length;
    a.conns.push(c);
    a.connPeer.push(b.id);
    a.connMeta.push(LINK_OUT);
    this.observer.attempt(c, now);
    let result: TcpResult;
    if (b.online && b.connectable && b.behaviour !== 'ghost' && b.behaviour !== 'refuse') result = TcpResult.Established;
    else if (b.behaviour === 'refuse' || (b.behaviour !== 'ghost' && b.refusesWhenUnreachable)) result = TcpResult.Refused;
    else result = TcpResult.Timeout;
    c.tcpResult = result;
    // Established and refused both take one round trip (SYN-ACK or RST); silence takes the timeout.
    const delay = result === TcpResult.Timeout ? (a.policy.connectTimeout ? a.policy.connectTimeout(info) : a.kind.connectTimeout) : rtt;
    c.timer = this.env.schedule(delay, this.kTcp, c.slot, c.gen);
  }

  private allocConn(): Connection {
    const slot = this.freeSlots.pop();
    if (slot !== undefined) return this.conns[slot]!;
    const c = new Connection(this.conns.length);
    this.conns.push(c);
    if (c.slot >= this.linkLive.length) {
      const grown = new Int32Array(this.linkLive.length * 2).fill(-1);
      grown.set(this.linkLive);
      this.linkLive = grown;
    }
    return c;
  }

  /** Returns a finished attempt's record to the pool (after the observer has seen it). */
  private releaseConn(c: Connection): void {
    this.closedPieceBytes += c.bytesAB + c.bytesBA;
    c.state = ConnState.Closed;
    c.gen = (c.gen + 1) & 0x7fffffff;
    this.freeSlots.push(c.slot);
  }

  private tcpDone(c: Connection): void {
    c.timer = -1;
    const now = this.env.now;
    const { a, b } = c;
    const result = c.tcpResult as TcpResult;
    // The remote may have left while the SYN was in flight.
    if (result !== TcpResult.Established || !b.online) {
      const reason: ConnectFailure = result === TcpResult.Refused ? 'refused' : 'timeout';
      this.finishFailed(c, 'connect', reason);
      return;
    }
    c.tConnect = now;
    c.state = ConnState.Handshaking;
    c.bIdx = b.conns.length;
    b.conns.push(c);
    b.connPeer.push(a.id);
    b.connMeta.push(0);
    // A policy with a full peer list and nothing it may evict (libtorrent's force_erase
    // failing) refuses the connection: the dialler reads EOF before any handshake.
    const infoA = this.learn(b, a.id, Source.Incoming, NO_FLAGS);
    if (infoA === undefined) {
      this.finishFailed(c, 'handshake', 'refused');
      return;
    }
    b.policy.onIncoming(infoA, now);
    // libtorrent refuses an incoming connection at once over its limit plus slack: the dialler
    // reads EOF before any handshake.
    if (b.conns.length > b.kind.peerLimit + b.kind.incomingSlack) {
      this.finishFailed(c, 'handshake', 'refused');
      return;
    }
    const rtts = this.scenario.network.encryption ? 3 : 1;
    c.timer = this.env.schedule(rtts * c.rtt, this.kHandshake, c.slot, c.gen);
  }

  /** Ends an attempt that never completed its handshake. */
  private finishFailed(c: Connection, stage: 'connect' | 'handshake', reason: ConnectFailure): void {
    const now = this.env.now;
    const { a, b } = c;
    if (c.timer >= 0) this.env.cancel(c.timer);
    c.timer = -1;
    c.state = ConnState.Closed;
    c.tClose = now;
    unlist(a, c);
    const infoB = a.policy.get(b.id);
    if (stage === 'connect') {
      c.outcome = reason;
      if (infoB) a.policy.onConnectFailure(infoB, now, reason);
      this.observer.connectFailure(c, now, reason);
    } else {
      c.outcome = 'handshake_failed';
      unlist(b, c);
      if (infoB) a.policy.onHandshakeFailure(infoB, now, true, false);
      const infoA = b.policy.get(a.id);
      if (infoA) b.policy.onHandshakeFailure(infoA, now, false, true);
      this.observer.handshakeFailure(c, now);
      this.wake(b);
    }
    this.releaseConn(c);
    this.wake(a);
  }

  private handshakeDone(c: Connection): void {
    c.timer = -1;
    const now = this.env.now;
    const { a, b } = c;
    c.state = ConnState.Open;
    this.linkLive[c.slot] = c.gen;
    c.tHandshake = now;
    c.lastPieceAt = now;
    a.handshaked++;
    b.handshaked++;
    const infoB = a.policy.get(b.id)!;
    const infoA = b.policy.get(a.id);
    a.policy.onHandshake(infoB, now, true);
    if (infoA) b.policy.onHandshake(infoA, now, false);
    this.observer.handshake(c, now);

    // Closes decided at the handshake, by the acceptor: a misbehaving client, a full client
    // (Transmission refuses an accepted handshake at its peer limit), a duplicate link.
    if (b.behaviour === 'drop_after_handshake') return this.close(c, b, 'dropped');
    if (a.behaviour === 'drop_after_handshake') return this.close(c, a, 'dropped');
    if (b.behaviour === 'always_full' || b.handshaked > b.kind.peerLimit) return this.close(c, b, 'too_many_peers');
    if (this.hasOtherLink(b, a, c)) return this.close(c, b, 'duplicate');

    // Wire order: the LTEP handshake (upload_only) arrives before the bitfield. A libtorrent
    // side that is itself upload-only closes on it at once, before reading the bitfield.
    if (this.deliverState(c, a, b, infoB, 'ltep')) return;
    if (this.deliverState(c, b, a, infoA, 'ltep')) return;
    this.deliverState(c, a, b, infoB, 'bitfield');
    this.deliverState(c, b, a, infoA, 'bitfield');

    this.transfers.connectionOpened(c, now);
    if (this.pexAllowed) {
      this.noteRecent(a, c, now);
      this.noteRecent(b, c, now);
    }
    this.scheduleCloseCheck(c, a);
    this.scheduleCloseCheck(c, b);
    if (this.pexAllowed) {
      const pex = this.scenario.discovery.pex;
      // The first PEX message follows the LTEP handshake, then one per interval.
      c.pexTimerA = this.env.schedule(c.rtt, this.kPex, 2 * c.slot, c.gen);
      c.pexTimerB = this.env.schedule(c.rtt + pex.interval * 0.5, this.kPex, 2 * c.slot + 1, c.gen);
    }
  }

  /**
   * `to` learns what `from` advertises; `info` is to's record of from (looked up once per
   * handshake: records in use are never dropped). Returns true when `to` closed the link on it.
   */
  private deliverState(c: Connection, to: Peer, from: Peer, info: PeerInfo | undefined, via: RemoteState['via']): boolean {
    const done = from.done;
    if (info) {
      const st = this.stateArg;
      st.via = via;
      st.seed = st.uploadOnly = done;
      to.policy.onRemoteState(info, this.env.now, st);
    }
    if (via === 'ltep' && done && to.kind.closesOnLtepUploadOnly && to.done) {
      this.close(c, to, 'seed_seed');
      return true;
    }
    return false;
  }

  /** Whether p and q have an open link other than c (it is listed at both ends: scan the shorter). */
  private hasOtherLink(p: Peer, q: Peer, c: Connection): boolean {
    const pFirst = p.conns.length <= q.conns.length;
    const from = pFirst ? p : q;
    const ids = from.connPeer;
    const id = pFirst ? q.id : p.id;
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] !== id) continue;
      const o = from.conns[i]!;
      if (o !== c && o.state === ConnState.Open) return true;
    }
    return false;
  }

  // ---- close rules ----------------------------------------------------------------------------

  /**
   * Schedules `side`'s own close rules for an open link, checked on its pulse grid:
   * Transmission's seed-to-seed close (30 s idle with PEX, else at once) and its idle close
   * (60–300 s without piece data). libtorrent's seed-to-seed close happens at the LTEP handshake.
   */
  scheduleCloseCheck(c: Connection, side: Peer): void {
    if (c.state !== ConnState.Open) return;
    const deadline = this.closeDeadline(c, side);
    if (!Number.isFinite(deadline)) return;
    this.env.scheduleAt(side.nextPulseAt(Math.max(deadline, this.env.now)), this.kCheck, 2 * c.slot + (side === c.a ? 0 : 1), c.gen);
  }

  private closeDeadline(c: Connection, side: Peer): number {
    const other = c.other(side);
    const idleSince = Math.max(c.lastPieceAt, c.tHandshake);
    let deadline = idleSince + side.kind.idleLimit(side.conns.length);
    if (side.done && other.done) deadline = Math.min(deadline, idleSince + side.kind.seedSeedDelay(this.pexAllowed));
    // libtorrent's mutual no-interest rule depends on how full the client is, which changes
    // without an event on this link: look again every 600 s (its timeout) when nothing else is due.
    if (side.kind.name === 'libtorrent') deadline = Math.min(deadline, Math.max(idleSince, this.env.now) + LT_INACTIVITY_TIMEOUT);
    return deadline;
  }

  private closeCheck(c: Connection, sideIdx: number): void {
    if (c.state !== ConnState.Open) return;
    const side = sideIdx === 0 ? c.a : c.b;
    const now = this.env.now;
    const other = c.other(side);
    const idleSince = Math.max(c.lastPieceAt, c.tHandshake);
    const idle = now - idleSince;
    if (side.done && other.done && idle >= side.kind.seedSeedDelay(this.pexAllowed) - 1e-9) return this.close(c, side, 'seed_seed');
    if (idle >= side.kind.idleLimit(side.conns.length) - 1e-9) return this.close(c, side, 'idle');
    if (!c.ab.interested && !c.ba.interested && idle >= side.kind.uninterestedLimit(side.conns.length) - 1e-9) return this.close(c, side, 'idle');
    this.scheduleCloseCheck(c, side);
  }

  /** Closes any connection in any state; `by` is the side that acts. */
  private closeAny(c: Connection, by: Peer, reason: CloseReason): void {
    if (c.state === ConnState.Open) {
      this.close(c, by, reason);
      return;
    }
    if (c.state === ConnState.Closed) return;
    // Not yet handshaked: the dialler sees a failed attempt.
    if (c.state === ConnState.Connecting) {
      if (by === c.a) {
        if (c.timer >= 0) this.env.cancel(c.timer);
        c.timer = -1;
        c.state = ConnState.Closed;
        c.tClose = this.env.now;
        c.outcome = 'timeout';
        unlist(c.a, c);
        const info = c.a.policy.get(c.b.id);
        if (info) c.a.policy.onConnectFailure(info, this.env.now, 'timeout');
        this.observer.connectFailure(c, this.env.now, 'timeout');
        this.releaseConn(c);
      }
      // The remote leaving while a SYN is in flight is handled when the TCP result fires.
      return;
    }
    this.finishFailed(c, 'handshake', 'refused');
  }

  /** Closes an open (handshaked) connection; the reason is decided by the caller's rule. */
  close(c: Connection, by: Peer, reason: CloseReason): void {
    const now = this.env.now;
    const { a, b } = c;
    c.state = ConnState.Closed;
    this.linkLive[c.slot] = -1;
    // Closed for the fan-outs too while the close below runs (the entries go with unlist).
    a.connMeta[c.aIdx] = b.connMeta[c.bIdx] = 0;
    c.tClose = now;
    c.closeReason = reason;
    c.closedBy = by === a ? 'a' : 'b';
    if (c.timer >= 0) this.env.cancel(c.timer);
    if (c.pexTimerA >= 0) this.env.cancel(c.pexTimerA);
    if (c.pexTimerB >= 0) this.env.cancel(c.pexTimerB);
    c.timer = c.pexTimerA = c.pexTimerB = -1;
    this.transfers.connectionClosed(c, now);
    unlist(a, c);
    unlist(b, c);
    a.handshaked--;
    b.handshaked--;
    const pieceBytes = c.pieceBytes;
    c.outcome = pieceBytes > 0 ? 'useful' : 'wasted';
    const severity = reason === 'banned' || reason === 'protocol_error' ? 'peer_error' : 'normal';
    const arg = this.closeArg;
    arg.reason = reason;
    arg.severity = severity;
    arg.pieceBytes = pieceBytes;
    const infoB = a.policy.get(b.id);
    if (infoB) {
      arg.byUs = by === a;
      arg.outgoing = true;
      a.policy.onClose(infoB, now, arg);
    }
    const infoA = b.policy.get(a.id);
    if (infoA) {
      arg.byUs = by === b;
      arg.outgoing = false;
      b.policy.onClose(infoA, now, arg);
    }
    const overhead = pieceBytes > 0 ? 0 : handshakeOverheadBytes(this.scenario.network.encryption, this.pieces, a.done, b.done);
    this.observer.close(c, now, reason, overhead);
    this.releaseConn(c);
    this.wake(a);
    this.wake(b);
    if (a.behaviour === 'hammer' && by !== a) this.hammer(a, b);
  }

  /** A hammering client dials straight back after every close it did not make. */
  private hammer(p: Peer, remote: Peer): void {
    const info = p.policy.get(remote.id);
    if (!p.online || !info || info.inUse || p.conns.length >= p.kind.peerLimit) return;
    this.dial(p, remote.id);
  }

  // ---- data -----------------------------------------------------------------------------------

  private onPieceDone(f: Flow, now: number): void {
    const up = f.up;
    const down = f.down;
    const iu = up.policy.get(down.id);
    if (iu) up.policy.onPieceData(iu, now);
    const id = down.policy.get(up.id);
    if (id) down.policy.onPieceData(id, now);
    if (down.done) this.completed(down, now);
  }

  /**
   * A hash failure: one strike on this link for the receiver, who bans the sender at the
   * client's limit (Transmission: 5 bad pieces, MaxBadPiecesPerPeer).
   */
  private onPieceFailed(f: Flow): void {
    const c = f.conn;
    const down = f.down;
    const strikes = down === c.a ? ++c.strikesA : ++c.strikesB;
    if (strikes >= down.kind.banStrikes && c.state === ConnState.Open) this.close(c, down, 'banned');
  }

  private completed(p: Peer, now: number): void {
    p.completedAt = now;
    this.observer.peerCompleted(p, now);
    this.scheduleDeparture(p);
    // Links to other done peers are now seed-to-seed: libtorrent closes them at once
    // (torrent::finished), Transmission after its idle delay.
    for (let i = p.conns.length - 1; i >= 0; i--) {
      const c = p.conns[i]!;
      if (c.state !== ConnState.Open) continue;
      const other = c.other(p);
      if (!other.done) continue;
      if (p.kind.closesOnLtepUploadOnly) this.close(c, p, 'seed_seed');
      else if (other.kind.closesOnLtepUploadOnly) this.close(c, other, 'seed_seed');
      else {
        this.scheduleCloseCheck(c, p);
        this.scheduleCloseCheck(c, other);
      }
    }
  }

  // ---- PEX ------------------------------------------------------------------------------------

  private noteRecent(p: Peer, c: Connection, now: number): void {
    // Drop what no PEX message can ask for any more (older than one interval), in batches.
    const horizon = now - this.scenario.discovery.pex.interval - 1;
    while (p.recentHead < p.recentT.length && p.recentT[p.recentHead]! < horizon) p.recentHead++;
    if (p.recentHead > 256 && p.recentHead * 2 > p.recentT.length) {
      p.recentSlot.splice(0, p.recentHead);
      p.recentGen.splice(0, p.recentHead);
      p.recentPeer.splice(0, p.recentHead);
      p.recentOut.splice(0, p.recentHead);
      p.recentT.splice(0, p.recentHead);
      p.recentHead = 0;
    }
    p.recentSlot.push(c.slot);
    p.recentGen.push(c.gen);
    p.recentPeer.push(c.other(p).id);
    p.recentOut.push(c.a === p);
    p.recentT.push(now);
  }

  /**
   * `sender` tells the other end of c about peers it connected to since its previous message on
   * this link (all current ones in the first message), at most max_added: PEX's "added" list.
   */
  private pex(c: Connection, sideIdx: number): void {
    if (c.state !== ConnState.Open) return;
    const sender = sideIdx === 0 ? c.a : c.b;
    const receiver = c.other(sender);
    const pex = this.scenario.discovery.pex;
    const since = sideIdx === 0 ? c.pexSentA : c.pexSentB;
    let sent = 0;
    // Flat data only (connMeta, recent lists, linkLive, the piece store's done flags): the
    // connection records and far-end peers are not read. An entry is listed if it is an open
    // link other than c whose far end is not the receiver.
    const done = this.transfers.store.done;
    const max = pex.max_added;
    const rid = receiver.id;
    if (since < 0) {
      const own = sideIdx === 0 ? c.aIdx : c.bIdx;
      const ids = sender.connPeer;
      const metas = sender.connMeta;
      for (let i = 0; i < ids.length && sent < max; i++) {
        const meta = metas[i]!;
        if ((meta & LINK_OPEN) === 0 || i === own || ids[i] === rid) continue;
        this.pexLearn(receiver, ids[i]!, done, (meta & LINK_OUT) !== 0);
        sent++;
      }
    } else {
      // Newest first back to the previous message; entries whose record was recycled are skipped.
      const live = this.linkLive;
      for (let i = sender.recentT.length - 1; i >= sender.recentHead && sent < max; i--) {
        if (sender.recentT[i]! <= since) break;
        const slot = sender.recentSlot[i]!;
        if (live[slot] !== sender.recentGen[i] || slot === c.slot) continue;
        const q = sender.recentPeer[i]!;
        if (q === rid) continue;
        this.pexLearn(receiver, q, done, sender.recentOut[i]!);
        sent++;
      }
    }
    if (sent > 0) this.wake(receiver);
    const handle = this.env.schedule(pex.interval, this.kPex, 2 * c.slot + sideIdx, c.gen);
    if (sideIdx === 0) {
      c.pexTimerA = handle;
      c.pexSentA = this.env.now;
    } else {
      c.pexTimerB = handle;
      c.pexSentB = this.env.now;
    }
  }

  /**
   * The receiver learns q from a PEX message, with the flags a client sets: seed when the sender
   * saw a full bitfield; connectable when the sender reached q by dialling.
   */
  private pexLearn(receiver: Peer, q: number, done: Uint8Array, dialled: boolean): void {
    const flags = this.flagsArg;
    flags.seed = flags.uploadOnly = done[q] !== 0;
    flags.connectable = dialled ? true : undefined;
    this.note(receiver, q, Source.Pex, flags);
  }

  // ---- sampling -------------------------------------------------------------------------------

  private sample(): void {
    this.observer.sample(this.env.now);
    if (this.env.now + this.scenario.sample_interval <= this.scenario.duration + 1e-9) this.env.schedule(this.scenario.sample_interval, this.kSample);
  }


}

/** Broken remotes (ghosts, droppers, refusers…) only answer; normal clients and hammers dial. */
function dialsOut(p: Peer): boolean {
  return p.behaviour === 'normal' || p.behaviour === 'hammer' || p.behaviour === 'bad_data';
}

/** Swap-removes c from peer p's list in O(1), keeping the moved record's index right. */
function unlist(p: Peer, c: Connection): void {
  const list = p.conns;
  const atA = c.a === p;
  const i = atA ? c.aIdx : c.bIdx;
  if (i < 0) return;
  const last = list.pop()!;
  const lastPeer = p.connPeer.pop()!;
  const lastMeta = p.connMeta.pop()!;
  if (last !== c) {
    list[i] = last;
    p.connPeer[i] = lastPeer;
    p.connMeta[i] = lastMeta;
    if (last.a === p) last.aIdx = i;
    else last.bIdx = i;
  }
  if (atA) c.aIdx = -1;
  else c.bIdx = -1;
}

/** FNV-1a over a string: a stable 32-bit hash of the run seed for per-pair draws. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
