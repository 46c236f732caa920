import { PeerInfo } from './peer-info.js';
import type {
  CloseInfo,
  ConnectFailure,
  HostView,
  PeerFlags,
  ReconnectPolicy,
  RemoteState,
} from './policy.js';
import type { Source } from './source.js';

/**
 * The record every built-in policy extends: `PeerInfo` plus the bookkeeping the shared base
 * needs (dense-array slot, open-connection counts). `inUse` is derived from `conns`, so an
 * incoming and an outgoing connection to the same peer at once are both accounted for.
 */
export class TrackedInfo extends PeerInfo {
  /** Index in the policy's dense record array; -1 once forgotten. */
  slot = -1;
  /** Connections with this peer in progress or established (both directions). */
  conns = 0;
  /** Of those, connections whose handshake completed. */
  established = 0;
  /** Outgoing attempts started. */
  dials = 0;
}

/**
 * Shared skeleton of the built-in policies: records in a Map (lookup) plus a dense array
 * (allocation-free iteration, swap-remove on forget), and default event bookkeeping for the
 * base `PeerInfo` fields. Policies override the `on…` hooks and call `super` to keep the
 * bookkeeping. `clock(now)` lets client mirrors store whole seconds as the clients do.
 */
export abstract class BasePolicy<I extends TrackedInfo> implements ReconnectPolicy<I> {
  abstract readonly name: string;
  protected readonly records: I[] = [];
  protected readonly byId = new Map<number, I>();

  /** Makes a fresh record. */
  protected abstract make(remote: number, source: Source, now: number): I;

  /** The policy's rule; see ReconnectPolicy.eligibleAt. */
  abstract eligibleAt(info: I, host: HostView): number;

  abstract select(host: HostView, budget: number, out: Int32Array): number;

  /** The timestamp the policy stores for `now` (identity; client mirrors floor to seconds). */
  protected clock(now: number): number {
    return now;
  }

  get(remote: number): I | undefined {
    return this.byId.get(remote);
  }

  size(): number {
    return this.records.length;
  }

  learn(remote: number, source: Source, flags: PeerFlags, now: number): I | undefined {
    let info = this.byId.get(remote);
    if (info === undefined) {
      info = this.make(remote, source, now);
      info.slot = this.records.length;
      this.records.push(info);
      this.byId.set(remote, info);
      this.learned(info, source, flags, now, true);
    } else {
      info.sources |= 1 << source;
      if (source < info.fromBest) info.fromBest = source;
      this.learned(info, source, flags, now, false);
    }
    return info;
  }

  /** Hook after learn: apply flags (default: connectable/seed/upload-only flags are kept, never cleared). */
  protected learned(info: I, _source: Source, flags: PeerFlags, _now: number, _isNew: boolean): void {
    if (flags.connectable === true) info.connectable = true;
    if (flags.seed === true) info.seed = true;
    if (flags.uploadOnly === true) info.uploadOnly = true;
  }

  /** Drops a record (never one in use). */
  protected forget(info: I): void {
    const slot = info.slot;
    if (slot < 0 || this.records[slot] !== info) return;
    const last = this.records.pop() as I;
    if (last !== info) {
      this.records[slot] = last;
      last.slot = slot;
    }
    info.slot = -1;
    this.byId.delete(info.remote);
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
    info.dials++;
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

/**
 * A fixed-capacity best-k list ordered by (key, tie) ascending, reused across calls (no
 * allocation per select). Insertion is O(k) worst case; k is small (≤ 36).
 */
export class TopK<T> {
  readonly keys: Float64Array;
  readonly ties: Float64Array;
  readonly items: (T | undefined)[];
  length = 0;

  constructor(readonly capacity: number) {
    this.keys = new Float64Array(capacity);
    this.ties = new Float64Array(capacity);
    this.items = new Array<T | undefined>(capacity).fill(undefined);
  }

  clear(): void {
    for (let i = 0; i < this.length; i++) this.items[i] = undefined;
    this.length = 0;
  }

  /** Would (key, tie) enter the list? */
  accepts(key: number, tie: number): boolean {
    if (this.length < this.capacity) return true;
    const j = this.length - 1;
    const k = this.keys[j] as number;
    return key < k || (key === k && tie < (this.ties[j] as number));
  }

  push(key: number, tie: number, item: T): void {
    if (this.capacity === 0 || !this.accepts(key, tie)) return;
    let i = this.length < this.capacity ? this.length++ : this.length - 1;
    const keys = this.keys;
    const ties = this.ties;
    const items = this.items;
    while (i > 0) {
      const pk = keys[i - 1] as number;
      if (pk < key || (pk === key && (ties[i - 1] as number) <= tie)) break;
      keys[i] = pk;
      ties[i] = ties[i - 1] as number;
      items[i] = items[i - 1];
      i--;
    }
    keys[i] = key;
    ties[i] = tie;
    items[i] = item;
  }
}
