import type { CloseReason, ConnectFailure } from '../policies/policy.js';
import type { Connection } from './connection.js';
import type { Peer } from './peer.js';

/**
 * What the swarm reports as it runs. sim/metrics implements it; the model never computes a
 * metric itself, so a metric's definition lives in one place.
 */
export interface SwarmObserver {
  peerOnline(p: Peer, now: number): void;
  peerOffline(p: Peer, now: number): void;
  peerCompleted(p: Peer, now: number): void;
  attempt(c: Connection, now: number): void;
  connectFailure(c: Connection, now: number, reason: ConnectFailure): void;
  handshakeFailure(c: Connection, now: number): void;
  handshake(c: Connection, now: number): void;
  /** A handshaked connection closed; `overheadBytes` is what its set-up cost on the wire. */
  close(c: Connection, now: number, reason: CloseReason, overheadBytes: number): void;
  sample(now: number): void;
}
