import type { PeerInfo } from './peer-info.js';
import { RemoteIndex } from './storage/remote-index.js';
import { SlotMinTree } from './storage/slot-tree.js';
import type {
  CloseInfo,
  ConnectFailure,
  HostView,
  PeerFlags,
  ReconnectPolicy,
  RemoteState,
} from './policy.js';
import { Source } from './source.js';

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
 * The known-peer index every built-in policy stands on, whatever holds its records: records
 * live in dense slots 0 … size − 1 (allocation-free iteration, swap-remove on forget), found by
 * remote id through a typed-array hash index (RemoteIndex, which replaced a Map: the policies'
 * top profile entry after the window scans). Subclasses decide how a slot's record is stored:
 * RowPolicy (the client mirrors, whose records fill whole crowds) in rows of one Int32Array,
 * BasePolicy (the generic families, which run subject groups) one object per slot.
 *
 * No-op learns: the index entry of a remote also holds one bit per common learn (source and
 * flag bits, MEMO_BIT) that changed nothing since the record's memo was last cleared
 * (`touchSlot`). A repeat is answered from the index without reading the record: 84 % of the
 * flash crowd's 20 M learns are such repeats (PEX relisting known peers), and reading the record
 * (a cache miss over ~800 k records) was most of learn's cost.
 *
 * Indexed policies (libtorrent, Transmission) also keep a `SlotMinTree` of per-slot keys (see
 * `slotKey`). A key is recomputed while the record is hot: the policy calls `rekeySlot` at the
 * end of every handler that changes what its key reads, and when a learn does.
 */
export abstract class SlotPolicy<V extends PeerInfo> implements ReconnectPolicy<V> {
  abstract readonly name: string;
  private readonly index = new RemoteIndex();
  /** Remote ids outside the index's range → slot (robustness for direct callers; the swarm never has any). */
  private readonly sparse = new Map<number, number>();
  /** Records held: slots [0, count). */
  protected count = 0;
  /** Per-slot keys of indexed policies, or null. */
  protected readonly keys: SlotMinTree | null;

  constructor(indexed = false) {
    this.keys = indexed ? new SlotMinTree() : null;
  }

  /** Stores a fresh record of `remote` in slot `count` (the caller counts it afterwards). */
  protected abstract append(remote: number, source: Source, now: number): void;
  /** The record in slot `from` (the last) moves to slot `to` (freed by a forget). */
  protected abstract moveSlot(from: number, to: number): void;
  /** The record in `slot` is being forgotten (before any move). */
  protected abstract dropSlot(slot: number): void;
  /** The last slot `slot` is no longer used (after the move). */
  protected abstract truncate(slot: number): void;
  /**
   * After a forget emptied `slot` and moved the record of `last` into it (no move when they are
   * equal): policies holding slots across calls (candidate caches) fix them here.
   */
  protected forgotten(_slot: number, _last: number): void {}
  protected abstract remoteAt(slot: number): number;
  /** Adds source bit `bit` to the record's sources; true when it is a new one. */
  protected abstract addSource(slot: number, bit: number): boolean;
  /**
   * The public record of `remote` in `slot` (what get() and learn() return). Given the remote so
   * that a memoised learn reads nothing of the record's storage.
   */
  protected abstract view(slot: number, remote: number): V;

  /**
   * Hook after a learn: apply flags. Returns true when it changed anything on the record (for an
   * existing record); a false answer lets the same learn (same source, same `=== true` flag bits)
   * be answered from the index until the record's memo is cleared, so it must depend only on the
   * record, the source and those bits, and every change to a field it reads made outside learn
   * (an event handler) must call `touchSlot`. Indexed policies `rekeySlot` when a re-learn
   * changes what their key reads (a new record is keyed by learn).
   */
  protected abstract learnedSlot(slot: number, source: Source, flags: PeerFlags, now: number, isNew: boolean): boolean;

  /** The policy's rule; see ReconnectPolicy.eligibleAt. */
  abstract eligibleAt(info: V, host: HostView): number;
  abstract select(host: HostView, budget: number, out: Int32Array): number;
  abstract onDial(info: V, now: number): void;
  abstract onConnectFailure(info: V, now: number, reason: ConnectFailure): void;
  abstract onIncoming(info: V, now: number): void;
  abstract onHandshakeFailure(info: V, now: number, outgoing: boolean, readAnything: boolean): void;
  abstract onHandshake(info: V, now: number, outgoing: boolean): void;
  abstract onRemoteState(info: V, now: number, state: RemoteState): void;
  abstract onPieceData(info: V, now: number): void;
  abstract onClose(info: V, now: number, close: CloseInfo): void;

