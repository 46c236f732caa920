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

export const CLIENT_KIND_BY_NAME: Record<ClientKindName, ClientKind> = {
  transmission: TRANSMISSION,
  libtorrent: LIBTORRENT,
};
