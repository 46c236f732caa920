import type { CloseInfo, CloseReason, ConnectFailure, RemoteState } from '../policies/policy.js';
import type { PeerInfo } from '../policies/peer-info.js';
import { Source } from '../policies/source.js';
import { NO_FLAGS } from '../policies/policy.js';
import { closeAtHandshake, closeDeadline, closesOnLtep, severityOf, timedClose, type LinkIndex } from './close-rules.js';
import { Connection, ConnState, TcpResult } from './connection.js';
import type { Peer } from './peer.js';
import { handshakeOverheadBytes } from './protocol-bytes.js';
import type { Swarm } from './swarm.js';

/**
 * A connection from the end of its TCP dial to its close: the acceptor's admission, the
 * handshake, the LTEP handshake and bitfield each side reads, the timed close checks, and the
 * close itself, told to both policies and the observer. Which close happens is decided in
 * `close-rules.ts`; this file carries verdicts out.
 *
 * Records are pooled: `slot` is stable, `gen` changes on every reuse, and events carry
 * (slot, generation) or (slot·2 + side, generation), so a stale event for a recycled record is
 * recognised and dropped.
 */
export class Links implements LinkIndex {
  private readonly kTcp: number;
  private readonly kHandshake: number;
  private readonly kCheck: number;
  private readonly freeSlots: number[] = [];
  /**
   * Per connection slot, its generation while the link is open (handshaked), −1 otherwise: PEX
   * tells a recent link that is still open from its slot and generation without reading the
   * record. Grown with the records.
   */
  private linkLive = new Int32Array(1024).fill(-1);
  /** Piece bytes moved on connections already recycled (for the bytes invariant). */
  closedPieceBytes = 0;
  // Reused argument records: policies read them during the call only (policy.ts says so).
  private readonly closeArg: CloseInfo = { reason: 'idle', byUs: false, severity: 'normal', pieceBytes: 0, outgoing: false };
  private readonly stateArg: RemoteState = { via: 'ltep', seed: false, uploadOnly: false };

  constructor(private readonly s: Swarm) {
    const env = s.env;
    const conns = s.conns;
    this.kTcp = env.register((slot, gen) => {
      const c = conns[slot]!;
      if (c.gen === gen) this.tcpDone(c);
    });
    this.kHandshake = env.register((slot, gen) => {
      const c = conns[slot]!;
      if (c.gen === gen) this.handshakeDone(c);
    });
    this.kCheck = env.register((x, gen) => {
      const c = conns[x >>> 1]!;
      if (c.gen === gen) this.closeCheck(c, x & 1);
    });
  }

  /** The liveness table PEX reads (replaced when it grows: read it afresh each time). */
  get live(): Int32Array {
    return this.linkLive;
  }

  isLive(slot: number, gen: number): boolean {
    return this.linkLive[slot] === gen;
  }

  alloc(): Connection {
    const conns = this.s.conns;
    const slot = this.freeSlots.pop();
    if (slot !== undefined) return conns[slot]!;
    const c = new Connection(conns.length);
    conns.push(c);
    if (c.slot >= this.linkLive.length) {
      const grown = new Int32Array(this.linkLive.length * 2).fill(-1);
      grown.set(this.linkLive);
      this.linkLive = grown;
    }
    return c;
  }

  /** Returns a finished attempt's record to the pool (after the observer has seen it). */
  private release(c: Connection): void {
    this.closedPieceBytes += c.bytesAB + c.bytesBA;
    c.state = ConnState.Closed;
    c.gen = (c.gen + 1) & 0x7fffffff;
    this.freeSlots.push(c.slot);
  }

  /** The dial's TCP result arrives after `delay`. */
  awaitTcp(c: Connection, delay: number): void {
    c.timer = this.s.env.schedule(delay, this.kTcp, c.slot, c.gen);
  }

