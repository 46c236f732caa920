import { transmissionFactory, type TransmissionVariant } from './transmission-common.js';
import { transmission40Variant } from './transmission-4.0.js';

/**
 * `transmission-3.0`: Transmission **3.00** (tag `3.00`, the Debian 12 package the lab runs),
 * `libtransmission/peer-mgr.c`, `announcer.c`, `handshake.c`. It has the 4.0 structure
 * (`transmission-4.0.ts`); what differs from 4.0.6 was read in `git show 3.00:…` and
 * `4.0.6:libtransmission/peer-mgr.cc`. Shared rules: transmission-common.ts. Client kind
 * `transmission-3` (the 4.x mechanics plus the plaintext retry and the batched `have`, below).
 *
 * The same as 4.0.6:
 * - `MAX_CONNECTIONS_PER_SECOND` 12, `MAX_CONNECTIONS_PER_PULSE` 6 per `RECONNECT_PERIOD_MSEC`
 *   500 (`peer-mgr.c:55-64`); no candidate cache: `makeNewPeerConnections` →
 *   `getPeerCandidates` re-ranks every pulse (`:4240-4367`).
 * - `numFails`: +1 on a failed connect or handshake, unreachable when nothing was read
 *   (`myHandshakeDoneCB` `:2036-2053`, found by address, so incoming failures count too);
 *   `closePeer` (`:3526-3547`) zeroes it after piece data (`resetting atom … numFails to 0`) and
 *   otherwise adds 1 (`incremented atom … numFails to N`, the lab's log lines); a connect leaves
 *   it alone.
 * - Interval table (`getReconnectIntervalSecs` `:3442-3500`): 5 s after recent piece data, else
 *   0, 10, 120, 900, 1800, 3600, 7200 s by step, counted from `atom->time` (attempt or
 *   connection change).
 * - Score (`getPeerCandidateScore` `:4084-4150`): last attempt failed, attempted least recently,
 *   (torrent-level bits), connectable, seed probability, `fromBest`, salt.
 *
 * Different from 4.0.6:
 * - **Unreachable peers stay candidates at step + 2** (`:3460-3464`); 4.0.6 drops them.
 * - **Seed flag from the tracker**: the announce's `complete`/`incomplete` give a seed
 *   probability (`announcer.c:551-578`) that every peer of the answer takes when its own is
 *   unknown (`ensureAtomExists` `:1942-1970`). A tracker that says `incomplete: 0` marks every
 *   listed peer a seed, and a seed never dials a seed (`isPeerCandidate` `:4029-4035`): the
 *   lab's `seeds-transmission` seeds never dialled each other.
 * - **Seed flag from a connection** (`tr_peerUpdateProgress` → `atomSetSeed`, `:2535-2576`): a
 *   bitfield, have-all or `have` that shows the whole file marks the atom a seed for good.
 * - The score's seed term is the probability (0–100, unknown 100, seed 101); the model keeps
 *   only the seed bit (seeds last), so known non-seeds and unknown ones tie (then salt).
 * - **Known-seed refusal** (`refusesKnownSeeds`, as 4.0.6; `handshake.c:836-845`): a seed
 *   reading an encrypted handshake from an address its pool holds as a seed drops it ("another
 *   seed tried to reconnect to us!"); the dialler, which had read the acceptor's key, gives up at its 30 s
 *   handshake timeout and counts a failure (reachable). The plaintext retry that 3.00 then
 *   makes inside the same attempt (`handshake failed, trying plaintext...`) is a connection the
 *   kind records for the metrics; the policy never hears of it.
 * - **The last `have` is batched** (client kind, `peer-msgs.c:83-85`, `LOW_PRIORITY_INTERVAL_SECS`
 *   10 s): a leecher that completes and closes its seed links at once (no PEX) never tells those
 *   seeds; they see a peer with recent piece data and dial it again 5 s later.
 * - `atomPulse` prunes above min(50, 3 × peer limit) atoms (`:3941-3990`): not modelled (the
 *   lab's swarms hold ≤ 6 peers).
 */
export const transmission30Variant: TransmissionVariant = {
  ...transmission40Variant,
  name: 'transmission-3.0',
  description: 'Transmission 3.00: 4.0 structure, unreachable at step + 2, seeds known from the tracker and bitfields never dialled',
  rule: 'seeds known: the tracker\'s counts and every connection\'s bitfield mark a peer as a seed, never dialled again when done; otherwise 4.0\'s fail count',
  unreachable: 'step-plus-2',
  trackerSeedProbability: true,
  seedFromConnection: true,
};

export const transmission30 = { ...transmissionFactory(transmission30Variant), client: 'transmission-3' as const };
