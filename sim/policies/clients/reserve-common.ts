import { mix32 } from '../mix.js';
import type { CloseInfo, ConnectFailure, HostView, PeerFlags } from '../policy.js';
import { ScanInfo, ScanPolicy } from '../scan-policy.js';
import { Source } from '../source.js';

/** A known peer of a reserve client: in the reserve (a dial candidate) or not. */
export class ReserveInfo extends ScanInfo {
  /** Listed by a source since its last dial: in the reserve. */
  queued = false;
  /** When it last entered the reserve (s). */
  queuedAt = 0;
}

/**
 * Consume-and-rediscover, the rule of anacrolix/torrent and of BiglyBT's discovered-peer pool:
 * a tracker, DHT or PEX listing puts a peer into the reserve; a dial pops it; nothing puts it back
 * but another listing. A listing while the peer is connected or dialled adds nothing (anacrolix
 * pops and skips an active address). Incoming connections never enter the reserve. Order: the
 * BEP 40 stand-in (a 32-bit mix of the remote id and a per-host salt drawn once from host.rng),
 * highest first, after `tier()`. Subclasses refuse listings (`admitListing`) and re-queue on close.
 */
export abstract class ReservePolicy<I extends ReserveInfo> extends ScanPolicy<I> {
  private salt: number | undefined;
  /** host.done as the last select, nextWake or eligibleAt saw it (events carry no host). */
  protected hostDone = false;

  /** Whether a listing at `now` may put the peer into the reserve (default: yes). */
  protected admitListing(_info: I, _now: number): boolean {
    return true;
  }

  /** Rank tier before the BEP 40 order, lower first (default 0). */
  protected tier(_info: I, _host: HostView): number {
    return 0;
  }

  protected enqueue(info: I, now: number): void {
    info.queued = true;
    info.queuedAt = now;
  }

  /** A refused listing reports a change, so that no memo skips the next (time-dependent) check. */
  protected override learned(info: I, source: Source, flags: PeerFlags, now: number, isNew: boolean): boolean {
    const changed = super.learned(info, source, flags, now, isNew);
    if (source === Source.Incoming || info.conns > 0 || info.queued) return changed;
    if (this.admitListing(info, now)) this.enqueue(info, now);
    return true;
  }

  eligibleAt(info: I, host: HostView): number {
    this.hostDone = host.done;
    return info.banned || !info.queued ? Infinity : info.queuedAt;
  }

  protected rank(info: I, host: HostView): number {
    if (this.salt === undefined) this.salt = host.rng.int(2 ** 32);
    return this.tier(info, host) * 2 ** 32 + (0xffffffff - mix32(info.remote ^ this.salt));
  }

  override nextWake(host: HostView): number {
    this.hostDone = host.done;
    return super.nextWake(host);
  }

  // learned() reads `conns` and `queued`: every change clears the no-op learn memo.
  override onDial(info: I, now: number): void {
    super.onDial(info, now);
    info.queued = false;
    this.touch(info);
  }

  override onIncoming(info: I, now: number): void {
    super.onIncoming(info, now);
    this.touch(info);
  }

  override onConnectFailure(info: I, now: number, reason: ConnectFailure): void {
    super.onConnectFailure(info, now, reason);
    this.touch(info);
  }

  override onHandshakeFailure(info: I, now: number, outgoing: boolean, readAnything: boolean): void {
    super.onHandshakeFailure(info, now, outgoing, readAnything);
    this.touch(info);
  }

  override onClose(info: I, now: number, close: CloseInfo): void {
    super.onClose(info, now, close);
    this.touch(info);
  }
}