  /**
   * Indexed policies: the slot's key in the slot tree, a lower bound of the earliest time it can
   * be a dial candidate (+Infinity when it cannot be one until some event, and always while in
   * use). Computed from the record and whatever host state the policy last saw (the policy
   * rekeys everything when that state changes).
   */
  protected slotKey(_slot: number): number {
    return -Infinity;
  }

  /** Slot of `remote`, or -1 when unknown. */
  slotOf(remote: number): number {
    if (indexed(remote)) {
      const e = this.index.find(remote);
      return e < 0 ? -1 : (this.index.t[e + 1] as number) & SLOT_MASK;
    }
    return this.sparse.get(remote) ?? -1;
  }

  get(remote: number): V | undefined {
    const slot = this.slotOf(remote);
    return slot < 0 ? undefined : this.view(slot, remote);
  }

  size(): number {
    return this.count;
  }

  learn(remote: number, source: Source, flags: PeerFlags, now: number): V | undefined {
    const slot = this.learnSlot(remote, source, flags, now);
    return slot < 0 ? undefined : this.view(slot, remote);
  }

  /** learn() without the record: the swarm's tracker, DHT and PEX learns drop it. */
  note(remote: number, source: Source, flags: PeerFlags, now: number): void {
    this.learnSlot(remote, source, flags, now);
  }

  /** learn(): the record's slot, or -1 when declined. */
  private learnSlot(remote: number, source: Source, flags: PeerFlags, now: number): number {
    let slot = -1;
    let e = -1;
    let memo = 0;
    if (indexed(remote)) {
      const index = this.index;
      e = index.find(remote);
      if (e >= 0) {
        const word = index.t[e + 1] as number;
        memo = memoBit(source, flags);
        slot = word & SLOT_MASK;
        if ((word & memo) !== 0) return slot;
      }
    } else {
      slot = this.sparse.get(remote) ?? -1;
    }
    if (slot < 0) {
      if (!this.admit(source)) return -1;
      slot = this.count;
      this.append(remote, source, now);
      this.count++;
      if (indexed(remote)) this.index.insert(remote, slot);
      else this.sparse.set(remote, slot);
      if (this.keys !== null) this.keys.push(Infinity);
      this.learnedSlot(slot, source, flags, now, true);
      this.rekeySlot(slot);
      return slot;
    }
    // (fromBest is the lowest source bit: a new lowest source is a new bit.)
    let changed = this.addSource(slot, 1 << source);
    if (this.learnedSlot(slot, source, flags, now, false)) changed = true;
    if (e >= 0) {
      // learnedSlot() may have cleared the memo (touch) but cannot move the entry.
      const t = this.index.t;
      const word = t[e + 1] as number;
      t[e + 1] = changed ? word & SLOT_MASK : word | memo;
    }
    return slot;
  }

  /**
   * Hook before a learn makes a new record: false refuses it (learn returns undefined and keeps
   * nothing). A policy with a bounded list may forget other records here to make room (never one
   * in use). Default: always admit.
   */
  protected admit(_source: Source): boolean {
    return true;
  }

  /** The record changed outside learn in a way learnedSlot() may read: forgets its no-op learn memo. */
  protected touchSlot(slot: number): void {
    const remote = this.remoteAt(slot);
    if (!indexed(remote)) return;
    const e = this.index.find(remote);
    if (e < 0) return;
    const t = this.index.t;
    t[e + 1] = (t[e + 1] as number) & SLOT_MASK;
  }

  /** Indexed policies: recomputes the slot's key from its current state. */
  protected rekeySlot(slot: number): void {
    if (this.keys !== null && slot >= 0) this.keys.set(slot, this.slotKey(slot));
  }

  /** Recomputes every key now (after a change of the host state keys depend on). */
  protected rekeyAll(): void {
    const keys = this.keys;
    if (keys === null) return;
    keys.rebuild((slot) => this.slotKey(slot));
  }

  /** Drops the record in `slot` (never one in use); the last record moves into the slot. */
  protected forgetSlot(slot: number): void {
    if (slot < 0 || slot >= this.count) return;
    const remote = this.remoteAt(slot);
    const last = this.count - 1;
    const keys = this.keys;
    this.dropSlot(slot);
    if (slot !== last) {
      this.moveSlot(last, slot);
      const moved = this.remoteAt(slot);
      if (indexed(moved)) {
        const e = this.index.find(moved);
        if (e >= 0) this.index.t[e + 1] = slot; // (memo cleared too: harmless)
      } else {
        this.sparse.set(moved, slot);
      }
      if (keys !== null) keys.set(slot, keys.get(last));
    }
    this.truncate(last);
    this.count--;
    if (keys !== null) keys.pop();
    if (indexed(remote)) this.index.remove(remote);
    else this.sparse.delete(remote);
    this.forgotten(slot, last);
  }
}
