import type { RandomStream } from '../engine/random.js';
import type { PeerInfo } from './peer-info.js';
import type { ClientKindName } from '../scenario/schema.js';
import type { Source } from './source.js';

/**
 * The reconnect-policy seam. A policy is libtorrent's `peer_list` to the host's `torrent`: it
 * owns the known-peer records and answers which peer to dial next and when a peer may be dialled
 * again. The host (sim/model) owns the mechanism: sockets, handshakes, limits, pulses, and tells
 * the policy what happened through the `on…` calls below. A new policy is one file implementing
 * this interface and one line in sim/policies/registry.ts.
 *
 * All times are simulated seconds (fractions allowed). Calls come in causal order for a given
 * peer: learn → onDial → (onConnectFailure | onHandshakeFailure | onHandshake → onRemoteState* →
 * onPieceData* → onClose). An incoming connection starts with onIncoming instead of onDial.
 */
export interface ReconnectPolicy<I extends PeerInfo = PeerInfo> {
  /** The registered name, with parameters if any (e.g. `exp-backoff:base=5`). */
  readonly name: string;

  /**
   * Optional: when Transmission's global socket cap limits dials. 'always' (4.0.6, main before
   * #6712's era ended: `initiate_connection` returns at the cap); otherwise only while the
   * client is done (4.1: downloading torrents may "steal" slots). libtorrent ignores it.
   */
  readonly socketCap?: 'always' | 'when-done';

  /**
   * Optional: once done, the client drops an incoming *encrypted* handshake from a peer this
   * policy's record holds as a seed (`info.seed`), before the handshake completes ("another seed
   * tried to reconnect to us!"): Transmission 3.00 (`handshake.c:836-845`) and 4.0.6
   * (`handshake.cc:523-531`). Main lost it with #5756 (8169d524e), so main-2023 and 4.1.3 do not.
   * It lives with the policy because those versions share one client kind.
   */
  readonly refusesKnownSeeds?: boolean;

  /** The record of a known peer, or undefined if unknown (or forgotten). */
  get(remote: number): I | undefined;

  /** Number of known-peer records held. */
  size(): number;

  /**
   * A source (tracker, PEX, DHT, an incoming connection) tells of a peer. Returns its record, new
   * or existing, or undefined when the policy declines to keep it (e.g. a full pool). Declining
   * an incoming connection's peer refuses that connection before the handshake.
   */
  learn(remote: number, source: Source, flags: PeerFlags, now: number): I | undefined;

  /**
   * Optional: learn() for a caller that drops the record (the swarm's tracker, DHT and PEX
   * learns), so a policy whose records are views need not make one. Same effect as learn().
   */
  note?(remote: number, source: Source, flags: PeerFlags, now: number): void;

  /**
   * Optional: a tracker answered an announce, before the peers it listed are learnt (through
   * note/learn with Source.Tracker). `seeds` and `leechers` are the swarm's complete and
   * incomplete counts as the tracker reports them (the asker included), `listed` how many peers
   * the answer holds. Transmission 3.00 turns them into a seed probability for the listed peers
   * (announcer.c `getSeedProbability`); no other built-in policy reads them.
   */
  onTrackerResponse?(seeds: number, leechers: number, listed: number, now: number): void;

  /**
   * Earliest time the peer may be dialled, ignoring whether it is in use right now; Infinity when
   * never (banned, given up, or excluded while the host is done). `swarmsim explain` reads the
   * retry schedule from this, so it must be the rule the policy really applies in select().
   */
  eligibleAt(info: I, host: HostView): number;

  /**
   * Called on every dial opportunity (the client kind's pulse: 0.5 s for Transmission, 1 s for
   * libtorrent). `budget` is how many more connections the host may open now (its limits minus
   * what is open); the policy applies its own rate (Transmission 9 per pulse, libtorrent 30/s
   * smoothed) within it. Writes remote ids to dial into `out` and returns how many. Must not
   * return a peer that is in use, banned or unknown.
   */
  select(host: HostView, budget: number, out: Int32Array): number;