  private tcpDone(c: Connection): void {
    c.timer = -1;
    const s = this.s;
    const now = s.env.now;
    const { a, b } = c;
    const result = c.tcpResult;
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
    const infoA = s.discovery.learn(b, a.id, Source.Incoming, NO_FLAGS);
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
    const rtts = s.scenario.network.encryption ? 3 : 1;
    if (s.scenario.network.encryption && refusesAsSeed(b, infoA)) {
      // The acceptor drops the handshake on reading whom it is for; the dialler, having read
      // the acceptor's key, gives up at its handshake timeout.
      c.refusedAsSeed = true;
      c.timer = s.env.schedule(a.kind.handshakeTimeout, this.kHandshake, c.slot, c.gen);
      if (a.kind.plaintextRetry && s.scenario.network.encryption) this.plaintextRetry(c, now);
      return;
    }
    c.timer = s.env.schedule(rtts * c.rtt, this.kHandshake, c.slot, c.gen);
  }

  /**
   * Transmission 3.00's plaintext retry (handshake.c, "handshake failed, trying plaintext..."):
   * the encrypted handshake that the acceptor dropped is retried at once on a second TCP
   * connection inside the same peer-manager attempt, and dropped again. Neither policy hears of
   * it (the dialler's attempt fails once, at its timeout); the observer sees a connection of its
   * own, as ingest counts it.
   */
  private plaintextRetry(c: Connection, now: number): void {
    const r = this.alloc();
    r.init(c.a, c.b, c.rtt, now);
    r.tConnect = r.tClose = now;
    r.state = ConnState.Closed;
    r.outcome = 'handshake_failed';
    this.s.observer.attempt(r, now);
    this.s.observer.handshakeFailure(r, now);
    this.release(r);
  }

  /** Ends an attempt that never completed its handshake (`readAnything`: the dialler read something first). */
  private finishFailed(c: Connection, stage: 'connect' | 'handshake', reason: ConnectFailure, readAnything = false): void {
    const s = this.s;
    const now = s.env.now;
    const { a, b } = c;
    if (c.timer >= 0) s.env.cancel(c.timer);
    c.timer = -1;
    c.state = ConnState.Closed;
    c.tClose = now;
    unlist(a, c);
    const infoB = a.policy.get(b.id);
    if (stage === 'connect') {
      c.outcome = reason;
      const utpFallback = c.utp && infoB !== undefined && a.policy.onUtpFailure !== undefined && a.online;
      if (utpFallback) a.policy.onUtpFailure!(infoB, now);
      else if (infoB) a.policy.onConnectFailure(infoB, now, reason);
      s.observer.connectFailure(c, now, reason);
      if (utpFallback) {
        // libtorrent reconnects at once over TCP (peer_connection.cpp, on a failed uTP connect).
        this.release(c);
        s.dialer.dial(a, b.id);
        return;
      }
    } else {
      c.outcome = 'handshake_failed';
      unlist(b, c);
      if (infoB) a.policy.onHandshakeFailure(infoB, now, true, readAnything);
      const infoA = b.policy.get(a.id);
      if (infoA) b.policy.onHandshakeFailure(infoA, now, false, true);
      s.observer.handshakeFailure(c, now);
      s.dialer.wake(b);
    }
    this.release(c);
    s.dialer.wake(a);
  }

