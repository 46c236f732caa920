import { PEER_INFO_BITS, PeerRecord } from './peer-info.js';
import type { CloseInfo, ConnectFailure, HostView, PeerFlags, RemoteState } from './policy.js';
import { SlotPolicy } from './slot-policy.js';
import type { Source } from './source.js';

/** TrackedInfo's counters in PeerRecord.bits: conns (3 bits), then established (3 bits). */
const CONNS_SHIFT = PEER_INFO_BITS;
const ESTABLISHED_SHIFT = PEER_INFO_BITS + 3;
const COUNT_MAX = 7;
/** The `conns` bits of `bits` (zero: not in use), for subclasses testing several at once. */
export const CONNS_MASK = COUNT_MAX << CONNS_SHIFT;

/**
 * The record of the object-based built-in policies: `PeerRecord` plus the bookkeeping the shared
 * base needs (slot, open-connection counts). `inUse` is derived from `conns`, so an incoming and
 * an outgoing connection to the same peer at once are both accounted for. The counts live in
 * `bits` (3 bits each, −16 bytes a record: in practice a host has at most one connection each
 * way with a peer; more than 7 throws rather than wraps). The dial count, read only by the
 * scanning policies, is theirs (ScanInfo).
 */
export class TrackedInfo extends PeerRecord {
  /** Index in the policy's dense record array; -1 once forgotten. */
  slot = -1;

  /** Connections with this peer in progress or established (both directions). */
  get conns(): number {
    return (this.bits >> CONNS_SHIFT) & COUNT_MAX;
  }
  set conns(v: number) {
    this.bits = (this.bits & ~(COUNT_MAX << CONNS_SHIFT)) | (checkedCount(v) << CONNS_SHIFT);
  }

  /** Of those, connections whose handshake completed. */
  get established(): number {
    return (this.bits >> ESTABLISHED_SHIFT) & COUNT_MAX;
  }
  set established(v: number) {
    this.bits = (this.bits & ~(COUNT_MAX << ESTABLISHED_SHIFT)) | (checkedCount(v) << ESTABLISHED_SHIFT);
  }
}

/** A per-peer connection count that must fit its 3 bits. */
export function checkedCount(v: number): number {
  if (!(v >= 0 && v <= COUNT_MAX)) throw new RangeError(`known-peer record: ${v} connections with one peer (at most ${COUNT_MAX})`);
  return v;
}

/**
 * Records as objects, one per slot (`records[slot]`), for the generic families: they run subject
 * groups (a few clients), and their rules read `info.field` plainly. (The client mirrors, whose
 * records fill whole crowds, keep rows instead: record-rows.ts.) Default event bookkeeping
 * for the base fields; policies override the `on…` hooks and call `super` to keep it.
 * `clock(now)` lets client mirrors store whole seconds as the clients do.
 *
 * Object-level forms of the core's slot hooks: `learned`, `touch`, `forget`. Not indexed (no
 * slot tree): every select scans the records.
 */
export abstract class BasePolicy<I extends TrackedInfo> extends SlotPolicy<I> {
  protected readonly records: I[] = [];

  /** Makes a fresh record. */
  protected abstract make(remote: number, source: Source, now: number): I;

  /** The timestamp the policy stores for `now` (identity; client mirrors floor to seconds). */
  protected clock(now: number): number {
    return now;
  }

  protected append(remote: number, source: Source, now: number): void {
    const info = this.make(remote, source, now);
    info.slot = this.records.length;
    this.records.push(info);
  }

  protected moveSlot(from: number, to: number): void {
    const r = this.records[from] as I;
    this.records[to] = r;
    r.slot = to;
  }

  protected dropSlot(slot: number): void {
    (this.records[slot] as I).slot = -1;
  }

  protected truncate(_slot: number): void {
    this.records.pop();
  }

  protected remoteAt(slot: number): number {
    return (this.records[slot] as I).remote;
  }

  protected addSource(slot: number, bit: number): boolean {
    const info = this.records[slot] as I;
    const s = info.sources;
    if ((s & bit) !== 0) return false;
    info.sources = s | bit;
    return true;
  }

  protected view(slot: number, _remote: number): I {
    return this.records[slot] as I;
  }

  protected learnedSlot(slot: number, source: Source, flags: PeerFlags, now: number, isNew: boolean): boolean {
    return this.learned(this.records[slot] as I, source, flags, now, isNew);
  }

  /**
   * See SlotPolicy.learnedSlot (default: connectable/seed/upload-only flags are kept, never
   * cleared). The base's own handlers change none of the fields the default reads.
   */
  protected learned(info: I, _source: Source, flags: PeerFlags, _now: number, _isNew: boolean): boolean {
    let changed = false;
    if (flags.connectable === true && info.connectable !== true) {
      info.connectable = true;
      changed = true;
    }
    if (flags.seed === true && !info.seed) {
      info.seed = true;
      changed = true;
    }
    if (flags.uploadOnly === true && !info.uploadOnly) {
      info.uploadOnly = true;
      changed = true;
    }
    return changed;
  }

  /** The record changed outside learn in a way learned() may read: forgets its no-op learn memo. */
  protected touch(info: I): void {
    if (info.slot >= 0) this.touchSlot(info.slot);
  }

  /** Drops a record (never one in use). */
  protected forget(info: I): void {
    if (this.isHeld(info)) this.forgetSlot(info.slot);
  }

  /** True while the record is still held (not forgotten or pruned). */
  protected isHeld(info: I): boolean {
    return info.slot >= 0 && this.records[info.slot] === info;
  }

  /**
   * Default nextWake: the earliest eligibleAt over known peers not in use (exact for policies
   * whose select() scans every record; a policy with a cache answers `host.now` while it has one).
   */
  nextWake(host: HostView): number {
    let best = Infinity;
    const recs = this.records;
    for (let i = 0; i < recs.length; i++) {
      const r = recs[i] as I;
      if (r.conns > 0 || r.banned) continue;
      const t = this.eligibleAt(r, host);
      if (t < best) best = t;
    }
    return best;
  }

  private open(info: I): void {
    info.conns++;
    info.inUse = true;
  }

  private release(info: I): void {
    if (info.conns > 0) info.conns--;
    info.inUse = info.conns > 0;
  }

  onDial(info: I, now: number): void {
    this.open(info);
    info.attemptedAt = this.clock(now);
  }

  onConnectFailure(info: I, _now: number, _reason: ConnectFailure): void {
    this.release(info);
  }

  onIncoming(info: I, _now: number): void {
    this.open(info);
  }

  onHandshakeFailure(info: I, _now: number, _outgoing: boolean, _readAnything: boolean): void {
    this.release(info);
  }

  onHandshake(info: I, now: number, _outgoing: boolean): void {
    info.established++;
    info.changedAt = this.clock(now);
    info.pieceDataAt = 0;
  }

  onRemoteState(_info: I, _now: number, _state: RemoteState): void {}

  onPieceData(info: I, now: number): void {
    info.pieceDataAt = this.clock(now);
  }

  onClose(info: I, now: number, close: CloseInfo): void {
    if (info.established > 0) info.established--;
    this.release(info);
    info.changedAt = this.clock(now);
    if (close.reason === 'banned') info.banned = true;
  }
}
