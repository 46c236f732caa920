import type { CloseInfo, HostView, PeerFlags, PolicyFactory, ReconnectPolicy } from '../policy.js';
import { ListingPolicy, ScanInfo } from '../scan-policy.js';
import { Source } from '../source.js';

/**
 * `aria2-1.36`: aria2 **1.36.0** (tag `release-1.36.0`; Debian 12's `aria2`). Client kind
 * `aria2` (the 10 s connection command, 55 / 44 peers, seed-to-seed drop).
 *
 * - **Each listing is dialled once.** `DefaultPeerStorage::addPeer` (`src/DefaultPeerStorage.cc`
 *   `:89-119`) appends a listed peer to `unusedPeers_` unless it is already known (`uniqPeers_`:
 *   unused or in use) or marked bad; `checkoutPeer` (`:271-289`) takes the **front** (first in,
 *   first out) into `usedPeers_`; `returnPeer` (`:312-325`) erases it (`onErasingPeer` drops it
 *   from `uniqPeers_`) whatever happened: refused, timed out, closed after a handshake. It comes
 *   back only when a tracker or PEX lists it again, and is then dialled again at once.
 * - **5 per 10 s.** `ActivePeerConnectionCommand` runs every 10 s (`BtSetup.cc:127`) and
 *   checks out `numNewConnection_` = 5 peers (`ActivePeerConnectionCommand.cc:66`, `:99-118`);
 *   a seed only up to `bt-max-peers` (55) connections, a leecher while below 44 (the client
 *   kind's budget).
 * - **Bad peers**: a bad piece marks the address bad for a random 120–600 s
 *   (`addBadPeer` `:236-258`), during which listings are refused; the model uses 600 s (a
 *   `banned` close), as learn has no random stream.
 * - An incoming connection's peer is in use while connected and forgotten when it closes.
 * - Times are exact.
 */
export const ARIA2_PER_TICK = 5;
export const ARIA2_BAD_PEER_SECS = 600;

export class Aria2Info extends ScanInfo {
  /** In `unusedPeers_`: to be checked out. */
  unused = false;
  /** When it joined `unusedPeers_` (its queue position). */
  queuedAt = 0;
  /** When the bad mark ends (0: none). */
  badUntil = 0;
}

export class Aria2Policy extends ListingPolicy<Aria2Info> {
  readonly name = 'aria2-1.36';

  constructor() {
    super(ARIA2_PER_TICK);
  }

  protected make(remote: number, source: Source, now: number): Aria2Info {
    return new Aria2Info(remote, source, now);
  }

  protected override learned(info: Aria2Info, source: Source, flags: PeerFlags, now: number, isNew: boolean): boolean {
    const changed = super.learned(info, source, flags, now, isNew);
    if (source === Source.Incoming || info.unused || info.conns > 0) return changed;
    // Declined by the clock: the same listing counts later, so it must not be memoised as a no-op.
    if (info.badUntil > now) return true;
    info.unused = true;
    info.queuedAt = now;
    return true;
  }

  eligibleAt(info: Aria2Info, _host: HostView): number {
    return info.unused ? info.queuedAt : Infinity;
  }

  protected rank(info: Aria2Info): number {
    return info.queuedAt;
  }

  override onDial(info: Aria2Info, now: number): void {
    info.unused = false;
    super.onDial(info, now);
  }

  /** `returnPeer` → `onErasingPeer`: forgotten once nothing is open with it; a bad piece bars it instead. */
  protected ended(info: Aria2Info, now: number, _dialled: boolean, close: CloseInfo | null): void {
    if (close !== null && close.reason === 'banned') {
      info.banned = false; // a bad mark, not a ban for good: the record refuses listings until it ends
      info.badUntil = now + ARIA2_BAD_PEER_SECS;
      return;
    }
    if (info.conns === 0 && !info.unused) this.forget(info);
  }
}

export const aria2136: PolicyFactory = {
  name: 'aria2-1.36',
  description: 'aria2 1.36.0: dial each listed peer once (5 per 10 s) and forget it; only a new listing brings it back',
  rule: 'dial each listing once, 5 per 10 s, and forget: re-dials come only from new listings',
  params: [],
  client: 'aria2',
  create(): ReconnectPolicy {
    return new Aria2Policy();
  },
};
