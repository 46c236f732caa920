import type { ClientKindName } from '../scenario/schema.js';

/**
 * The mechanics of a client implementation, separate from its reconnect policy: how often it
 * looks for peers to dial, its limits and timeouts, and when it closes a link that carries
 * nothing. Constants from shared/reference/transmission.md §5, §7 and libtorrent.md §4, §6, §7.
 */
export interface ClientKind {
  readonly name: ClientKindName;
  /** Period of the dial pulse (s): Transmission's reconnect_pulse, libtorrent's on_tick. */
  readonly pulsePeriod: number;
  /** Policy a group of this kind runs unless the scenario names one. */
  readonly defaultPolicy: string;
  /** Connections per torrent (Transmission peer-limit-per-torrent; libtorrent connections_limit). */
  readonly peerLimit: number;
  /**
   * How many dials this pulse may start. Transmission (peer-mgr.cc `get_peer_candidates`,
   * `initiate_connection` at 4.0.6 and 4.1.3) skips the torrent only when its *handshaked* peers
   * reach the limit, and otherwise caps only open sockets, at the session's global limit (200);
   * 4.1 lifts that cap while downloading ("allow downloading torrents to steal connection
   * slots"), which the policy declares with `stealsSocketSlots`. libtorrent counts every
   * connection, half-open ones included, against `connections_limit`.
   */
  dialBudget(p: DialState): number;
  /** Incoming TCP refused at once at peerLimit + incomingSlack (libtorrent); Infinity = accept, refuse after the handshake (Transmission). */
  readonly incomingSlack: number;
  /**
   * An acceptor that refuses a completed handshake at its peer limit still records it as a
   * connection that closed (libtorrent); Transmission drops it before its pool sees it.
   */
  readonly recordsRefusedHandshake: boolean;
  /** Seconds from TCP established to a failed handshake. */
  readonly handshakeTimeout: number;
  /** Seconds before an outgoing TCP attempt is given up, unless the policy says otherwise. */
  readonly connectTimeout: number;
  /**
   * Seconds after which a done client closes a link to an upload-only peer that moved no data.
   * Transmission: 30 s idle when PEX is allowed, at once otherwise (peer-mgr.cc shouldPeerBeClosed).
   * libtorrent: at once, on the LTEP upload_only (peer_connection.cpp disconnect_if_redundant).
   */
  seedSeedDelay(pexAllowed: boolean): number;
  /** Closes on the remote's LTEP upload_only before reading its bitfield (libtorrent), or after both (Transmission). */
  readonly closesOnLtepUploadOnly: boolean;
  /**
   * Idle close (s) given the handshaked peers: Transmission closes a peer idle for more than
   * ⌊300 − 240·s⌋ whole seconds (60–300 s), s = min(1, peers / round(0.9 × limit)), peers being
   * handshaked ones (peer-mgr.cc `shouldPeerBeClosed` at 4.1.3). libtorrent: no such rule
   * for a connection that sends keepalives (Infinity).
   */
  idleLimit(handshaked: number): number;
  /**
   * Mutual no-interest close (s) given open connections: libtorrent's inactivity_timeout, 600 s,
   * applied only within 5 connections of the limit. Transmission: its idle rule covers this.
   */
  uninterestedLimit(connections: number): number;
  /**
   * The longest uninterestedLimit can be (libtorrent inactivity_timeout, 600 s), or Infinity when
   * the client has no such rule: a link is looked at again this often, since the limit moves
   * with how full the client is.
   */
  readonly inactivityTimeout: number;
  /** Upload slots: unchoked peers, the optimistic unchoke included. */
  readonly uploadSlots: number;
  /**
   * Hash failures on one link before the sender is banned. Transmission: 5
   * (MaxBadPiecesPerPeer). libtorrent keeps trust points (−2 per failure, ban at −7), i.e. 4.
   */
  readonly banStrikes: number;
}

