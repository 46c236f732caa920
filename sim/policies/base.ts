import { PEER_INFO_BITS, PeerInfo } from './peer-info.js';
import { RemoteIndex } from './remote-index.js';
import { SlotMinTree } from './slot-tree.js';
import type {
  CloseInfo,
  ConnectFailure,
  HostView,
  PeerFlags,
  ReconnectPolicy,
  RemoteState,
} from './policy.js';
import { Source } from './source.js';

/** TrackedInfo's counters in PeerInfo.bits: conns (3 bits), then established (3 bits). */
const CONNS_SHIFT = PEER_INFO_BITS;
const ESTABLISHED_SHIFT = PEER_INFO_BITS + 3;
const COUNT_MAX = 7;
/** The `conns` bits of `bits` (zero: not in use), for subclasses testing several at once. */
export const CONNS_MASK = COUNT_MAX << CONNS_SHIFT;
/** First bit of `bits` a TrackedInfo subclass may use (up to 29). */
export const TRACKED_INFO_BITS = PEER_INFO_BITS + 6;

/**
 * The record every built-in policy extends: `PeerInfo` plus the bookkeeping the shared base
 * needs (dense-array slot, open-connection counts). `inUse` is derived from `conns`, so an
 * incoming and an outgoing connection to the same peer at once are both accounted for. The
 * counts live in `bits` (3 bits each, −16 bytes a record: in practice a host has at most one
 * connection each way with a peer; more than 7 throws rather than wraps). The
 * dial count, read only by the scanning policies, is theirs (ScanInfo).
 */
export class TrackedInfo extends PeerInfo {
  /** Index in the policy's dense record array; -1 once forgotten. */
  slot = -1;

  /** Connections with this peer in progress or established (both directions). */
  get conns(): number {
    return (this.bits >> CONNS_SHIFT) & COUNT_MAX;
  }
  set conns(v: number) {
    this.bits = (this.bits & ~(COUNT_MAX << CONNS_SHIFT)) | (count(v) << CONNS_SHIFT);
  }

  /** Of those, connections whose handshake completed. */
  get established(): number {
    return (this.bits >> ESTABLISHED_SHIFT) & COUNT_MAX;
  }
  set established(v: number) {
    this.bits = (this.bits & ~(COUNT_MAX << ESTABLISHED_SHIFT)) | (count(v) << ESTABLISHED_SHIFT);
  }
}

function count(v: number): number {
  if (!(v >= 0 && v <= COUNT_MAX)) throw new RangeError(`TrackedInfo: ${v} connections with one peer (at most ${COUNT_MAX})`);
  return v;
}

/** Remote ids in [0, 2^31 − 1) go to the RemoteIndex; others (never in a swarm) to a Map. */
function indexed(remote: number): boolean {
  return remote >>> 0 === remote && remote < 0x7fffffff;
}

/**
 * No-op learn memo bits (1 << 24 … 1 << 30 in the RemoteIndex entry) by learn code
 * source × 8 + the `=== true` bits of seed (4), uploadOnly (2), connectable (1): the learns the
 * swarm repeats (tracker, DHT, incoming, PEX with or without the seed and connectable flags).
 * 0 = not memoised.
 */
const MEMO_BIT = new Int32Array(64);
MEMO_BIT[Source.Incoming * 8] = 1 << 24;
MEMO_BIT[Source.Tracker * 8] = 1 << 25;
MEMO_BIT[Source.Dht * 8] = 1 << 26;
MEMO_BIT[Source.Pex * 8] = 1 << 27;
MEMO_BIT[Source.Pex * 8 + 1] = 1 << 28;
MEMO_BIT[Source.Pex * 8 + 6] = 1 << 29;
MEMO_BIT[Source.Pex * 8 + 7] = 1 << 30;
const SLOT_MASK = RemoteIndex.SLOT_MASK;

function memoBit(source: Source, flags: PeerFlags): number {
  return MEMO_BIT[source * 8 + (flags.seed === true ? 4 : 0) + (flags.uploadOnly === true ? 2 : 0) + (flags.connectable === true ? 1 : 0)] as number;
}

/**
 * Shared skeleton of the built-in policies: records in a dense array (allocation-free
 * iteration, swap-remove on forget) found through a typed-array hash index (RemoteIndex: remote
 * id → slot, which replaced a Map, the policies' top profile entry after the window scans), and
 * default event bookkeeping for the base `PeerInfo` fields. Policies override the `on…` hooks
 * and call `super` to keep the bookkeeping. `clock(now)` lets client mirrors store whole seconds
 * as the clients do.
 *
 * No-op learns: the index entry of a remote also holds one bit per common learn (source and
 * flag bits, MEMO_BIT) that changed nothing since the record's memo was last cleared (`touch`).
 * A repeat is answered from the index without reading the record: 84 % of the flash crowd's
 * 20 M learns are such repeats (PEX relisting known peers), and reading the record (a cache miss
 * over ~800 k records) was most of learn's cost.
 *
 * Indexed policies (libtorrent, Transmission) also keep a `SlotMinTree` of per-slot keys (see
 * `slotKey`). A key is recomputed while the record is hot: `open` sets +∞ (in use), and the
 * policy calls `rekey(info)` at the end of every handler that changes what its key reads (after
 * its `super` call), and when learned() does.
 */