  private handshakeDone(c: Connection): void {
    if (c.refusedAsSeed) {
      c.timer = -1;
      this.finishFailed(c, 'handshake', 'refused', true);
      return;
    }
    c.timer = -1;
    const s = this.s;
    const now = s.env.now;
    const { a, b } = c;
    c.state = ConnState.Open;
    this.linkLive[c.slot] = c.gen;
    c.tHandshake = now;
    c.lastPieceAt = now;
    a.handshaked++;
    b.handshaked++;
    const infoB = a.policy.get(b.id)!;
    const infoA = b.policy.get(a.id);
    const verdict = closeAtHandshake(c, this);
    // A Transmission end at its limit drops the handshake before its pool sees it
    // (on_handshake_done): its record is untouched.
    const dropper = verdict !== null && verdict.reason === 'too_many_peers' ? (verdict.by === 'a' ? a : b) : null;
    c.aRecorded = !(dropper === a && !a.kind.recordsRefusedHandshake && a.policy.onAbandoned !== undefined);
    c.bRecorded = !(dropper === b && !b.kind.recordsRefusedHandshake && b.policy.onAbandoned !== undefined);
    if (c.aRecorded) a.policy.onHandshake(infoB, now, true);
    else a.policy.onAbandoned!(infoB, now);
    if (infoA) {
      if (c.bRecorded) b.policy.onHandshake(infoA, now, false);
      else b.policy.onAbandoned!(infoA, now);
    }
    s.observer.handshake(c, now);
    if (verdict !== null) return this.close(c, verdict.by === 'a' ? a : b, verdict.reason);

    // Each end sends its LTEP handshake and then its bitfield as soon as its own handshake is
    // done, so both arrive before any FIN. An end that closes on the LTEP upload_only reads no
    // further (libtorrent #7700); the other end still reads the closer's LTEP and bitfield.
    const aCloses = closesOnLtep(a, b);
    const bCloses = closesOnLtep(b, a);
    this.deliverState(a, b, infoB, 'ltep');
    this.deliverState(b, a, infoA, 'ltep');
    if (aCloses === null) this.deliverState(a, b, infoB, 'bitfield');
    if (bCloses === null) this.deliverState(b, a, infoA, 'bitfield');
    if (aCloses !== null) return this.close(c, a, aCloses, bCloses !== null);
    if (bCloses !== null) return this.close(c, b, bCloses);

    s.transfers.connectionOpened(c, now);
    if (s.pexAllowed) {
      s.pex.noteRecent(a, c, now);
      s.pex.noteRecent(b, c, now);
    }
    this.scheduleCloseCheck(c, a);
    this.scheduleCloseCheck(c, b);
    if (s.pexAllowed) s.pex.start(c);
  }

  /** `to` learns what `from` advertises; `info` is to's record of from (looked up once per handshake: records in use are never dropped). */
  private deliverState(to: Peer, from: Peer, info: PeerInfo | undefined, via: RemoteState['via']): void {
    if (!info) return;
    const st = this.stateArg;
    st.via = via;
    st.seed = st.uploadOnly = from.done;
    to.policy.onRemoteState(info, this.s.env.now, st);
  }

  /** `p` completed: the ends of its open links read the `have` that made it a seed. */
  tellCompleted(p: Peer): void {
    const now = this.s.env.now;
    const st = this.stateArg;
    for (let i = 0; i < p.conns.length; i++) {
      const c = p.conns[i]!;
      if (c.state !== ConnState.Open) continue;
      const other = c.other(p);
      const info = other.policy.get(p.id);
      if (!info) continue;
      st.via = 'have';
      st.seed = st.uploadOnly = true;
      other.policy.onRemoteState(info, now, st);
    }
  }