  /**
   * Optional: the earliest time a select() might return a peer, given no new events. The host
   * sleeps until then (rounded up to its pulse grid) instead of pulsing; a learn or close wakes it.
   * Return `host.now` or less to be asked on the next pulse.
   */
  nextWake?(host: HostView): number;

  /**
   * Optional: upkeep on the policy's own timer, apart from dialling (Transmission 4.1's
   * `peer_info_pulse` prunes the pool every 60 s, also while the client sits at its peer limit and
   * dials nobody). The host calls it when a peer comes online and then at each time it returns,
   * while the peer is online; it does what is due by `host.now` and returns when it next wants to
   * run (Infinity: not again).
   */
  maintain?(host: HostView): number;

  /**
   * Optional: seconds before an outgoing TCP attempt to this peer is given up (libtorrent:
   * 15 + 3 × failcount). Without it the client kind's connect timeout applies.
   */
  connectTimeout?(info: I): number;

  /**
   * Optional: the ut_pex flags this client sends for `remote`, the far end of one of its open
   * links, read from its own record (Transmission sends its pool entry's flags; libtorrent what
   * the link learned, and never the connectable flag). Writes `seed`, `uploadOnly` and
   * `connectable` into `out`. Without it: seed when the remote is done, connectable when this
   * side dialled it.
   */
  advertise?(remote: number, out: PeerFlags): void;

  /**
   * Optional: whether the next dial to this peer is uTP (libtorrent: `supports_utp`, true until a
   * uTP attempt to it failed). Without it every dial is TCP.
   */
  utpFirst?(info: I): boolean;

  /**
   * Optional, with utpFirst: a uTP attempt failed (refused or timed out). libtorrent marks the
   * peer as not supporting uTP and closes with the `normal` class (no failcount); the host then
   * dials the peer again at once over TCP (`fast_reconnect`). onConnectFailure is not called.
   */
  onUtpFailure?(info: I, now: number): void;

  /**
   * Optional: this end completed the handshake but dropped it at once, before its pool saw it
   * (Transmission at its peer limit: `on_handshake_done` returns "too many peers already"), so
   * the record is untouched but for being free again. Nothing else is called for the
   * connection. Without it the end sees onHandshake and then onClose(`too_many_peers`).
   */
  onAbandoned?(info: I, now: number): void;

  onDial(info: I, now: number): void;
  /** The outgoing TCP connection failed: refused at once, or timed out (nothing read either way). */
  onConnectFailure(info: I, now: number, reason: ConnectFailure): void;
  /** An inbound connection from this peer was accepted (TCP). */
  onIncoming(info: I, now: number): void;
  /** TCP was established but the BitTorrent handshake did not complete. */
  onHandshakeFailure(info: I, now: number, outgoing: boolean, readAnything: boolean): void;
  /** BitTorrent handshake (and extension handshake) complete: the peer is connected. */
  onHandshake(info: I, now: number, outgoing: boolean): void;
  /**
   * What the remote advertised on this connection, in wire order: LTEP upload_only, then the
   * bitfield (or have-all/none), then `have` when it completes during the connection.
   */
  onRemoteState(info: I, now: number, state: RemoteState): void;
  /** Piece data moved on the connection with this peer (either direction). */
  onPieceData(info: I, now: number): void;
  /** A connection that completed its handshake closed. */
  onClose(info: I, now: number, close: CloseInfo): void;
}

/** Facts a discovery source gives about a peer (PEX flags; the tracker gives none). */
export interface PeerFlags {
  seed?: boolean;
  uploadOnly?: boolean;
  connectable?: boolean;
}

export const NO_FLAGS: PeerFlags = Object.freeze({});

export type ConnectFailure = 'refused' | 'timeout';

export interface RemoteState {
  /**
   * 'ltep' = the extension handshake's upload_only; 'bitfield' = bitfield or have-all/none;
   * 'have' = the remote's last `have` made it a seed during the connection (libtorrent also
   * sends the upload_only extension message then).
   */
  via: 'ltep' | 'bitfield' | 'have';
  seed: boolean;
  uploadOnly: boolean;
}