/** What a client's dial budget reads of the peer. */
export interface DialState {
  /** Connections whose handshake completed. */
  readonly handshaked: number;
  /** Every open socket: dials in progress, handshakes in progress, connections. */
  readonly sockets: number;
  readonly done: boolean;
  /** The policy dials past the socket cap while downloading (Transmission 4.1). */
  readonly stealsSocketSlots: boolean;
}

/** Transmission's session-wide `peer-limit-global` default (one torrent per simulated peer). */
export const TRANSMISSION_GLOBAL_PEER_LIMIT = 200;
/** libtorrent inactivity_timeout (s), settings_pack default. */
export const LT_INACTIVITY_TIMEOUT = 600;

export const TRANSMISSION: ClientKind = {
  name: 'transmission',
  pulsePeriod: 0.5,
  defaultPolicy: 'transmission-4.1',
  peerLimit: 50,
  dialBudget(p) {
    if (p.handshaked >= this.peerLimit) return 0;
    // "leave 5% of connection slots for incoming connections" (get_peer_candidates).
    if (p.handshaked >= Math.floor(TRANSMISSION_GLOBAL_PEER_LIMIT * 0.95)) return 0;
    if (p.stealsSocketSlots && !p.done) return Infinity;
    return TRANSMISSION_GLOBAL_PEER_LIMIT - p.sockets;
  },
  incomingSlack: Infinity,
  recordsRefusedHandshake: false,
  handshakeTimeout: 30,
  connectTimeout: 30,
  seedSeedDelay: (pex) => (pex ? 30 : 0),
  closesOnLtepUploadOnly: false,
  idleLimit(handshaked) {
    const s = Math.min(1, handshaked / Math.round(0.9 * this.peerLimit));
    return Math.trunc(300 - 240 * s);
  },
  uninterestedLimit: () => Infinity,
  inactivityTimeout: Infinity,
  uploadSlots: 8,
  banStrikes: 5,
};

export const LIBTORRENT: ClientKind = {
  name: 'libtorrent',
  pulsePeriod: 1,
  defaultPolicy: 'libtorrent-2.1',
  peerLimit: 200,
  dialBudget(p) {
    return this.peerLimit - p.sockets;
  },
  incomingSlack: 10,
  recordsRefusedHandshake: true,
  handshakeTimeout: 10,
  connectTimeout: 15,
  seedSeedDelay: () => 0,
  closesOnLtepUploadOnly: true,
  idleLimit: () => Infinity,
  uninterestedLimit(connections) {
    return connections >= this.peerLimit - 5 ? LT_INACTIVITY_TIMEOUT : Infinity;
  },
  inactivityTimeout: LT_INACTIVITY_TIMEOUT,
  uploadSlots: 8,
  banStrikes: 4,
};

/**
 * What the BiglyBT, rqbit and anacrolix kinds share: no idle or mutual no-interest close of
 * their own (only the seed-to-seed one, read from the bitfield), incoming connections accepted
 * and refused after the handshake at the limit, 8 upload slots (not a reconnect matter).
 */
const NO_TIMED_CLOSES = {
  incomingSlack: Infinity,
  closesOnLtepUploadOnly: false,
  idleLimit: () => Infinity,
  uninterestedLimit: () => Infinity,
  inactivityTimeout: Infinity,
  uploadSlots: 8,
} as const;

/**
 * BiglyBT v4.1.0.0 (`PEPeerControlImpl.java`, `TCPConnectionManager.java`,
 * `ConfigurationDefaults.java`, `COConfigurationManager.java`): `doConnectionChecks` every 1 s;
 * 50 connections per torrent (`CONFIG_DEFAULT_MAX_CONNECTIONS_PER_TORRENT`), 25 while seeding
 * (`…When.Seeding`, enabled by default), less 5 % kept free for incoming ones
 * (`getMaxConnections()[0] / 20`); at most 40 outbound attempts pending
 * (`network.max.simultaneous.connect.attempts`, 8 only where half-open is limited); connect
 * attempts time out after 15 s (`CONNECT_ATTEMPT_TIMEOUT`). A seeding client closes seeds in
 * `checkSeeds` (every 1 s, "Disconnect Seed" on by default) once their bitfield says so, not on
 * LTEP upload_only. Handshake timeout, upload slots and ban strikes are not modelled from the
 * source: Transmission's figures stand in.
 */
