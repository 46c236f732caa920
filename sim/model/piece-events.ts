import { bansAfterStrikes, closerOnCompletion } from './close-rules.js';
import { ConnState, type Flow } from './connection.js';
import type { Peer } from './peer.js';
import type { Swarm } from './swarm.js';

/** What a finished or failed piece changes: the policies' data clocks, bans, completion. */
export class PieceEvents {
  constructor(private readonly s: Swarm) {}

  pieceDone(f: Flow, now: number): void {
    this.blocksMoved(f, now);
    if (f.down.done) this.completed(f.down, now);
  }

  /** Piece data moved on f: both ends' data clocks (upstream stamps every block, both ways). */
  blocksMoved(f: Flow, now: number): void {
    const up = f.up;
    const down = f.down;
    const iu = up.policy.get(down.id);
    if (iu) up.policy.onPieceData(iu, now);
    const id = down.policy.get(up.id);
    if (id) down.policy.onPieceData(id, now);
  }

  /** A hash failure: one strike on this link for the receiver, who bans the sender at the client's limit. */
  pieceFailed(f: Flow): void {
    const c = f.conn;
    const down = f.down;
    const strikes = down === c.a ? ++c.strikesA : ++c.strikesB;
    if (bansAfterStrikes(down, strikes) && c.state === ConnState.Open) this.s.links.close(c, down, 'banned');
  }

  private completed(p: Peer, now: number): void {
    const s = this.s;
    p.completedAt = now;
    s.observer.peerCompleted(p, now);
    s.lifecycle.scheduleDeparture(p);
    // libtorrent drops a link that became redundant before it writes the `have` of the last
    // piece (torrent.cpp `we_have` → peer_connection.cpp `announce_piece`: `disconnect_if_redundant()`
    // comes before `write_have`, v2.0.8 `:1020-1026`), so the seed at the other end never reads
    // it and does not mark the peer a seed: the lab's libtorrent seeds re-dial such former
    // leechers 60 s after every close (lab/runs/seeds-libtorrent-*: dials at 78 s and 138 s).
    // Transmission 3.00 batches that `have` (client-kind.ts `lastHaveBatched`) and, without PEX,
    // closes a seed-to-seed link at once: the same outcome, seen in lab/runs/seeds-transmission-*.
    if (p.kind.closesOnLtepUploadOnly || (p.kind.lastHaveBatched && p.kind.seedSeedDelay(s.pexAllowed) === 0)) {
      for (let i = p.conns.length - 1; i >= 0; i--) {
        const c = p.conns[i]!;
        if (c.state === ConnState.Open && c.other(p).done) s.links.close(c, p, 'seed_seed');
      }
    }
    s.links.tellCompleted(p);
    // Links to other done peers are now seed-to-seed.
    for (let i = p.conns.length - 1; i >= 0; i--) {
      const c = p.conns[i]!;
      if (c.state !== ConnState.Open) continue;
      const other = c.other(p);
      if (!other.done) continue;
      const closer = closerOnCompletion(p, other);
      if (closer !== null) s.links.close(c, closer, 'seed_seed');
      else {
        s.links.scheduleCloseCheck(c, p);
        s.links.scheduleCloseCheck(c, other);
      }
    }
  }
}
