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
  /**
   * The `have` of the piece that completes the file waits in the client's message batch
   * (Transmission 3.00 peer-msgs.c: `protocolSendHave` → `pokeBatchPeriod(LOW_PRIORITY_INTERVAL_SECS)`,
   * 10 s, `:83-85`), so a seed-to-seed link the completed client closes at once (no PEX) is gone
   * before the other end reads it. Only `transmission-3`; the model otherwise sends that `have` at once.
   */
  readonly lastHaveBatched: boolean;
  /**
   * After a dropped encrypted handshake the dialler retries in plaintext on a second TCP
   * connection within the same attempt (Transmission 3.00 handshake.c "handshake failed, trying
   * plaintext..."; with `network.encryption`). The model records that connection (an attempt and
   * a handshake failure) without telling either policy. Only `transmission-3`.
   */
  readonly plaintextRetry: boolean;
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
  lastHaveBatched: false,
  plaintextRetry: false,
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
  lastHaveBatched: false,
  plaintextRetry: false,
};

/**
 * Transmission 3.00 (tag `3.00`, `libtransmission/peer-mgr.c`, `handshake.c`): the 4.x pulse,
 * limits, idle and seed-to-seed rules (3.00 has the same constants: `RECONNECT_PERIOD_MSEC` 500,
 * `MIN_UPLOAD_IDLE_SECS` 60, `MAX_UPLOAD_IDLE_SECS` 300, `MAX_BAD_PIECES_PER_PEER` 5, peer-mgr.c
 * `:55-66`), plus the plaintext retry after a dropped encrypted handshake (the drop itself,
 * `handshake.c:836-845`, is the policy's `refusesKnownSeeds`, shared with 4.0.6) and the
 * batched last `have` (`peer-msgs.c:83-85`). Each was called for by the lab's real runs
 * (docs/real-clients.md).
 */
export const TRANSMISSION_3: ClientKind = {
  ...TRANSMISSION,
  name: 'transmission-3',
  defaultPolicy: 'transmission-3.0',
  lastHaveBatched: true,
  plaintextRetry: true,
};

/**
 * qBittorrent 4.5.2 over libtorrent 2.0.8: libtorrent's mechanics with qBittorrent's settings
 * (shared/reference/audit.md #16, qBittorrent `session.cpp` defaults: 100 connections per
 * torrent, 500 global, connection_speed 20 — the speed lives in the policy, `qbittorrent-4.5`).
 * One torrent per simulated client, so the per-torrent 100 is the limit that binds.
 */
export const QBITTORRENT: ClientKind = {
  ...LIBTORRENT,
  name: 'qbittorrent',
  defaultPolicy: 'qbittorrent-4.5',
  peerLimit: 100,
};

/**
 * What the lab's other clients (WebTorrent, rTorrent, aria2) share: they accept every incoming
 * connection and refuse after the handshake, close no link for idleness or mutual disinterest,
 * ban by address rather than by strikes on a link (not modelled), and have none of the
 * Transmission 3.00 or libtorrent handshake rules.
 */
const NO_CLOSE_RULES = {
  incomingSlack: Infinity,
  recordsRefusedHandshake: false,
  closesOnLtepUploadOnly: false,
  idleLimit: () => Infinity,
  uninterestedLimit: () => Infinity,
  inactivityTimeout: Infinity,
  banStrikes: Infinity,
  lastHaveBatched: false,
  plaintextRetry: false,
} as const;

/**
 * WebTorrent 3.0.21 (`lib/torrent.js`, `lib/peer.js`): no dial pulse (a connection is started
 * from `_drain()` whenever a peer is queued; the model looks every 0.1 s, the grid its waits are
 * rounded up to), `maxConns` 55 (`index.js:84`) counting pending dials (`_numConns +
 * _numPending`), TCP connect timeout 5 s (`peer.js:7`), handshake timeout 25 s (`peer.js:10`).
 * It closes nothing that carries nothing: no seed-to-seed close, no idle close (the wire's
 * 30 s timeout covers outstanding requests only, `torrent.js:1328`), keep-alives every 60 s.
 * Rechoke: 10 upload slots (`uploads`, `torrent.js:147`). No ban on bad pieces.
 */
