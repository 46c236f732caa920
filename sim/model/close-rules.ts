import type { CloseReason } from '../policies/policy.js';
import type { Connection } from './connection.js';
import type { Peer } from './peer.js';

/**
 * Where a close is decided: every rule by which one end of an established (handshaked) link
 * closes it, per client kind. The connection lifecycle asks these functions and carries out
 * their verdicts; nothing else in the model invents a close reason. Failures before the
 * handshake (refused, timeout, handshake_failed) are attempt outcomes, not closes.
 */

/** A close the rules call for: which end acts, and why. */
export interface Verdict {
  readonly by: 'a' | 'b';
  readonly reason: CloseReason;
}

/** What the rules may ask about the links the peers already have. */
export interface LinkIndex {
  /** Whether p and q have an open link other than c. */
  hasOtherLink(p: Peer, q: Peer, c: Connection): boolean;
}

// Verdicts are constants, so deciding a close allocates nothing.
const verdict = (by: 'a' | 'b', reason: CloseReason): Verdict => Object.freeze({ by, reason });
const B_DROPS = verdict('b', 'dropped');
const A_DROPS = verdict('a', 'dropped');
const B_FULL = verdict('b', 'too_many_peers');
const A_FULL = verdict('a', 'too_many_peers');
const B_DUPLICATE = verdict('b', 'duplicate');

/**
 * Closes decided the moment the handshake completes, by the acceptor unless the dialler is the
 * misbehaving one: a client that drops every link, a full client (Transmission refuses a
 * completed handshake at its peer limit, either direction), a second link between the same pair.
 * The duplicate check comes last, since it scans the peers' link lists.
 */
export function closeAtHandshake(c: Connection, links: LinkIndex): Verdict | null {
  const { a, b } = c;
  if (b.behaviour === 'drop_after_handshake') return B_DROPS;
  if (a.behaviour === 'drop_after_handshake') return A_DROPS;
  if (b.behaviour === 'always_full' || b.handshaked > b.kind.peerLimit) return B_FULL;
  // Dials are not limited by pending ones (Transmission): a dialler may complete over its limit
  // and drops the handshake like an acceptor (on_handshake_done "too many peers already").
  if (a.handshaked > a.kind.peerLimit) return A_FULL;
  if (links.hasOtherLink(b, a, c)) return B_DUPLICATE;
  return null;
}

/**
 * `to` reads the LTEP handshake of `from`: a libtorrent side that is itself done closes at once
 * on a peer that says upload_only, before the bitfield (libtorrent #7700's mechanism).
 */
export function closesOnLtep(to: Peer, from: Peer): CloseReason | null {
  return from.done && to.kind.closesOnLtepUploadOnly && to.done ? 'seed_seed' : null;
}

/**
 * When c last carried piece data, in whole seconds (both clients stamp with a whole-second
 * clock, `tr_time()` and libtorrent's session time): now while a piece streams on it, since
 * upstream stamps every block, not just the piece's last.
 */
function activeAt(c: Connection, now: number): number {
  return Math.floor(c.moving ? now : Math.max(c.lastPieceAt, c.tHandshake));
}

/** Whole seconds c has been idle: a link idle since 10.7 s is 19 s idle at 29.2 s. */
function idleSecs(c: Connection, now: number): number {
  return Math.floor(now) - activeAt(c, now);
}

/**
 * When `side`'s timed rules next need a look at the open link c: its idle limit (closed once
 * idle for *more* than the limit), the seed-to-seed delay when both ends are done (closed at
 * ≥ 30 s), and the mutual no-interest rule, whose limit moves with how full the client is (so
 * it is looked at again every inactivity timeout). Infinity when no timed rule applies.
 */
export function closeDeadline(c: Connection, side: Peer, pexAllowed: boolean, now: number): number {
  const other = c.other(side);
  const idleSince = activeAt(c, now);
  let deadline = idleSince + side.kind.idleLimit(side.handshaked) + 1;
  if (side.done && other.done) deadline = Math.min(deadline, idleSince + side.kind.seedSeedDelay(pexAllowed));
  const inactivity = side.kind.inactivityTimeout;
  if (inactivity < Infinity) deadline = Math.min(deadline, Math.max(idleSince, Math.floor(now)) + inactivity);
  return deadline;
}

/**
 * The timed rule that closes c on `side` now, if any (checked on side's pulse grid): seed to
 * seed (Transmission's 30 s with PEX), idle (Transmission), and libtorrent's mutual no-interest
 * near the connection limit (`timed_out_no_interest`), reported as `uninteresting`.
 */
export function timedClose(c: Connection, side: Peer, pexAllowed: boolean, now: number): CloseReason | null {
  const other = c.other(side);
  const idle = idleSecs(c, now);
  if (side.done && other.done && idle >= side.kind.seedSeedDelay(pexAllowed)) return 'seed_seed';
  if (idle > side.kind.idleLimit(side.handshaked)) return 'idle';
  if (!c.ab.interested && !c.ba.interested && idle >= side.kind.uninterestedLimit(side.conns.length)) return 'uninteresting';
  return null;
}

/**
 * `p` just completed and c links it to `other`, also done: who closes the now seed-to-seed link
 * at once (libtorrent closes on torrent::finished), or null when the timed rules handle it
 * (Transmission, after its idle delay).
 */
export function closerOnCompletion(p: Peer, other: Peer): Peer | null {
  if (p.kind.closesOnLtepUploadOnly) return p;
  if (other.kind.closesOnLtepUploadOnly) return other;
  return null;
}

/** The receiver of bad data bans the sender at the client's strike limit (Transmission: 5). */
export function bansAfterStrikes(receiver: Peer, strikes: number): boolean {
  return strikes >= receiver.kind.banStrikes;
}

/**
 * libtorrent's error class of a close, as the closer sees it: a ban is a `peer_error`; every
 * other rule here closes with the default `normal`. The other end reads EOF, also `normal`.
 */
export function severityOf(reason: CloseReason): 'peer_error' | 'normal' {
  return reason === 'banned' ? 'peer_error' : 'normal';
}
