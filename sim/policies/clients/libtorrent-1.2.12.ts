import { libtorrentFactory, type LibtorrentVariant } from './libtorrent-common.js';

/**
 * `libtorrent-1.2.12`: libtorrent tag **v1.2.12** (the persist-as-seed variant; also what
 * 2.0.0–2.0.2 do), read in the arvidn/libtorrent mirror. Shared rules: libtorrent-common.ts,
 * checked at this tag: `src/peer_list.cpp:434-446` (`is_connect_candidate`: `p.seed &&
 * m_finished` suppresses, failcount < `max_failcount`), `:514` (`(failcount + 1) ×
 * min_reconnect_time`), `src/settings_pack.cpp:235-239,273,306` (max_failcount 3,
 * min_reconnect_time 60, peer_connect_timeout 15, connection_speed 30, inactivity_timeout 600,
 * max_peerlist_size 3000, connections_limit 200).
 *
 * The difference from `libtorrent-2.0`: `peer_connection::set_upload_only`
 * (`src/peer_connection.cpp:6618-6629` at v1.2.12) calls `t->set_seed(m_peer_info, u)` before
 * `disconnect_if_redundant()`. A seed whose LTEP handshake says upload_only (read by
 * `bt_peer_connection.cpp:1760-1761`) is closed at once as in #7700, but its peer-list entry now
 * says `seed`, so a finished host never dials it again; only a non-full bitfield or have_none on
 * a later connection (`:2195`, `:2119`) clears it. A PEX seed flag likewise sets `seed` while
 * the peer is not connected (`peer_list.cpp:893-897`, `:932-939`), where 2.0.3+ only sets the
 * `maybe_upload_only` ordering hint. Commit `5c4a4a23c` (2021-03-11, "don't mark upload-only
 * peers as seeds") removed the `set_seed` call; it is in v1.2.13+ and v2.0.3+.
 */
export const libtorrent1212Variant: LibtorrentVariant = {
  name: 'libtorrent-1.2.12',
  description: 'libtorrent <= 1.2.12: LTEP upload_only and PEX seed flags stored as seed, so a finished client never re-dials seeds',
  rule: 'upload_only and PEX seed flags are stored as seed: a finished client never dials a known seed again, nor one a PEX message called a seed',
  persistUploadOnly: false,
  seedFromUploadOnly: true,
};

export const libtorrent1212 = libtorrentFactory(libtorrent1212Variant);