export const WEBTORRENT: ClientKind = {
  ...NO_CLOSE_RULES,
  name: 'webtorrent',
  pulsePeriod: 0.1,
  defaultPolicy: 'webtorrent',
  peerLimit: 55,
  dialBudget(p) {
    return this.peerLimit - p.sockets;
  },
  handshakeTimeout: 25,
  connectTimeout: 5,
  seedSeedDelay: () => Infinity,
  uploadSlots: 10,
};

/**
 * rTorrent 0.9.8 over libtorrent-rakshasa 0.13.8 (`src/download/download_main.cc`
 * `receive_connect_peers` `:323-345`, `src/download/download_wrapper.cc` `receive_tick`
 * `:279-324`): dials are made when a tracker answers and on the 30 s tick, while the torrent
 * has fewer than `min_peers` (40) connections and connections plus handshakes stay under
 * `max_peers` (100), rTorrent's defaults (seeding uses the same when `min_peers_seed` /
 * `max_peers_seed` are −1). The model looks every second (a tracker answer is acted on
 * within one). A seed drops a seed right after the handshake ("seeder rejected"): the
 * seed-to-seed delay is 0. Handshake and connect timeouts are not checked against source
 * here: 60 s / 30 s stand-ins.
 */
export const RTORRENT: ClientKind = {
  ...NO_CLOSE_RULES,
  name: 'rtorrent',
  pulsePeriod: 1,
  defaultPolicy: 'rtorrent-0.9',
  peerLimit: 100,
  dialBudget(p) {
    return p.handshaked < RTORRENT_MIN_PEERS ? this.peerLimit - p.sockets : 0;
  },
  handshakeTimeout: 60,
  connectTimeout: 30,
  seedSeedDelay: () => 0,
  uploadSlots: 8,
};

/** rTorrent's `min_peers` default. */
export const RTORRENT_MIN_PEERS = 40;

/**
 * aria2 1.36.0 (`src/ActivePeerConnectionCommand.cc` `:76-141`, `src/BtSetup.cc:127`,
 * `src/BtRuntime.cc:55`, `src/OptionHandlerFactory.cc`): a 10 s connection command;
 * `bt-max-peers` 55 with min peers 0.8 × 55 = 44. A seed dials while below 55 connections, a
 * leecher while below 44 (or below the speed threshold, not modelled); the count per tick (5)
 * is the policy's. Seed-to-seed links are dropped at once ("Good Bye Seeder",
 * `DefaultBtInteractive.cc`). `peer-connection-timeout` 20 s (`OptionHandlerFactory.cc:1841`);
 * the handshake timeout stands in as the same 20 s. A bad piece bans the address for 120–600 s
 * in the peer storage, not a per-link strike count: not modelled.
 */
export const ARIA2: ClientKind = {
  ...NO_CLOSE_RULES,
  name: 'aria2',
  pulsePeriod: 10,
  defaultPolicy: 'aria2-1.36',
  peerLimit: 55,
  dialBudget(p) {
    if (p.done) return this.peerLimit - p.handshaked;
    return p.handshaked < Math.trunc(this.peerLimit * 0.8) ? this.peerLimit - p.sockets : 0;
  },
  handshakeTimeout: 20,
  connectTimeout: 20,
  seedSeedDelay: () => 0,
  uploadSlots: 4,
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
  lastHaveBatched: false,
  plaintextRetry: false,
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
  lastHaveBatched: false,
  plaintextRetry: false,
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
  lastHaveBatched: false,
  plaintextRetry: false,
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
  'transmission-3': TRANSMISSION_3,
  qbittorrent: QBITTORRENT,
  webtorrent: WEBTORRENT,
  rtorrent: RTORRENT,
  aria2: ARIA2,
};
