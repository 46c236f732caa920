import { transmissionFactory, type TransmissionVariant } from './transmission-common.js';

/**
 * `transmission-main-2023`: Transmission `main` between PR #5773 (`c867f0015`, 2023-07-14,
 * `peer_atom` → `tr_peer_info`) and PR #6712 (`96de1706a`, 2024-05-27, which restored pool
 * pruning); modelled on **`96de1706a^`** (2024-05-26), `libtransmission/peer-mgr.cc`,
 * `peer-mgr.h`. (Main from #6712 to #6917 adds 4.1's pruning; this variant does not model that
 * stretch.) Shared rules: transmission-common.ts.
 *
 * - Counter `num_consecutive_fails_`: +1 on a failed connect/handshake (unreachable if nothing
 *   read); **zeroed by `set_connected(true)`** (`peer-mgr.h:202-213`) on every completed
 *   handshake; closes never change it. So a peer closed right after the handshake is back at
 *   step 0 (interval 0) and is re-dialled on the next pulse that rebuilds the candidate cache:
 *   issue #6910.
 * - Unreachable peers are never candidates; a successful outgoing handshake or a PEX connectable
 *   flag clears unreachable. An incoming connection's fresh `tr_peer_info` is merged into the
 *   pool entry at the LTEP port (`tr_peer_info::merge`, `peer-mgr.cc:143`): unreachable becomes
 *   unknown. A peer with no pool entry at that port becomes connectable instead
 *   (`on_got_port`, `:868-874`), so it ranks as known-connectable and PEX advertises it so.
 * - A done client skips peers whose pool entry is flagged seed (`is_peer_candidate`: "not if
 *   we're both seeds"). The entry's `is_seed_` is written only by `set_pex_flags()` (called from
 *   `ensure_info_exists` on every tracker/PEX/LTEP add, *overwriting* the bit: a tracker re-listing
 *   with flags 0 clears it), by `merge()`, by `on_swarm_is_all_seeds()` and on metainfo
 *   arrival; bitfield/have-all do not touch it (PR #6917's "fix: update seed flag in response
 *   to BT msgs — Regression from 81a42c6bb"). So main re-dials a seed it just met as a seed, as
 *   #6910 reports. Modelled: onRemoteState is ignored; PEX flags overwrite the seed bit on every
 *   non-incoming learn (the incoming-`ipv4` LTEP path is not modelled).
 * - Score (`getPeerCandidateScore` `:2453`): bit 1 = `connection_failure_count() != 0`; seeds
 *   **first** (`is_seed() ? 0 : 1`, "prefer peers that we might be able to upload to": #5773
 *   inverted 4.0's order, #6917 restored it). K = 9 per 500 ms pulse (18/s, #5734), cache of 36
 *   rebuilt only when empty.
 * - Dial budget: skipped only when handshaked peers reach the limit; the global 200-socket cap
 *   (`:2564`) applies downloading or not, as in 4.0.6. No pool pruning at this commit.
 */
export const transmissionMain2023Variant: TransmissionVariant = {
  name: 'transmission-main-2023',
  description: 'Transmission main after #5773 (2023-24): fail count reset on connect, the #6910 re-dial loop',
  rule: 'no memory: the fail count resets on every connect, so a peer closed after the handshake is re-dialled on the next pulse (#6910)',
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
  seedOrder: 'seeds-first',
  socketCap: 'always',
  refusesKnownSeeds: false,
  incomingFailuresCount: false,
  incomingMerge: true,
  incomingNewConnectable: true,
};

export const transmissionMain2023 = transmissionFactory(transmissionMain2023Variant);
