import type { Source } from './source.js';

/**
 * One record per known peer, in the spirit of Transmission's `tr_peer_info` and libtorrent's
 * `torrent_peer`: the history a reconnect policy reads. The base holds what every policy needs;
 * a policy extends it with its own counters (fail counts, penalties, posteriors…).
 *
 * The host (sim/model) never writes these fields: it reports events to the policy, and the
 * policy decides what to remember. That is the point of the seam (libtorrent #7700 was exactly a
 * fact that was not remembered).
 */
export class PeerInfo {
  /** Remote peer id (index into the swarm's peer table). */
  readonly remote: number;
  /** When the peer was first learned (s). */
  readonly learnedAt: number;
  /** Bit set of `1 << Source` over every source that listed the peer. */
  sources = 0;
  /** Best (lowest) source rank seen, as Transmission's `from_best`. */
  fromBest: Source;
  /** Connected or an outgoing attempt in progress. */
  inUse = false;
  /** Never dial again (bad data strikes). */
  banned = false;
  /** Last dial start (s); 0 = never. */
  attemptedAt = 0;
  /** Last connect or disconnect (s); 0 = never. */
  changedAt = 0;
  /** Last time piece data moved on a connection with this peer (s); 0 = never. */
  pieceDataAt = 0;
  /** Last seen advertised as a seed (PEX flag, have-all, full bitfield), as far as the policy kept it. */
  seed = false;
  /** Last seen advertised as upload-only (BEP 21 / PEX flag), as far as the policy kept it. */
  uploadOnly = false;
  /** Known connectable: true, false (nothing read on a dial), or undefined (unknown). */
  connectable: boolean | undefined = undefined;

  constructor(remote: number, source: Source, now: number) {
    this.remote = remote;
    this.learnedAt = now;
    this.fromBest = source;
    this.sources = 1 << source;
  }
}
