/**
 * White-box references for the indexed client mirrors, kept out of the production classes:
 * subclasses that decide by scanning every record, as the mirrors did before the slot tree and
 * the erase-rank column, checks of those structures against the records, and a switch-off for
 * the no-op learn memo. A test runs the same swarm through a production policy and its
 * reference and asserts the same dials.
 */
import { BANNED } from '../../sim/policies/peer-info.js';
import type { HostView } from '../../sim/policies/policy.js';
import { ER_IN_USE } from '../../sim/policies/clients/libtorrent-entries.js';
import { ER_KEPT, LT_MAX_PEERLIST, LibtorrentPolicy } from '../../sim/policies/clients/libtorrent-common.js';
import { TransmissionPolicy } from '../../sim/policies/clients/transmission-common.js';
import type { SlotPolicy } from '../../sim/policies/slot-policy.js';
import type { SlotMinTree } from '../../sim/policies/storage/slot-tree.js';
import { CONNS_MASK } from '../../sim/policies/storage/record-rows.js';
import type { PeerInfo } from '../../sim/policies/peer-info.js';
import type { ReconnectPolicy } from '../../sim/policies/policy.js';

/** The least `due(slot)` over the `count` records not in use and not banned (their bits word). */
function earliest(count: number, bits: (slot: number) => number, due: (slot: number) => number): number {
  let best = Infinity;
  for (let i = 0; i < count; i++) {
    if ((bits(i) & (CONNS_MASK | BANNED)) !== 0) continue;
    const t = due(i);
    if (t < best) best = t;
  }
  return best;
}

/** Transmission with candidates and its wake time found by reading every record. */
export class ScanningTransmission extends TransmissionPolicy {
  protected override collect(host: HostView): void {
    for (let i = 0; i < this.count; i++) {
      if ((this.bitsAt(i) & CONNS_MASK) !== 0 || this.eligibleAtSlot(i, host) > host.now) continue;
      this.offer(i, host);
    }
  }

  protected override earliestEligible(host: HostView): number {
    this.syncKeys(host);
    return earliest(
      this.count,
      (i) => this.bitsAt(i),
      (i) => this.eligibleAtSlot(i, host),
    );
  }

  /** -1, or the first slot whose key is above its eligibleAt or below its key's lower bound. */
  static checkKeys(policy: TransmissionPolicy, host: HostView): number {
    const p = policy as ScanningTransmission;
    p.syncKeys(host);
    const keys = p.keys as SlotMinTree;
    for (let i = 0; i < p.count; i++) {
      const k = keys.get(i);
      const inUse = (p.bitsAt(i) & CONNS_MASK) !== 0;
      if (inUse ? k !== Infinity : k > p.eligibleAtSlot(i, host) || k < p.slotKey(i)) return i;
    }
    return -1;
  }
}

/**
 * libtorrent with refill reading every window entry, weeding and erase_peers ranking records
 * instead of the erank column, and nextWake scanning every record.
 */
export class ScanningLibtorrent extends LibtorrentPolicy {
  protected override scan(from: number, to: number, now: number, host: HostView): void {
    for (let i = from; i < to; i++) this.consider(i, now, host);
  }

  protected override mayErase(): boolean {
    return true;
  }

  protected override eraseRankAt(slot: number): number {
    return this.eraseRank(slot);
  }

  override nextWake(host: HostView): number {
    if (this.cachedRemaining() > 0) return host.now;
    return earliest(
      this.count,
      (i) => this.bitsAt(i),
      (i) => this.eligibleAt(this.view(i, this.remoteAt(i)), host),
    );
  }

  /**
   * Every slot key and erase rank against the records: the first bad slot, the record count when
   * the erasable count or the unused erase ranks are wrong, or -1.
   */
  static checkKeys(policy: LibtorrentPolicy, host: HostView): number {
    const p = policy as ScanningLibtorrent;
    p.syncKeys(host);
    const keys = p.keys as SlotMinTree;
    const n = p.count;
    const erank = p.table.erank;
    let erasable = 0;
    for (let i = 0; i < n; i++) {
      const e = p.eraseRank(i);
      if (keys.get(i) !== p.slotKey(i) || erank[i] !== e) return i;
      if (e < ER_KEPT) erasable++;
    }
    if (erasable !== p.erasable || n > LT_MAX_PEERLIST) return n;
    for (let i = n; i < erank.length; i++) if (erank[i] !== ER_IN_USE) return n;
    return -1;
  }
}

/** The structures of either indexed mirror against its records (see the two checkKeys). */
export function checkKeys(policy: ReconnectPolicy, host: HostView): number {
  if (policy instanceof LibtorrentPolicy) return ScanningLibtorrent.checkKeys(policy, host);
  if (policy instanceof TransmissionPolicy) return ScanningTransmission.checkKeys(policy, host);
  throw new Error(`${policy.name} keeps no slot keys`);
}

/** A fresh reference of the same client and version as `policy`. */
export function scanning(policy: ReconnectPolicy): LibtorrentPolicy | TransmissionPolicy {
  if (policy instanceof LibtorrentPolicy) return new ScanningLibtorrent(policy.variant);
  if (policy instanceof TransmissionPolicy) return new ScanningTransmission(policy.variant, policy.name);
  throw new Error(`${policy.name} has no scanning reference`);
}

/**
 * Switches off the no-op learn memo of `policy`: every learn and note first clears the memo of
 * the record it names, so each one reads the record as if the memo did not exist.
 */
export function withoutLearnMemo<V extends PeerInfo>(policy: ReconnectPolicy<V>): ReconnectPolicy<V> {
  const p = policy as unknown as MemoAccess;
  const learn = policy.learn.bind(policy);
  const note = policy.note?.bind(policy);
  const clear = (remote: number): void => {
    const slot = p.slotOf(remote);
    if (slot >= 0) p.touchSlot(slot);
  };
  policy.learn = (remote, source, flags, now) => {
    clear(remote);
    return learn(remote, source, flags, now);
  };
  if (note !== undefined) {
    policy.note = (remote, source, flags, now) => {
      clear(remote);
      note(remote, source, flags, now);
    };
  }
  return policy;
}

/** The memo's two seams (touchSlot is protected on SlotPolicy). */
type MemoAccess = Pick<SlotPolicy<PeerInfo>, 'slotOf'> & { touchSlot(slot: number): void };
