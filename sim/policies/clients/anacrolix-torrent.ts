import type { PeerFlags, PolicyFactory, ReconnectPolicy } from '../policy.js';
import { Source } from '../source.js';
import { ReserveInfo, ReservePolicy } from './reserve-common.js';

/** Dials per 1 s pulse: `DialRateLimiter: rate.NewLimiter(10, 10)` (config.go:258). */
export const ANACROLIX_DIALS_PER_SECOND = 10;
/** `pexInterval` (pexconn.go:16): the torrent-wide PEX cooldown after a message that listed peers (s). */
export const ANACROLIX_PEX_REST = 60;

/**
 * `anacrolix-torrent`: anacrolix/torrent tag **v1.61.0** (github:anacrolix/torrent), read at
 * `torrent.go:1725-1760` (`openNewConns`: `p := t.peers.PopMax()` then `initiateConn`, nothing
 * puts the peer back), `torrent.go:371-403` (`addPeer`: a listing inserts into the reserve, then
 * `openNewConns`; above `TorrentPeersHighWater` the lowest is discarded), `torrent.go:2026-2041`
 * (`dropConnection`: closes and opens new connections, the closed peer is not re-added),
 * `torrent.go:2045-2050` (`wantPeers`: reserve ≤ `TorrentPeersLowWater`), `torrent.go:1712-1723`
 * (`maxHalfOpen`), `torrent.go:1378-1396` (`maybeDropMutuallyCompletePeer`) and `config.go:225-262`
 * (defaults: 50 established, 25 half-open per torrent, 100 in all, 500/50 high/low water,
 * dial rate 10/s burst 10, `DropMutuallyCompletePeers` true).
 *
 * The rule (ReservePolicy): pop and forget. A peer is dialled once per listing, whatever became of
 * the attempt: no backoff, no failure count, no re-add on failure or close; it comes back only
 * when a tracker announce, DHT or PEX lists it again, and is then dialled at once. Order: BEP 40
 * priority (`PopMax`), a deterministic stand-in here. At most 10 dials a second; the client kind
 * (`anacrolix`) applies the half-open and established limits and drops mutually complete peers.
 * A bad piece bans the address for the session (the ban close marks the record banned).
 * PEX (`pexconn.go:124-160`, `pexConnState.Recv`): after a message that listed peers, every PEX
 * message on any connection is discarded for `pexInterval` (60 s), torrent-wide; the learns of
 * one message share its instant, so the message that opens the cooldown is taken whole.
 *
 * Not modelled: the announce that a reserve falling to the low-water mark (50) triggers (the
 * scenario's tracker schedule applies), the high-water cap of 500 reserve entries (no scenario
 * here lists that many peers to one client), holepunch rendezvous.
 */
export class AnacrolixPolicy extends ReservePolicy<ReserveInfo> {
  readonly name = 'anacrolix-torrent';

  constructor() {
    super(ANACROLIX_DIALS_PER_SECOND);
  }

  /** End of the PEX cooldown, and the instant of the message that started it. */
  private pexRest = -Infinity;
  private pexAt = -Infinity;

  protected make(remote: number, source: Source, now: number): ReserveInfo {
    return new ReserveInfo(remote, source, now);
  }

  /** A PEX listing in the cooldown is discarded (reported as a change: no memo for a timed rule). */
  protected override learned(info: ReserveInfo, source: Source, flags: PeerFlags, now: number, isNew: boolean): boolean {
    if (source === Source.Pex && !this.pexOpen(now)) return true;
    return super.learned(info, source, flags, now, isNew);
  }

  private pexOpen(now: number): boolean {
    if (now === this.pexAt) return true;
    if (now < this.pexRest) return false;
    this.pexAt = now;
    this.pexRest = now + ANACROLIX_PEX_REST;
    return true;
  }
}

export const anacrolixTorrent: PolicyFactory = {
  name: 'anacrolix-torrent',
  description: 'anacrolix/torrent v1.61: pop a listed peer, dial it once, forget it until a source lists it again',
  rule: 'pop and forget: no retry of its own, but every tracker, DHT or PEX listing brings the peer back at once, so the swarm relisting it sets its redial rate',
  params: [],
  client: 'anacrolix',
  create(): ReconnectPolicy {
    return new AnacrolixPolicy();
  },
};
