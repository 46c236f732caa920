import type { HostView, PeerFlags, PolicyFactory, ReconnectPolicy } from '../policy.js';
import { ListingPolicy, ScanInfo } from '../scan-policy.js';
import { Source } from '../source.js';

/**
 * `webtorrent`: WebTorrent **3.0.21** (npm `webtorrent@3.0.21`, `lib/torrent.js`, `lib/peer.js`;
 * the lab's client). Client kind `webtorrent`.
 *
 * - Queue (`torrent.js` `_addPeer` `:1085-1120`, `_drain` `:2102-2135`): a peer told of by the
 *   tracker (or PEX) is queued unless it is already a peer of the torrent (`_peers.has`), and
 *   dialled first in, first out as soon as `_numConns + _numPending < maxConns` (55). The model
 *   orders by queue time, then remote id.
 * - Reconnect (`torrent.js:2145-2175`, the `close` handler of a dialled connection only):
 *   `RECONNECT_WAIT = [1000, 5000, 15000]` ms (`:92`); after a close, with `retries` < 3 the
 *   peer is re-added after `RECONNECT_WAIT[retries]` with `retries + 1`; at 3 it is not re-added
 *   (`will not re-add (max 3 attempts)`; with uTP on a fresh TCP peer would be added instead:
 *   the lab runs `utp: false`). A connection this client accepted is not re-added when it closes.
 * - **The counter resets on every handshake** (`peer.js` `onHandshake` `:185`, `this.retries =
 *   0`): a remote that completes the handshake and then closes (a libtorrent seed's `upload to
 *   upload connection`) is re-dialled 1 s after every close, without end — the #6910 loop the lab
 *   confirmed (105 redials in 115.8 s, lab/README.md). A remote that fails before the handshake
 *   is dialled 1 s, 5 s and 15 s after the failures, then only when a tracker lists it again.
 * - A tracker listing while a re-add is pending queues the peer at once with `retries` 0 (the
 *   pending timer then finds it a duplicate); the model does the same.
 * - Times are kept exactly (millisecond timers, no whole-second clock).
 */
export const WEBTORRENT_RECONNECT_WAIT: readonly number[] = [1, 5, 15];
/** `maxConns` default (`index.js:84`): also the most dials one select returns. */
export const WEBTORRENT_MAX_CONNS = 55;

export class WebtorrentInfo extends ScanInfo {
  /** `peer.retries`. */
  retries = 0;
  /** When the peer is (or will be) in the queue; Infinity when it is not to be dialled. */
  queuedAt = Infinity;
}

export class WebtorrentPolicy extends ListingPolicy<WebtorrentInfo> {
  readonly name = 'webtorrent';

  constructor() {
    super(WEBTORRENT_MAX_CONNS);
  }

  protected make(remote: number, source: Source, now: number): WebtorrentInfo {
    return new WebtorrentInfo(remote, source, now);
  }

  protected override learned(info: WebtorrentInfo, source: Source, flags: PeerFlags, now: number, isNew: boolean): boolean {
    const changed = super.learned(info, source, flags, now, isNew);
    // `_addPeer`: an address string joins the queue unless it is a peer already (queued or connected).
    if (source === Source.Incoming || info.conns > 0 || info.queuedAt <= now) return changed;
    // (A pending re-add, queuedAt > now, is replaced: a change. Every event that can make a
    // declined listing count later touches the record, so the no-op learn memo stays exact.)
    info.queuedAt = now;
    info.retries = 0;
    return true;
  }

  eligibleAt(info: WebtorrentInfo, _host: HostView): number {
    return info.banned ? Infinity : info.queuedAt;
  }

  protected rank(info: WebtorrentInfo): number {
    return info.queuedAt;
  }

  override onDial(info: WebtorrentInfo, now: number): void {
    info.queuedAt = Infinity; // shifted off the queue
    super.onDial(info, now);
  }

  override onHandshake(info: WebtorrentInfo, now: number, outgoing: boolean): void {
    super.onHandshake(info, now, outgoing);
    info.retries = 0;
  }

  /** The `close` handler of a connection `_drain` made (`torrent.js:2145-2175`); an accepted one has none. */
  protected ended(info: WebtorrentInfo, now: number, dialled: boolean): void {
    if (!dialled || info.queuedAt < Infinity) return; // accepted, or re-listed by a tracker meanwhile
    if (info.retries >= WEBTORRENT_RECONNECT_WAIT.length) return; // will not re-add
    info.queuedAt = now + (WEBTORRENT_RECONNECT_WAIT[info.retries] as number);
    info.retries++;
  }
}

export const webtorrent: PolicyFactory = {
  name: 'webtorrent',
  description: 'WebTorrent 3.0.21: re-add after 1, 5, 15 s, then give up; the counter resets on every handshake (a 1 s loop)',
  rule: 'the retry counter resets on every handshake: a peer that handshakes and closes is re-dialled about every second, for ever (the #6910 loop)',
  params: [],
  client: 'webtorrent',
  create(): ReconnectPolicy {
    return new WebtorrentPolicy();
  },
};
