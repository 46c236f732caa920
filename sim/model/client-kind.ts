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
  /** Incoming TCP refused at once at peerLimit + incomingSlack (libtorrent); Infinity = accept, refuse after the handshake (Transmission). */
  readonly incomingSlack: number;
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
   * Idle close (s) given the share of the peer limit in use: Transmission closes any peer idle
   * ≥ 300 − 240·s (60–300 s), s = min(1, peers / round(0.9 × limit)). libtorrent: no such rule
   * for a connection that sends keepalives (Infinity).
   */
  idleLimit(connections: number): number;
  /**
   * Mutual no-interest close (s) given open connections: libtorrent's inactivity_timeout, 600 s,
   * applied only within 5 connections of the limit. Transmission: its idle rule covers this.
   */
  uninterestedLimit(connections: number): number;
  /** Upload slots: unchoked peers, the optimistic unchoke included. */
  readonly uploadSlots: number;
  /**
   * Hash failures on one link before the sender is banned. Transmission: 5
   * (MaxBadPiecesPerPeer). libtorrent keeps trust points (−2 per failure, ban at −7), i.e. 4.
   */
  readonly banStrikes: number;
}

export const TRANSMISSION: ClientKind = {
  name: 'transmission',
  pulsePeriod: 0.5,
  defaultPolicy: 'transmission-4.1',
  peerLimit: 50,
  incomingSlack: Infinity,
  handshakeTimeout: 30,
  connectTimeout: 30,
  seedSeedDelay: (pex) => (pex ? 30 : 0),
  closesOnLtepUploadOnly: false,
  idleLimit(connections) {
    const s = Math.min(1, connections / Math.round(0.9 * this.peerLimit));
    return 300 - 240 * s;
  },
  uninterestedLimit: () => Infinity,
  uploadSlots: 8,
  banStrikes: 5,
};

export const LIBTORRENT: ClientKind = {
  name: 'libtorrent',
  pulsePeriod: 1,
  defaultPolicy: 'libtorrent-2.1',
  peerLimit: 200,
  incomingSlack: 10,
  handshakeTimeout: 10,
  connectTimeout: 15,
  seedSeedDelay: () => 0,
  closesOnLtepUploadOnly: true,
  idleLimit: () => Infinity,
  uninterestedLimit(connections) {
    return connections >= this.peerLimit - 5 ? 600 : Infinity;
  },
  uploadSlots: 8,
  banStrikes: 4,
};

export const CLIENT_KIND_BY_NAME: Record<ClientKindName, ClientKind> = {
  transmission: TRANSMISSION,
  libtorrent: LIBTORRENT,
};
