import type { CloseReason, ConnectFailure } from '../policies/policy.js';
import type { Connection } from './connection.js';
import type { SwarmObserver } from './observer.js';
import type { Peer } from './peer.js';

/** Fans every swarm report out to several observers, in order (metrics first, then extras). */
export class ObserverFanout implements SwarmObserver {
  constructor(private readonly list: readonly SwarmObserver[]) {}
  peerOnline(p: Peer, now: number): void {
    for (const o of this.list) o.peerOnline(p, now);
  }
  peerOffline(p: Peer, now: number): void {
    for (const o of this.list) o.peerOffline(p, now);
  }
  peerCompleted(p: Peer, now: number): void {
    for (const o of this.list) o.peerCompleted(p, now);
  }
  attempt(c: Connection, now: number): void {
    for (const o of this.list) o.attempt(c, now);
  }
  connectFailure(c: Connection, now: number, reason: ConnectFailure): void {
    for (const o of this.list) o.connectFailure(c, now, reason);
  }
  handshakeFailure(c: Connection, now: number): void {
    for (const o of this.list) o.handshakeFailure(c, now);
  }
  handshake(c: Connection, now: number): void {
    for (const o of this.list) o.handshake(c, now);
  }
  close(c: Connection, now: number, reason: CloseReason, overheadBytes: number): void {
    for (const o of this.list) o.close(c, now, reason, overheadBytes);
  }
  sample(now: number): void {
    for (const o of this.list) o.sample(now);
  }
}