export const BIGLYBT: ClientKind = {
  name: 'biglybt',
  pulsePeriod: 1,
  defaultPolicy: 'biglybt',
  peerLimit: 50,
  dialBudget(p) {
    const limit = p.done ? this.peerLimit / 2 : this.peerLimit;
    const free = limit - Math.floor(this.peerLimit / 20) - p.sockets;
    const pending = 40 - (p.sockets - p.handshaked);
    return Math.max(0, Math.min(free, pending));
  },
  ...NO_TIMED_CLOSES,
  recordsRefusedHandshake: true,
  handshakeTimeout: 30,
  connectTimeout: 15,
  seedSeedDelay: () => 1,
  banStrikes: 5,
};

/**
 * rqbit v9.0.1 (`crates/librqbit/src/torrent_state/live/mod.rs`, `peer_connection.rs`): a
 * semaphore of 128 live-or-connecting peers (`peer_limit.unwrap_or(128)`) gates the peer adder,
 * which dials every queued peer as soon as a permit is free (modelled as a 1 s pulse with no rate
 * of its own); connect and read timeouts 10 s. An incoming peer past the limit is dropped after
 * its handshake. A finished client disconnects every peer holding the whole torrent
 * (`disconnect_all_peers_that_have_full_torrent`; `task_peer_chunk_requester`: "neither of us is
 * interested") as soon as its bitfield is read. A bad piece disconnects the peer at once (the
 * policy decides whether it is retried).
 */
export const RQBIT: ClientKind = {
  name: 'rqbit',
  pulsePeriod: 1,
  defaultPolicy: 'rqbit',
  peerLimit: 128,
  dialBudget(p) {
    return this.peerLimit - p.sockets;
  },
  ...NO_TIMED_CLOSES,
  recordsRefusedHandshake: false,
  handshakeTimeout: 10,
  connectTimeout: 10,
  seedSeedDelay: () => 0,
  banStrikes: 1,
};

/**
 * anacrolix/torrent v1.61.0 (`config.go` defaults, `torrent.go` `openNewConns`, `maxHalfOpen`,
 * `maybeDropMutuallyCompletePeer`): 50 established connections per torrent, half-open at most
 * min(max(5, extra incoming) + established headroom, 25) (extra incoming taken as ≤ 5), dial rate
 * 10/s with a burst of 10 (`DialRateLimiter`; the policy takes ≤ 10 per 1 s pulse), dial timeout
 * 20 s (`NominalDialTimeout`), handshake timeout 4 s. `DropMutuallyCompletePeers` (default true)
 * drops a peer once both hold every piece, read from its bitfield. Bad-piece IPs are banned for the
 * session at the first strike.
 */
export const ANACROLIX: ClientKind = {
  name: 'anacrolix',
  pulsePeriod: 1,
  defaultPolicy: 'anacrolix-torrent',
  peerLimit: 50,
  dialBudget(p) {
    if (p.handshaked >= this.peerLimit) return 0;
    const halfOpen = p.sockets - p.handshaked;
    return Math.max(0, Math.min(5 + this.peerLimit - p.handshaked, 25) - halfOpen);
  },
  ...NO_TIMED_CLOSES,
  recordsRefusedHandshake: true,
  handshakeTimeout: 4,
  connectTimeout: 20,
  seedSeedDelay: () => 0,
  banStrikes: 1,
};

export const CLIENT_KIND_BY_NAME: Record<ClientKindName, ClientKind> = {
  transmission: TRANSMISSION,
  libtorrent: LIBTORRENT,
  biglybt: BIGLYBT,
  rqbit: RQBIT,
  anacrolix: ANACROLIX,
};
