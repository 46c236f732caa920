import { transmissionFactory, type TransmissionVariant } from './transmission-common.js';

/**
 * `transmission-main-2023`: Transmission `main` between PR #5773 (`c867f0015`, 2023-07-14,
 * `peer_atom` → `tr_peer_info`) and PR #6917 (`9ff95d162`, 2024-09-09); modelled on
 * `9ff95d162^` (`libtransmission/peer-mgr.cc`, `peer-mgr.h`). Shared rules:
 * transmission-common.ts.
 *
 * - Counter `num_consecutive_fails_`: +1 on a failed connect/handshake (unreachable if nothing
 *   read); **zeroed by `set_connected(true)`** on every completed handshake; closes never change
 *   it. So a peer closed right after the handshake is back at step 0 (interval 0) and is re-dialled
 *   on the next pulse that rebuilds the candidate cache: issue #6910.
 * - Unreachable peers are never candidates; a successful outgoing handshake or a PEX connectable
 *   flag clears unreachable.
 * - A done client skips peers whose pool entry is flagged seed (`is_peer_candidate`: "not if
 *   we're both seeds"). **Evidence on whether the flag is learned from a connection:** it is not.
 *   In `9ff95d162^` the entry's `is_seed_` is written only by `set_pex_flags()` (called from
 *   `ensure_info_exists` on every tracker/PEX/LTEP add, *overwriting* the bit: a tracker re-listing
 *   with flags 0 clears it), by `merge()`, by `on_swarm_is_all_seeds()` (private tracker reports 0
 *   leechers) and on metainfo arrival. Bitfield/have-all do not touch it, and the LTEP
 *   `upload_only` key only feeds a PEX entry for the peer's advertised `ipv4` address on an
 *   *incoming* connection. PR #6917's own commit list says "fix: update seed flag in response to
 *   BT msgs — Regression from 81a42c6bb" and "fix: save information from ltep handshake". So
 *   main-2023 re-dials a seed it just met as a seed, as #6910 reports. Modelled: onRemoteState is
 *   ignored; PEX flags overwrite the seed bit on every non-incoming learn (the incoming-`ipv4`
 *   LTEP path is not modelled).
 * - Score bit 1 = `connection_failure_count() != 0` (checked; the reference's "same as 4.0" is
 *   not what this commit does). K = 9 per 500 ms pulse (18/s, #5734), cache of 36 rebuilt only
 *   when empty. No pool pruning.
 */
export const transmissionMain2023Variant: TransmissionVariant = {
  name: 'transmission-main-2023',
  description: 'Transmission main after #5773 (2023-24): fail count reset on connect, the #6910 re-dial loop',
  perPulse: 9,
  cacheFactor: 4,
  resetOnConnect: true,
  resetOnDataClose: false,
  fruitlessClose: 'never',
  unreachable: 'excluded',
  doneFilter: 'done-seed',
  failureBit: 'fails-nonzero',
  flags: 'pex-overwrite',
  pexClearsUnreachable: true,
  pruning: false,
};

export const transmissionMain2023 = transmissionFactory(transmissionMain2023Variant);
