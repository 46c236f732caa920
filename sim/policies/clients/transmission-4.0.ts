import { transmissionFactory, type TransmissionVariant } from './transmission-common.js';

/**
 * `transmission-4.0`: Transmission **4.0.6** (tag `4.0.6`), `libtransmission/peer-mgr.cc`
 * (`peer_atom`, `getReconnectIntervalSecs`, `isPeerCandidate`, `getPeerCandidateScore`,
 * `closePeer`, `makeNewPeerConnections`). Shared rules: transmission-common.ts.
 *
 * - Counter `num_fails`: +1 on a failed connect/handshake (unreachable if nothing read); +1 on
 *   every close without piece data (closePeer runs for bad-peer closes and both limit culls)
 *   except when this side stopped/left (`local_left`); 0 on a close after piece data; a connect
 *   leaves it unchanged.
 * - Unreachable peers (`MyflagUnreachable`) are never candidates; only a successful outgoing
 *   handshake clears the flag (a PEX `connectable` flag does not: `isReachable()` tests the
 *   unreachable bit first). One unreachable failure removes the peer for good.
 * - A done client skips peers flagged seed. The flag lives in the atom's PEX flags: OR-ed from
 *   PEX (0x02), never cleared, and **not** set from a connection's bitfield or have-all (that
 *   path, `tr_peerUpdateProgress` → `atomSetSeed`, was removed by 81a42c6bb, #3363, before
 *   4.0.0; checked in 4.0.6 source).
 * - Score bit 1 = last attempt failed (`lastConnectionAt < lastConnectionAttemptAt`).
 * - K = 6 per 500 ms pulse (12 connections/s). The reference's "cache 24" is not what 4.0.6
 *   does: it has no candidate cache and re-ranks every pulse (`getPeerCandidates(session, max)`),
 *   which is what this policy does. The 5 s recent-data interval is present in 4.0.6
 *   (`MinimumReconnectIntervalSecs`, checked).
 * - Dial budget (`makeNewPeerConnections` `:2386-2414`, `initiateConnection` `:2465`): the
 *   torrent is skipped only when its handshaked peers reach the limit; otherwise all K are
 *   taken and each stops only at the global 200 open sockets (`tr_peer_socket::limit_reached`),
 *   downloading or not. Pending dials do not count against the 50.
 * - Atoms are keyed by address, so an incoming connection reuses the atom: its count and
 *   unreachable bit are not reset, and a failed incoming handshake counts +1 (unreachable when
 *   nothing was read, `:1026-1044`). Candidates are ranked seeds last (`:2366`).
 * - Once done, an incoming encrypted handshake from a peer whose atom is flagged seed is dropped
 *   before it completes (handshake.cc `:523-531`, "another seed tried to reconnect to us!"):
 *   `refusesKnownSeeds`. Main removed it in #5756 (8169d524e); 4.1.3 has no such check.
 */
export const transmission40Variant: TransmissionVariant = {
  name: 'transmission-4.0',
  description: 'Transmission 4.0.6: fail count +1 per fruitless close, unreachable peers dropped, 6 dials per 0.5 s',
  rule: "fail count: every fruitless close, its own or the remote's, adds a step (10 s, 2 min, 15 min … 2 h), and unreachable peers are dropped",
  perPulse: 6,
  cacheFactor: 0,
  resetOnConnect: false,
  resetOnDataClose: true,
  fruitlessClose: 'any',
  unreachable: 'excluded',
  doneFilter: 'done-seed',
  failureBit: 'last-attempt-failed',
  flags: 'pex-or',
  pexClearsUnreachable: false,
  pruning: false,
  seedOrder: 'seeds-last',
  socketCap: 'always',
  refusesKnownSeeds: true,
  incomingFailuresCount: true,
  incomingMerge: false,
  incomingNewConnectable: false,
};

export const transmission40 = transmissionFactory(transmission40Variant);
