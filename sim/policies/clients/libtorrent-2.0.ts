import { libtorrentFactory, type LibtorrentVariant } from './libtorrent-common.js';

/**
 * `libtorrent-2.0`: libtorrent `RC_2_0` from v2.0.3 through v2.0.13 (every 2.0 tag: #8519 reached
 * `RC_2_0` as `fe06f0ede` on 2026-06-28, after v2.0.13), `src/peer_list.cpp`
 * (`is_connect_candidate`, `find_connect_candidates`, `connect_one_peer`, `compare_peer`),
 * `src/torrent.cpp`, `include/libtorrent/torrent_peer.hpp`. Shared rules: libtorrent-common.ts.
 *
 * A finished client suppresses only peers whose entry has `seed` set, which happens on a
 * have-all or a full bitfield (onRemoteState via 'bitfield'), or a `have` that completes the
 * peer during a connection. The LTEP `upload_only` flag lives on the connection only. Issue #7700: a seed sends LTEP `upload_only` before `have_all`, the
 * host closes at once with `upload_upload_connection` (a `normal` close: failcount stays 0 after
 * the handshake reset), no bitfield state ever reaches the entry, and the seed is re-dialled
 * 60 s after every close: ⌊H / (60 + d)⌋ + 1 dials over a horizon H.
 */
export const libtorrent20Variant: LibtorrentVariant = {
  name: 'libtorrent-2.0',
  description: 'libtorrent 2.0.x: failcount < 3, (failcount + 1) x 60 s waits; re-dials upload-only seeds every minute (#7700)',
  rule: 'failcount waits (failcount + 1) × 60 s, but the close on LTEP upload_only is a normal one after a reset: an upload-only seed is re-dialled every minute (#7700)',
  persistUploadOnly: false,
  seedFromUploadOnly: false,
};

export const libtorrent20 = libtorrentFactory(libtorrent20Variant);