/**
 * Why a handshaked connection closed, as the end that decided it sees it. Every close is decided
 * in sim/model/close-rules.ts; summary.csv splits wasted handshakes by these reasons.
 */
export type CloseReason =
  | 'seed_seed' // both sides upload-only: nothing to ask for (Transmission 30 s rule, libtorrent upload_upload_connection)
  | 'uninteresting' // neither side interested in the other for libtorrent's inactivity_timeout near the limit (timed_out_no_interest)
  | 'idle' // no piece data for the client's idle limit (Transmission's sliding 60-300 s)
  | 'too_many_peers' // accepted, then dropped at the peer limit
  | 'duplicate' // already connected to this peer
  | 'local_left' // this side left the swarm or stopped
  | 'dropped' // closed with no reason given: a drop_after_handshake client; in ingested logs, a close whose cause the log does not name
  | 'banned'; // too many bad pieces

export const CLOSE_REASONS: readonly CloseReason[] = [
  'seed_seed',
  'uninteresting',
  'idle',
  'too_many_peers',
  'duplicate',
  'local_left',
  'dropped',
  'banned',
];

/**
 * A close as one end sees it: the closer reads its own reason; the other end only reads EOF (the
 * wire carries no reason), which is `peer_left` whatever the closer decided.
 */
export type SeenReason = CloseReason | 'peer_left';

export interface CloseInfo {
  reason: SeenReason;
  /** True when this host decided to close; false when the remote closed or the socket failed. */
  byUs: boolean;
  /**
   * libtorrent's error class as this end sees it: 'failure' and 'peer_error' count as failures
   * there. The end that reads EOF sees 'normal' (libtorrent closes on EOF with the default class).
   */
  severity: 'normal' | 'failure' | 'peer_error';
  /** Piece payload bytes moved on this connection, both directions. */
  pieceBytes: number;
  outgoing: boolean;
}

/** What a policy may see of the client it runs in. */
export interface HostView {
  readonly now: number;
  /** The client holds every wanted piece (seed or partial seed). */
  readonly done: boolean;
  /** PEX is allowed on this torrent (public torrent, PEX on). */
  readonly pexAllowed: boolean;
  /** Open peer connections (handshaked or in progress). */
  readonly connections: number;
  /** The client's per-torrent peer limit. */
  readonly peerLimit: number;
  /** The policy's own seeded stream (salts, jitter, sampling). */
  readonly rng: RandomStream;
}

/** Parameter values after parsing (`exp-backoff:base=5,jitter=full`). */
export type PolicyParams = Record<string, number | string | boolean>;

export interface ParamSpec {
  name: string;
  kind: 'number' | 'integer' | 'boolean' | 'enum';
  default: number | string | boolean;
  /** For enums. */
  values?: readonly string[];
  min?: number;
  max?: number;
  description: string;
}

/** A policy as registered: how to make one instance per host peer. */
export interface PolicyFactory {
  /** Registered name, e.g. `transmission-4.1`. */
  readonly name: string;
  /** One line for `swarmsim list policies`. */
  readonly description: string;
  readonly params: readonly ParamSpec[];
  /**
   * The client whose mechanics this policy belongs to (pulse, limits, close rules). A subject
   * group that does not name its `client` runs the policy's own; generic policies leave it unset
   * (the group then runs Transmission's mechanics). Set exactly on the client mirrors
   * (`sim/policies/clients/`): `docs/clients.md` runs every policy that has it.
   */
  readonly client?: ClientKindName;
  /**
   * Client mirrors: one sentence for docs/clients.md on what drives the client's churn (e.g.
   * "blacklist: a seed-to-seed close is never retried").
   */
  readonly rule?: string;
  /** Makes the policy instance of one host peer. `params` is complete (defaults filled in). */
  create(params: PolicyParams): ReconnectPolicy;
}
