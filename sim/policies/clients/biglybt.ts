import type { CloseInfo, ConnectFailure, HostView, PolicyFactory, ReconnectPolicy, RemoteState } from '../policy.js';
import type { Source } from '../source.js';
import { ReserveInfo, ReservePolicy } from './reserve-common.js';

/** `OUTBOUND_IGNORE_ADDRESSES_MAX`: the close-reason blacklist, an access-ordered LRU. */
export const BIGLYBT_BLACKLIST_MAX = 1024;
/** `CONNECT_FAIL_HISTORY_MAX`: the connect-failure history, an LRU. */
export const BIGLYBT_FAIL_HISTORY_MAX = 512;
/** `RECONNECT_DOWNLOADING_MIN` and `RECONNECT_SEEDING_MIN` (s). */
export const BIGLYBT_FAIL_WAIT_DOWNLOADING = 60;
export const BIGLYBT_FAIL_WAIT_SEEDING = 180;
/** `BLOOM_ROTATION_PERIOD` (s): a peer handed out in this or the previous period goes last. */
export const BIGLYBT_BLOOM_PERIOD = 420;
/** `network.max.simultaneous.connect.attempts` (40; 8 where half-open is limited): dials per select. */
export const BIGLYBT_DIALS_PER_SELECT = 40;

/**
 * `biglybt`: BiglyBT tag **v4.1.0.0** (github:BiglySoftware/BiglyBT), read at
 * `core/src/com/biglybt/core/peer/impl/control/PEPeerControlImpl.java` (`:412-433` the
 * blacklist and connect-failure LRUs and their waits, `:1499-1524` the outgoing-connection gate in
 * `makeNewOutgoingConnection`, `:2237-2250` the blacklist cleared on leaving seeding,
 * `:2651-2710` `checkSeeds`, `:3520-3700` `peerConnectionClosed` and the immediate `tcpReconnect`,
 * `:5255` `getNextOptimisticConnectPeer`, `:6840-6900` `handleCloseReason`),
 * `core/src/com/biglybt/core/peer/impl/transport/PEPeerTransportProtocol.java` (`:1123-1160` which
 * close reason reaches `handleCloseReason`, `:1280` `isSafeForReconnect`, `:4131`, `:4335`
 * `allowReconnect` set by a piece request or a good piece), `peermanager/peerdb/PeerDatabase.java`
 * (`:342-470`: discovered peers are popped, a peer handed out in the last 7–14 min goes after the
 * others) and `networkmanager/Transport.java:36-56` (close codes).
 *
 * - Pool: consume and rediscover (ReservePolicy): a listing puts the peer into the discovered
 *   set, a dial pops it.
 * - Blacklist: when this client closes a link with `CR_UPLOAD_TO_UPLOAD` (6; here its own
 *   `seed_seed` close from `checkSeeds`), the address enters a 1024-entry LRU and is never dialled
 *   out again: every later listing is refused (and refreshes the entry, as `get` does in an
 *   access-ordered LinkedHashMap); the 1025th entry evicts the least recently used one. The list
 *   is cleared only when the client leaves seeding (a simulated seed never does).
 *   `CR_NOT_INTERESTED_UPLOAD_ONLY` (7) blacklists too, but v4.1.0.0 never sends it itself, and a
 *   remote's reason reaches `handleCloseReason` only through `KEY_CLOSE_REASON` on the transport,
 *   which only this end sets: the model has no reason on the wire, so a remote close blacklists
 *   nothing.
 * - Connect failures: a listing within 60 s of the last connect failure (180 s while seeding) is
 *   refused; the history is a 512-entry LRU.
 * - Immediate reconnect: when the remote ends a link that moved pieces (`allowReconnect`), the
 *   peer is dialled again at once, unless this client seeds and the remote is a seed.
 * - Order: peers not handed out in the current or previous 420 s bloom period first, then BEP 40
 *   priority (a stand-in).
 *
 * Not modelled: the 500-entry cap of the discovered set, PEX peers kept apart
 * (`getPeerFromPEX`), UDP and NAT-traversal fallbacks, the `getMaxNewConnectionsAllowed > max/3`
 * condition of the immediate reconnect.
 */
export class BiglybtPolicy extends ReservePolicy<ReserveInfo> {
  readonly name = 'biglybt';
  /** remote → reason code, least recently used first (Map insertion order). */
  readonly blacklist = new Map<number, number>();
  /** remote → time of the last connect failure, least recently used first. */
  readonly failures = new Map<number, number>();
  /** Start of the bloom rotation (the first listing). */
  private origin = -1;

  constructor() {
    super(BIGLYBT_DIALS_PER_SELECT);
  }

  protected make(remote: number, source: Source, now: number): ReserveInfo {
    if (this.origin < 0) this.origin = now;
    return new ReserveInfo(remote, source, now);
  }

  protected override admitListing(info: ReserveInfo, now: number): boolean {
    const rc = this.blacklist.get(info.remote);
    if (rc !== undefined) {
      lruPut(this.blacklist, info.remote, rc, BIGLYBT_BLACKLIST_MAX);
      return false;
    }
    const failedAt = this.failures.get(info.remote);
    const wait = this.hostDone ? BIGLYBT_FAIL_WAIT_SEEDING : BIGLYBT_FAIL_WAIT_DOWNLOADING;
    return failedAt === undefined || now - failedAt > wait;
  }

  protected override tier(info: ReserveInfo, host: HostView): number {
    if (info.dials === 0) return 0;
    const epoch = (t: number): number => Math.floor((t - this.origin) / BIGLYBT_BLOOM_PERIOD);
    return epoch(info.attemptedAt) >= epoch(host.now) - 1 ? 1 : 0;
  }

  override onConnectFailure(info: ReserveInfo, now: number, reason: ConnectFailure): void {
    super.onConnectFailure(info, now, reason);
    lruPut(this.failures, info.remote, now, BIGLYBT_FAIL_HISTORY_MAX);
  }

  override onRemoteState(info: ReserveInfo, now: number, state: RemoteState): void {
    super.onRemoteState(info, now, state);
    if (state.via !== 'ltep' && info.seed !== state.seed) {
      info.seed = state.seed;
      this.touch(info); // learned() reads it
    }
  }

  override onClose(info: ReserveInfo, now: number, close: CloseInfo): void {
    super.onClose(info, now, close);
    if (close.byUs && close.reason === 'seed_seed') {
      lruPut(this.blacklist, info.remote, CR_UPLOAD_TO_UPLOAD, BIGLYBT_BLACKLIST_MAX);
    } else if (!close.byUs && close.pieceBytes > 0 && !(this.hostDone && info.seed) && info.conns === 0) {
      this.enqueue(info, now);
    }
  }
}

const CR_UPLOAD_TO_UPLOAD = 6;

/** LinkedHashMap(accessOrder = true) with removeEldestEntry at `max`: put or refresh `key`. */
function lruPut(map: Map<number, number>, key: number, value: number, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as number);
}

export const biglybt: PolicyFactory = {
  name: 'biglybt',
  description: 'BiglyBT 4.1: pop listed peers; an upload-to-upload close blacklists the address (1024-entry LRU)',
  rule: 'blacklist: a seed-to-seed close it makes is never retried; any other peer is dialled once per listing (pop and forget), at once after a useful link the remote ended',
  params: [],
  client: 'biglybt',
  create(): ReconnectPolicy {
    return new BiglybtPolicy();
  },
};
