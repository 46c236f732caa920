import type { HostView, PeerFlags, PolicyFactory, ReconnectPolicy } from '../policy.js';
import { ListingPolicy, ScanInfo } from '../scan-policy.js';
import { Source } from '../source.js';

/**
 * `rtorrent-0.9`: rTorrent **0.9.8** on libtorrent-rakshasa **0.13.8** (tag `v0.13.8` of
 * `rakshasa/libtorrent`; Debian 12's `rtorrent`). Client kind `rtorrent` (when it dials, how
 * many, the seed-to-seed drop).
 *
 * - **Consume, do not retry.** Addresses a tracker (or PEX) gives go into the peer list's
 *   *available list* (`src/torrent/peer/peer_list.cc` `insert_available` `:200-245`);
 *   `DownloadMain::receive_connect_peers` (`src/download/download_main.cc:323-345`) pops a
 *   **random** one per dial (`available_list()->pop_random()`). Nothing puts a peer back after
 *   a close or a failure (`PeerList::disconnected` only stamps times): it is dialled again only
 *   when a tracker or PEX lists it again.
 * - **600 s recent-handshake filter.** `PeerList::connected` (`peer_list.cc:262-330`) stamps
 *   `last_handshake` when an outgoing attempt starts (`handshake_manager.cc` `create_outgoing`
 *   `:140-160`) and when an incoming connection is taken; a listing within 600 s of it only
 *   updates the entry (`insert_available` `:226-231`), and a dial within 600 s is refused
 *   (`connect_filter_recent` `:322-324`). So a peer is dialled at most once per 600 s, and only
 *   after a tracker answer (or PEX) that comes after those 600 s.
 * - A peer in use is not listed (`peerInfo->connection() != NULL`), nor dialled
 *   (`connection_list()->find`).
 * - Not modelled: the encryption retry (one re-dial that bypasses the filter,
 *   `encryption_retrying`), `failed_counter` (it counts corrupt chunks; 64 = banned), hourly
 *   culling of old entries (`cull_peers` every 120 ticks).
 * - The random pop draws one number from the policy's stream per available peer per select;
 *   times are whole seconds (`cachedTime.seconds()`).
 */
export const RTORRENT_RECENT_HANDSHAKE = 600;
/** `max_peers` default: no select returns more. */
export const RTORRENT_MAX_PEERS = 100;

export class RtorrentInfo extends ScanInfo {
  /** In the available list. */
  available = false;
  /** `last_handshake` (whole seconds); −Infinity = never. */
  lastHandshake = -Infinity;
}

export class RtorrentPolicy extends ListingPolicy<RtorrentInfo> {
  readonly name = 'rtorrent-0.9';

  constructor() {
    super(RTORRENT_MAX_PEERS);
  }

  protected make(remote: number, source: Source, now: number): RtorrentInfo {
    return new RtorrentInfo(remote, source, now);
  }

  protected override clock(now: number): number {
    return Math.floor(now);
  }

  protected override learned(info: RtorrentInfo, source: Source, flags: PeerFlags, now: number, isNew: boolean): boolean {
    const changed = super.learned(info, source, flags, now, isNew);
    if (source === Source.Incoming || info.available || info.conns > 0) return changed;
    // Declined by the clock: the same listing counts later, so it must not be memoised as a no-op.
    if (info.lastHandshake + RTORRENT_RECENT_HANDSHAKE > Math.floor(now)) return true;
    info.available = true;
    return true;
  }

  eligibleAt(info: RtorrentInfo, _host: HostView): number {
    return info.available && !info.banned ? info.learnedAt : Infinity;
  }

  /** `pop_random`: a fresh draw per available peer. */
  protected rank(_info: RtorrentInfo, host: HostView): number {
    return host.rng.uniform();
  }

  override onDial(info: RtorrentInfo, now: number): void {
    info.available = false;
    info.lastHandshake = Math.floor(now);
    super.onDial(info, now);
  }

  override onIncoming(info: RtorrentInfo, now: number): void {
    info.available = false; // connected: a pop would find it in the connection list
    info.lastHandshake = Math.floor(now);
    super.onIncoming(info, now);
  }

  /** `PeerList::disconnected` stamps times only: nothing goes back to the available list. */
  protected ended(): void {}
}

export const rtorrent09: PolicyFactory = {
  name: 'rtorrent-0.9',
  description: 'rTorrent 0.9.8: pop a random listed peer and forget it; a tracker re-listing brings it back, not within 600 s of the last handshake',
  rule: 'pop and forget, with a 600 s guard after the last handshake: only a tracker re-listing brings a peer back',
  params: [],
  client: 'rtorrent',
  create(): ReconnectPolicy {
    return new RtorrentPolicy();
  },
};