  /** Whether p and q have an open link other than c (it is listed at both ends: scan the shorter). */
  hasOtherLink(p: Peer, q: Peer, c: Connection): boolean {
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

  /** Schedules `side`'s timed close rules for an open link, checked on its pulse grid. */
  scheduleCloseCheck(c: Connection, side: Peer): void {
    if (c.state !== ConnState.Open) return;
    const env = this.s.env;
    const deadline = closeDeadline(c, side, this.s.pexAllowed, env.now);
    if (!Number.isFinite(deadline)) return;
    env.scheduleAt(side.nextPulseAt(Math.max(deadline, env.now)), this.kCheck, 2 * c.slot + (side === c.a ? 0 : 1), c.gen);
  }

  private closeCheck(c: Connection, sideIdx: number): void {
    if (c.state !== ConnState.Open) return;
    const side = sideIdx === 0 ? c.a : c.b;
    const reason = timedClose(c, side, this.s.pexAllowed, this.s.env.now);
    if (reason !== null) return this.close(c, side, reason);
    this.scheduleCloseCheck(c, side);
  }

  /** Closes any connection in any state; `by` is the side that acts. */
  closeAny(c: Connection, by: Peer, reason: CloseReason): void {
    if (c.state === ConnState.Open) {
      this.close(c, by, reason);
      return;
    }
    if (c.state === ConnState.Closed) return;
    // Not yet handshaked: the dialler sees a failed attempt.
    if (c.state === ConnState.Connecting) {
      if (by === c.a) {
        const s = this.s;
        const now = s.env.now;
        if (c.timer >= 0) s.env.cancel(c.timer);
        c.timer = -1;
        c.state = ConnState.Closed;
        c.tClose = now;
        c.outcome = 'timeout';
        unlist(c.a, c);
        const info = c.a.policy.get(c.b.id);
        if (info) c.a.policy.onConnectFailure(info, now, 'timeout');
        s.observer.connectFailure(c, now, 'timeout');
        this.release(c);
      }
      // The remote leaving while a SYN is in flight is handled when the TCP result fires.
      return;
    }
    this.finishFailed(c, 'handshake', 'refused');
  }

  /**
   * Closes an open (handshaked) connection; the reason is decided by the caller's rule. Each end
   * is told the close as it sees it: the closer its reason, the other end `peer_left` (it reads
   * EOF), unless `mutual`: both ends decided the same close on what they read (two finished
   * libtorrent ends reading each other's LTEP upload_only).
   */
  close(c: Connection, by: Peer, reason: CloseReason, mutual = false): void {
    const s = this.s;
    const env = s.env;
    const now = env.now;
    const { a, b } = c;
    c.state = ConnState.Closed;
    this.linkLive[c.slot] = -1;
    // Closed for the fan-outs too while the close below runs (the entries go with unlist).
    a.connMeta[c.aIdx] = b.connMeta[c.bIdx] = 0;
    c.tClose = now;
    c.closeReason = reason;
    c.closedBy = by === a ? 'a' : 'b';
    if (c.timer >= 0) env.cancel(c.timer);
    if (c.pexTimerA >= 0) env.cancel(c.pexTimerA);
    if (c.pexTimerB >= 0) env.cancel(c.pexTimerB);
    c.timer = c.pexTimerA = c.pexTimerB = -1;
    s.transfers.connectionClosed(c, now);
    unlist(a, c);
    unlist(b, c);
    a.handshaked--;
    b.handshaked--;
    const pieceBytes = c.pieceBytes;
    c.outcome = pieceBytes > 0 ? 'useful' : 'wasted';
    const infoB = c.aRecorded ? a.policy.get(b.id) : undefined;
    if (infoB) a.policy.onClose(infoB, now, this.seen(by === a || mutual, reason, pieceBytes, true));
    const infoA = c.bRecorded ? b.policy.get(a.id) : undefined;
    if (infoA) b.policy.onClose(infoA, now, this.seen(by === b || mutual, reason, pieceBytes, false));
    const overhead = pieceBytes > 0 ? 0 : handshakeOverheadBytes(s.scenario.network.encryption, s.pieces, a.done, b.done);
    s.observer.close(c, now, reason, overhead);
    this.release(c);
    s.dialer.wake(a);
    s.dialer.wake(b);
    if (a.behaviour === 'hammer' && by !== a) s.dialer.hammer(a, b);
  }

  /** The close as one end sees it (a reused record: policies read it during the call only). */
  private seen(decided: boolean, reason: CloseReason, pieceBytes: number, outgoing: boolean): CloseInfo {
    const arg = this.closeArg;
    arg.byUs = decided;
    arg.reason = decided ? reason : 'peer_left';
    arg.severity = decided ? severityOf(reason) : 'normal';
    arg.pieceBytes = pieceBytes;
    arg.outgoing = outgoing;
    return arg;
  }
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

/**
 * Transmission 3.00 and 4.0.6 (`readCryptoProvide`: 3.00 handshake.c `:836-845`, 4.0.6
 * handshake.cc `:523-531`): a done acceptor that reads an encrypted handshake from an address its
 * pool holds as a seed drops it (a plaintext handshake skips the check), whatever the dialler really holds. Whether the acceptor does is
 * its policy's (`refusesKnownSeeds`): 4.0.6, main-2023 and 4.1.3 share one client kind, and main
 * lost the rule with #5756.
 */
function refusesAsSeed(acceptor: Peer, info: PeerInfo): boolean {
  return acceptor.policy.refusesKnownSeeds === true && acceptor.done && info.seed;
}
