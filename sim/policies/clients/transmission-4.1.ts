import { transmissionFactory, type TransmissionVariant } from './transmission-common.js';

/**
 * `transmission-4.1`: Transmission **4.1.x** (`85fc9d915`, whose connection logic matches tag
 * 4.1.3), `libtransmission/peer-mgr.cc` and `peer-mgr.h` (`tr_peer_info`,
 * `get_reconnect_interval_secs`, `is_peer_candidate`, `getPeerCandidateScore`,
 * `make_new_peer_connections`, `peer_info_pulse`). Shared rules: transmission-common.ts.
 *
 * - Counter `num_consecutive_fruitless_`: +1 on a failed connect/handshake (unreachable if
 *   nothing read); on close, 0 after piece data, else +1 only if `is_disconnecting_` (remote
 *   close, socket error, protocol error; PR #7238); own closes leave it unchanged; a connect
 *   leaves it unchanged (PR #6917).
 * - Unreachable peers stay candidates at step + 2 (PR #6975): a dead unreachable peer waits 900,
 *   1800, 3600, 7200 s counted from each attempt start.
 * - Pool entry flags (PR #6917): LTEP `upload_only` sets or clears `upload_only`; bitfield,
 *   have-all, have-none set or clear `seed`; a PEX upload-only flag sets `upload_only`.
 *   `is_upload_only()` = upload_only ∨ seed. A done client skips upload-only peers only when PEX
 *   is not allowed (with PEX it still connects to swap peers, then closes after 30 s idle).
 * - Score bit 1 = fruitless count ≠ 0; upload-only peers last (`:2672`). K = 9 per 500 ms
 *   pulse, cache of 36 rebuilt only when empty.
 * - Dial budget (`get_peer_candidates` `:2709,2737`, `initiate_connection` `:2782`): skipped only
 *   when handshaked peers reach the limit; K taken every pulse; the global 200-socket cap
 *   applies only while done ("allow downloading torrents to steal connection slots"), so a
 *   downloading client with dead peers in its pool dials 18/s.
 * - An incoming connection's peer gets a fresh `tr_peer_info`; the LTEP listen port merges it
 *   into the pool entry (`tr_peer_info::merge` `:138-243`, "fruitless already the latest"
 *   `:230`): the count becomes 0 and unreachable becomes unknown. Against a libtorrent seed
 *   that dials in every 60 s, the count stays near 1.
 * - Pool pruning (§6, #6712) every 60 s when the pool exceeds peer_limit (done) or 3 × peer_limit,
 *   on its own timer (`maintain`) as upstream's `peer_info_pulse`, so also while the client sits
 *   at its peer limit. (It used to run inside select(), which the host does not call at the
 *   limit: in `large.yaml` at 10 minutes 744 of 1 193 such peers held ~970 entries over the cap.)
 */
export const transmission41Variant: TransmissionVariant = {
  name: 'transmission-4.1',
  description: 'Transmission 4.1.x: fruitless-connection count, unreachable at step + 2, seeds kept with PEX',
  rule: 'the fruitless count grows only when the remote closes: its own seed-to-seed close (30 s idle with PEX) costs no wait, and incoming links from the same peer reset the count',
  perPulse: 9,
  cacheFactor: 4,
  resetOnConnect: false,
  resetOnDataClose: true,
  fruitlessClose: 'disconnecting',
  unreachable: 'step-plus-2',
  doneFilter: 'done-upload-only-without-pex',
  failureBit: 'fails-nonzero',
  flags: 'persist',
  pexClearsUnreachable: true,
  pruning: true,
  seedOrder: 'seeds-last',
  socketCap: 'when-done',
  refusesKnownSeeds: false,
  incomingFailuresCount: false,
  incomingMerge: true,
  incomingNewConnectable: false,
};

export const transmission41 = transmissionFactory(transmission41Variant);
