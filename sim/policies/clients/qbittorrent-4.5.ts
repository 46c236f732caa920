import { libtorrentFactory, type LibtorrentVariant } from './libtorrent-common.js';
import { libtorrent20Variant } from './libtorrent-2.0.js';

/**
 * `qbittorrent-4.5`: qBittorrent **4.5.2** (Debian 12's `qbittorrent-nox`) over libtorrent
 * **2.0.8**: the peer list and reconnect rules of `libtorrent-2.0` (libtorrent `RC_2_0`,
 * `src/peer_list.cpp`, `src/torrent.cpp`; #7700 still present in 2.0.8), with qBittorrent's
 * settings where they differ from libtorrent's defaults (shared/reference/audit.md row #16,
 * read at qBittorrent `release-4.3.9` `src/base/bittorrent/session.cpp:396,398,1097`; the
 * same defaults ship in 4.5.2, not re-read here):
 * - `connection_speed` 20 attempts per second (libtorrent: 30): at most 20 per 1 s tick;
 * - 100 connections per torrent and 500 global (libtorrent: 200): the client kind
 *   `qbittorrent`, whose per-torrent 100 is the limit that binds with one torrent.
 * Not modelled, as for libtorrent: `peer_turnover`, `torrent_connect_boost`.
 */
export const qbittorrent45Variant: LibtorrentVariant = {
  ...libtorrent20Variant,
  name: 'qbittorrent-4.5',
  description: 'qBittorrent 4.5.2 on libtorrent 2.0.8: libtorrent-2.0 rules, connection_speed 20, 100 connections per torrent',
  rule: 'libtorrent 2.0\'s loop at qBittorrent\'s pace: upload-only seeds re-dialled every (failcount + 1) × 60 s, 20 dials a second',
  connectionSpeed: 20,
  client: 'qbittorrent',
};

export const qbittorrent45 = libtorrentFactory(qbittorrent45Variant);