export abstract class BasePolicy<I extends TrackedInfo> implements ReconnectPolicy<I> {
  abstract readonly name: string;
  protected readonly records: I[] = [];
  private readonly index = new RemoteIndex();
  /** Remote ids outside the index's range (robustness for direct callers; the swarm never has any). */
  private readonly sparse = new Map<number, I>();
  /** Answer repeated no-op learns from the index (tests switch it off to show it changes nothing). */
  learnMemo = true;
  /** Per-slot keys of indexed policies, or null. */
  protected readonly keys: SlotMinTree | null;

  constructor(indexed = false) {
    this.keys = indexed ? new SlotMinTree() : null;
  }

  /** Makes a fresh record. */
  protected abstract make(remote: number, source: Source, now: number): I;

  /** The policy's rule; see ReconnectPolicy.eligibleAt. */
  abstract eligibleAt(info: I, host: HostView): number;

  abstract select(host: HostView, budget: number, out: Int32Array): number;

  /**
   * Indexed policies: the record's key in the slot tree, a lower bound of the earliest time it
   * can be a dial candidate (+Infinity when it cannot be one until some event, and always while
   * `conns > 0`). Computed from the record and whatever host state the policy last saw (the
   * policy rekeys everything when that state changes).
   */
  protected slotKey(_info: I): number {
    return -Infinity;
  }

  /** The timestamp the policy stores for `now` (identity; client mirrors floor to seconds). */
  protected clock(now: number): number {
    return now;
  }

  get(remote: number): I | undefined {
    if (indexed(remote)) {
      const e = this.index.find(remote);
      return e < 0 ? undefined : this.records[(this.index.t[e + 1] as number) & SLOT_MASK];
    }
    return this.sparse.get(remote);
  }

  size(): number {
    return this.records.length;
  }

  learn(remote: number, source: Source, flags: PeerFlags, now: number): I | undefined {
    let info: I | undefined;
    let e = -1;
    let memo = 0;
    if (indexed(remote)) {
      const index = this.index;
      e = index.find(remote);
      if (e >= 0) {
        const word = index.t[e + 1] as number;
        memo = this.learnMemo ? memoBit(source, flags) : 0;
        info = this.records[word & SLOT_MASK] as I;
        if ((word & memo) !== 0) return info;
      }
    } else {
      info = this.sparse.get(remote);
    }
    if (info === undefined) {
      if (!this.admit(source)) return undefined;
      info = this.make(remote, source, now);
      const slot = this.records.length;
      info.slot = slot;
      this.records.push(info);
      if (e === -1 && indexed(remote)) this.index.insert(remote, slot);
      else this.sparse.set(remote, info);
      if (this.keys !== null) this.keys.push(Infinity);
      this.learned(info, source, flags, now, true);
      this.rekey(info);
      return info;
    }
    const bit = 1 << source;
    // (fromBest is the lowest source bit: a new lowest source is a new bit.)
    let changed = (info.sources & bit) === 0;
    info.sources |= bit;
    if (this.learned(info, source, flags, now, false)) changed = true;
    if (e >= 0) {
      // learned() may have cleared the memo (touch) but cannot move the entry.
      const t = this.index.t;
      const word = t[e + 1] as number;
      t[e + 1] = changed ? word & SLOT_MASK : word | memo;
    }
    return info;
  }

  /**
   * Hook before a learn makes a new record: false refuses it (learn returns undefined and keeps
   * nothing). A policy with a bounded list may forget other records here to make room (never one
   * in use). Default: always admit.
   */
  protected admit(_source: Source): boolean {
    return true;
  }

  /**
   * Hook after learn: apply flags (default: connectable/seed/upload-only flags are kept, never
   * cleared). Returns true when it changed anything on the record (for an existing record); a
   * false answer lets the same learn (same source, same `=== true` flag bits) be answered from
   * the index until the record's memo is cleared, so it must depend only on the record, the
   * source and those bits, and every change to a field it reads made outside learn (an event
   * handler) must call `touch(info)`. (The base's own handlers change none of the fields the
   * default reads.) Indexed policies `rekey(info)` when a re-learn changes what their key reads
   * (a new record is keyed by learn).
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
    const remote = info.remote;
    if (!indexed(remote)) return;
    const e = this.index.find(remote);
    if (e < 0) return;
    const t = this.index.t;
    t[e + 1] = (t[e + 1] as number) & SLOT_MASK;
  }

  /** Indexed policies: recomputes the record's slot-tree key from its current state. */
  protected rekey(info: I): void {
    if (this.keys !== null && info.slot >= 0) this.keys.set(info.slot, this.slotKey(info));
  }

  /** Recomputes every key now (after a change of the host state keys depend on). */
  protected rekeyAll(): void {
    const keys = this.keys;
    if (keys === null) return;
    const recs = this.records;
    keys.rebuild((slot) => this.slotKey(recs[slot] as I));
  }

  /** Drops a record (never one in use). */
  protected forget(info: I): void {
    const slot = info.slot;
    if (slot < 0 || this.records[slot] !== info) return;
    const last = this.records.pop() as I;
    const keys = this.keys;
    const lastSlot = this.records.length;
    if (last !== info) {
      this.records[slot] = last;
      last.slot = slot;
      if (indexed(last.remote)) {
        const e = this.index.find(last.remote);
        if (e >= 0) this.index.t[e + 1] = slot; // (memo cleared too: harmless)
      }
      if (keys !== null) keys.set(slot, keys.get(lastSlot));
    }
    if (keys !== null) keys.pop();
    info.slot = -1;
    const remote = info.remote;
    if (indexed(remote)) this.index.remove(remote);
    else this.sparse.delete(remote);
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
    if (this.keys !== null && info.slot >= 0) this.keys.set(info.slot, Infinity);
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
