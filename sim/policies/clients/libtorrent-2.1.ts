import { libtorrentFactory, type LibtorrentVariant } from './libtorrent-common.js';

/**
 * `libtorrent-2.1`: libtorrent `RC_2_1` (`069017e33`, v2.1.0), `src/peer_list.cpp`,
 * `src/torrent.cpp`, `include/libtorrent/aux_/torrent_peer.hpp`; same as `RC_2_0` after
 * `fe06f0ede` (v2.0.13+, no tagged release). Shared rules: libtorrent-common.ts.
 *
 * PR #8519 persists `torrent_peer::upload_only`: LTEP `upload_only` sets it on the entry and a
 * finished client suppresses `seed ∨ upload_only`, so the #7700 seed is dialled once and then
 * left alone while the host stays finished. The LTEP handshake only sets it
 * (`bt_peer_connection.cpp:2038-2039`); only an `upload_only = 0` extension message would clear
 * it, and simulated seeds never revert. A peer that finishes during a connection sends the
 * upload_only message: `seed` and `upload_only` are both set.
 */
export const libtorrent21Variant: LibtorrentVariant = {
  name: 'libtorrent-2.1',
  description: 'libtorrent 2.1: as 2.0, plus upload_only kept on the peer entry (PR #8519)',
  rule: 'as 2.0, but upload_only stays on the peer entry: a finished client dials an upload-only seed once (#8519)',
  persistUploadOnly: true,
  seedFromUploadOnly: false,
};

export const libtorrent21 = libtorrentFactory(libtorrent21Variant);
