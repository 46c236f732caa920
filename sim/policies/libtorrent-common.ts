import { BasePolicy, CONNS_MASK, TRACKED_INFO_BITS, TrackedInfo } from './base.js';
import { TopK } from './slot-policy.js';
import { BANNED, SEED, UPLOAD_ONLY, withBit } from './peer-info.js';
import type { SlotMinTree } from './slot-tree.js';
import type {
  CloseInfo,
  ConnectFailure,
  HostView,
  PeerFlags,
  PolicyFactory,
  ReconnectPolicy,
  RemoteState,
} from './policy.js';
import { Source } from './source.js';

/**
 * The libtorrent family (`src/peer_list.cpp`, `src/torrent.cpp`, `aux_/torrent_peer.hpp`): one
 * implementation, two variants differing as in the table of reference/libtorrent.md §9.
 * Shared rules (§1–§4, §6, §9):
 *
 * - Timestamps are whole seconds (libtorrent's session time): stored times are `Math.floor(now)`,
 *   so eligibleAt() is a whole number. "Never connected" is a separate flag rather than 0.
 * - failcount (0–31): +1 on a connect failure (refused or timed out) and on a close with severity
 *   `failure` or `peer_error`; reset to 0 when a BitTorrent handshake completes; −1 (floor 0) when
 *   a **tracker** lists the endpoint again (not DHT/PEX/LSD: issue #25). A handshake that fails
 *   after TCP connected (EOF, handshake timeout) is a `normal` close in libtorrent and leaves the
 *   count unchanged (the seam gives no severity there; info-hash mismatch and encryption errors,
 *   which would count, are taken as rare).
 * - `lastConnected` is set when a dial starts and again at every close (connect failures and
 *   handshake failures included), so waits run from the close.
 * - Candidate (`is_connect_candidate`): not in use, not banned, connectable (a peer known only
 *   from an incoming connection becomes connectable once its handshake completes, standing in for
 *   the LTEP listen port), failcount < 3, not (host done ∧ suppressed); plus, when scanning,
 *   never connected or `now − lastConnected ≥ (failcount + 1) × 60`.
 * - Order (`compare_peer`): lower failcount; (LAN first: no LAN in the simulator); older
 *   lastConnected (never first); when the host is done, peers without the PEX seed hint
 *   (`maybe_upload_only`) first; higher source rank (tracker 32 + LSD 16 + DHT 8 + PEX 4); higher
 *   BEP 40 rank, for which the simulator substitutes a deterministic stand-in: a 32-bit mix of the
 *   remote id and a per-host salt drawn once from `host.rng` (symmetry between the two ends is not
 *   modelled); then scan order.
 * - `find_connect_candidates`: a persistent round-robin cursor scans at most min(N, 300) records
 *   and keeps the best 10; `connect_one_peer` drops cached entries that stopped being candidates,
 *   refills only when the cache is empty, and pops the front. Records keep insertion order
 *   until the first erase (below; libtorrent sorts by address; any fixed order serves).
 * - Implementation (same decisions, less work): each record's slot-tree key is the whole
 *   second from which it passes the refill filter (−∞ never connected, +∞ not a candidate),
 *   kept current by every event, so a refill reads only the window records whose key is ≤ now,
 *   in window order, and advances the cursor exactly as the 300-entry scan does; nextWake reads
 *   the tree's minimum instead of scanning every record.
 * - Rate: one select per 1 s tick; at most min(30, ⌊(peerLimit − connections + 1) / 2⌋, budget)
 *   attempts (`connection_speed` 30 with `smooth_connects`). `torrent_connect_boost` and uTP→TCP
 *   fast reconnects are not modelled.
 * - connectTimeout(info) = 15 + 3 × failcount (`peer_connect_timeout`).
 *
 * Peer-list size limit and weeding (§5; `erase_peers`, `is_erase_candidate`,
 * `compare_peer_erase`, `insert_peer`, `new_connection`, `find_connect_candidates`):
 *
 * - `max_peerlist_size` = 3000 (LT_MAX_PEERLIST; 1000 while paused, never here): the list never
 *   holds more. A list that never reaches 2850 records behaves exactly as without the limit.
 * - Erasable (`is_erase_candidate`): not in use (`conns` = 0, which counts outgoing attempts in
 *   progress: libtorrent's `connection` is set from the dial), not a connect candidate, and
 *   failcount > 0 (no resume data here, so "resume-only" never applies). "Not a candidate" is
 *   `is_connect_candidate` without timing, as in the filter above: banned, listen port unknown,
 *   failcount ≥ 3, or suppressed while the host is done. A peer merely waiting out its
 *   reconnect time, or sitting in the candidate cache, is a candidate and is kept; so a
 *   failcount-1 or -2 peer is never weeded, and peers at max_failcount (3) stay, never dialled,
 *   until weeded (or revived by a tracker decrement).
 * - Erase order (`compare_peer_erase`, first difference wins): higher failcount; (resume-only:
 *   n/a); not connectable (listen port unknown) first; lower `trust_points`. Among equals the
 *   later entry of the scan wins (upstream replaces the kept one unless it is strictly better).
 *   trust_points stand-in: +1 (up to 8) per piece that moved on a connection with the peer
 *   (onPieceData); libtorrent counts +1 per passed piece the peer sent and −2 per hash failure,
 *   but the seam reports neither direction nor hash failures (a ban close still bumps failcount).
 * - Weeding in a refill (`find_connect_candidates`): while the list holds ≥ 2850 records
 *   (LT_WEED_FROM = 3000 × 0.95), the refill's own 300-entry window (same cursor, same entries
 *   as the candidate scan) also picks the best erasable record, erased after the scan: at most
 *   one per refill. Only while the list has a connect candidate (timing aside): upstream
 *   `torrent::want_peers()` makes no connect attempt, hence no refill, with
 *   `num_connect_candidates() == 0`, whereas this model's select refills anyway.
 * - Adding at a full list (a learn of an unknown peer at 3000 records, `insert_peer`): one
 *   `erase_peers` pass (min(N, 300) entries from a random start, at most one erased; the loop's
 *   95 % low-watermark only matters for resume-data entries, erased on sight upstream, none
 *   here). If nothing was erasable the list is still full and the new peer is not added: learn
 *   returns undefined and nothing is remembered (a later listing tries again).
 * - An incoming connection from an unknown peer at a full list (learn from `Source.Incoming`,
 *   `new_connection`): `erase_peers` with `force_erase`, which, when the window holds nothing
 *   erasable, evicts the best unconnected record of the window by the same order (it may be a
 *   dial candidate, even a cached one). With every window entry in use the learn returns
 *   undefined (upstream disconnects with `too_many_connections`; the host decides what to do).
 * - Window cursor for erasing: `erase_peers` draws its start uniformly from [0, N − 1]
 *   (`random(size − 1)`) from a per-policy deterministic sequence (learn has no HostView, so
 *   not `host.rng`) and leaves the refill cursor alone. Records are a dense array with
 *   swap-remove (libtorrent erases from a sorted vector and shifts the cursor back): an erase
 *   moves the last record into the freed slot and the cursor keeps its slot (wrapping to 0 past
 *   the end), so the moved record is visited when the cursor next reaches that slot. The host's
 *   done flag in an erase from learn is the one the last select or nextWake saw.
 * - Implementation: a per-slot Int16 erase rank (rank, +1024 when not erasable, 0x7fff in use),
 *   kept with the slot keys by every rekey and swapped on forget, plus a count of erasable
 *   slots, so the erase scans read 600 bytes and are skipped when nothing is erasable; an
 *   erased record leaves the index, the slot tree and the candidate cache (dropped as not held).
 *   The trust stand-in, read only by the erase rank, sits beside it per slot (Uint8) rather than
 *   on the record (see LibtorrentInfo for the record's layout).
 */
export interface LibtorrentVariant {
  readonly name: string;
  readonly description: string;
  /** 2.1 (PR #8519): LTEP upload_only is kept on the entry and suppresses dials while done. */
  readonly persistUploadOnly: boolean;
}

/** LibtorrentInfo's part of `bits`: failcount (5 bits), then five flags. */
const FAILCOUNT_SHIFT = TRACKED_INFO_BITS;
const FAILCOUNT_MAX = 31;
const EVER_CONNECTED = 1 << (TRACKED_INFO_BITS + 5);
const LISTEN_KNOWN = 1 << (TRACKED_INFO_BITS + 6);
const MAYBE_UPLOAD_ONLY = 1 << (TRACKED_INFO_BITS + 7);
/** Returned by the select in progress (cleared before select returns). */
const PICKED = 1 << (TRACKED_INFO_BITS + 8);
/** `bep` holds the BEP 40 stand-in rank. */
const BEP40_KNOWN = 1 << (TRACKED_INFO_BITS + 9);

/**
 * LibtorrentInfo.blocked on its `bits`. The candidate tests read the word once rather than
 * through six accessors: the refill's inner loop makes them per record, and V8 inlines only so
 * much into one function (bench/policies.ts policy-libtorrent-2.1-3000 ran ~10 % slower with an
 * accessor per flag here; the scenario runs did not show it).
 */
function blocked(b: number, done: boolean, uploadOnlyToo: boolean): boolean {
  if ((b & (BANNED | LISTEN_KNOWN)) !== LISTEN_KNOWN) return true;
  if (((b >> FAILCOUNT_SHIFT) & FAILCOUNT_MAX) >= LT_MAX_FAILCOUNT) return true;
  return done && (b & (uploadOnlyToo ? SEED | UPLOAD_ONLY : SEED)) !== 0;
}

/**
 * A peer-list entry: TrackedInfo plus failcount and five flags (in `bits`, see peer-info.ts for
 * why), the last connect time and the BEP 40 stand-in. Measured per record (bench/growth.ts
 * benchMemory): the eight fields this replaces took 64 bytes, `bep40` as a uint32 (above 2^31 it
 * is not a small integer) 16 more in a heap number; now 16 bytes (`lastConnected` and `bep`, the
 * rank as a signed 32-bit integer, its "computed" flag in `bits`). `picked` is a flag cleared at
 * the end of each select instead of a select serial; `trust_points` live in the policy per slot.
 */
export class LibtorrentInfo extends TrackedInfo {
  /** Whole seconds; meaningful once `everConnected`. */
  lastConnected = 0;
  /** bep40 | 0, once BEP40_KNOWN. */
  private bep = 0;

  constructor(remote: number, source: Source, now: number) {
    super(remote, source, now);
    this.bits |= LISTEN_KNOWN;
  }

  /**
   * Not a connect candidate, timing and use aside (`is_connect_candidate`): banned, listen port
   * unknown, failcount ≥ 3, or, when `done`, a seed (with `uploadOnlyToo`, also upload-only).
   */
  blocked(done: boolean, uploadOnlyToo: boolean): boolean {
    return blocked(this.bits, done, uploadOnlyToo);
  }

  /** Not in use, not returned earlier in this select, and not blocked. */
  idleCandidate(done: boolean, uploadOnlyToo: boolean): boolean {
    const b = this.bits;
    return (b & (CONNS_MASK | PICKED)) === 0 && !blocked(b, done, uploadOnlyToo);
  }

  /** 0–31. */
  get failcount(): number {
    return (this.bits >> FAILCOUNT_SHIFT) & FAILCOUNT_MAX;
  }
  set failcount(v: number) {
    this.bits = (this.bits & ~(FAILCOUNT_MAX << FAILCOUNT_SHIFT)) | ((v & FAILCOUNT_MAX) << FAILCOUNT_SHIFT);
  }

  get everConnected(): boolean {
    return (this.bits & EVER_CONNECTED) !== 0;
  }
  set everConnected(v: boolean) {
    this.bits = withBit(this.bits, EVER_CONNECTED, v);
  }

  /** libtorrent's `connectable`: false for a peer known only from an incoming connection. */
  get listenKnown(): boolean {
    return (this.bits & LISTEN_KNOWN) !== 0;
  }
  set listenKnown(v: boolean) {
    this.bits = withBit(this.bits, LISTEN_KNOWN, v);
  }

  /** The PEX seed flag, a hint (`maybe_upload_only`, #6225). */
  get maybeUploadOnly(): boolean {
    return (this.bits & MAYBE_UPLOAD_ONLY) !== 0;
  }
  set maybeUploadOnly(v: boolean) {
    this.bits = withBit(this.bits, MAYBE_UPLOAD_ONLY, v);
  }

  /** Returned earlier in the select in progress (no duplicates within one select). */
  get picked(): boolean {
    return (this.bits & PICKED) !== 0;
  }
  set picked(v: boolean) {
    this.bits = withBit(this.bits, PICKED, v);
  }

  /** BEP 40 stand-in rank (uint32); -1 = not computed yet. */
  get bep40(): number {
    return (this.bits & BEP40_KNOWN) === 0 ? -1 : this.bep >>> 0;
  }
  set bep40(v: number) {
    if (v < 0) {
      this.bits &= ~BEP40_KNOWN;
      this.bep = 0;
    } else {
      this.bits |= BEP40_KNOWN;
      this.bep = v | 0;
    }
  }
}

export const LT_MIN_RECONNECT = 60;
export const LT_MAX_FAILCOUNT = 3;
export const LT_CONNECTION_SPEED = 30;
export const LT_WINDOW = 300;
export const LT_CACHE = 10;
export const LT_CONNECT_TIMEOUT = 15;
/** `max_peerlist_size` (not paused). */
export const LT_MAX_PEERLIST = 3000;
/** find_connect_candidates weeds while the list holds ≥ max_peerlist_size × 0.95 records. */
export const LT_WEED_FROM = 2850;
/** trust_points ceiling. */
export const LT_MAX_TRUST = 8;

/** Erase ranks at or above this are not erasable (force_erase reads rank − ER_KEPT). */
const ER_KEPT = 1024;
/** Erase rank of a record in use: never erased. */
const ER_IN_USE = 0x7fff;

/**
 * The per-slot arrays of a policy that has no record yet (empty, never written): a built swarm's
 * policies allocate theirs at their first record (a small typed array costs ~270 bytes).
 */
const NO_SLOTS_ERANK = new Int16Array(0);
const NO_SLOTS_TRUST = new Uint8Array(0);

/**
 * The records returned so far by the select in progress, whose `picked` flags it clears before
 * returning. One array serves every policy: a select runs to completion before another starts.
 */
const PICKED_NOW: (LibtorrentInfo | undefined)[] = new Array<LibtorrentInfo | undefined>(LT_CONNECTION_SPEED).fill(undefined);

const P33 = 2 ** 33;
const P7 = 2 ** 7;

function mix32(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export class LibtorrentPolicy extends BasePolicy<LibtorrentInfo> {
  readonly name: string;
  private readonly cands = new TopK(LT_CACHE);
  private pos = 0;
  private cursor = 0;
  private salt: number | undefined;
  /** host.done as the slot keys were last computed (suppression depends on it). */
  private keyedDone = false;
  /** Erase rank per slot (eraseRank), kept with the slot keys; ER_IN_USE beyond the records. */
  private erank = NO_SLOTS_ERANK;
  /** `trust_points` stand-in per slot (0–8), moved with the erase rank. */
  private trust = NO_SLOTS_TRUST;
  /** Slots whose erase rank is below ER_KEPT. */
  private erasable = 0;
  /** Draws of erase_peers' window start. */
  private eraseDraws = 0;
  /**
   * Tests: refill scans every window entry and nextWake every record, as before the slot tree
   * (the reference the tree-driven path must match decision for decision).
   */
  exhaustive = false;

  constructor(readonly variant: LibtorrentVariant) {
    super(true);
    this.name = variant.name;
  }

  /**
   * The refill filter as a time: +∞ when not a candidate (in use, banned, listen port unknown,
   * failcount ≥ 3, suppressed while done), −∞ when never connected (no timing test), else the
   * whole second `lastConnected + (failcount + 1) × 60` from which `now − lastConnected ≥ …`.
   */
  protected override keyOf(info: LibtorrentInfo): number {
    if (info.conns > 0 || info.blocked(this.keyedDone, this.variant.persistUploadOnly)) return Infinity;
    if (!info.everConnected) return -Infinity;
    return info.lastConnected + (info.failcount + 1) * LT_MIN_RECONNECT;
  }

  /** Brings the slot keys up to date with the records and host.done. */
  private syncKeys(host: HostView): void {
    if (host.done !== this.keyedDone) {
      this.keyedDone = host.done;
      this.rekeyAll();
    }
  }

  protected make(remote: number, source: Source, now: number): LibtorrentInfo {
    return new LibtorrentInfo(remote, source, now);
  }

  protected override clock(now: number): number {
    return Math.floor(now);
  }

  protected override learned(info: LibtorrentInfo, source: Source, flags: PeerFlags, _now: number, isNew: boolean): boolean {
    let changed = false;
    if (isNew) {
      if (info.slot >= this.erank.length) this.growSlots();
      info.listenKnown = source !== Source.Incoming;
    } else {
      if (source !== Source.Incoming && !info.listenKnown) {
        info.listenKnown = true;
        this.rekey(info);
        changed = true;
      }
      if (source === Source.Tracker && info.failcount > 0) {
        info.failcount--;
        this.rekey(info);
        changed = true;
      }
    }
    if ((flags.seed === true || flags.uploadOnly === true) && !info.maybeUploadOnly) {
      info.maybeUploadOnly = true;
      changed = true;
    }
    return changed;
  }

  /** is_connect_candidate (no timing). */
  private isCandidate(slot: number, host: HostView): boolean {
    return slot >= 0 && (this.records[slot] as LibtorrentInfo).idleCandidate(host.done, this.variant.persistUploadOnly);
  }

  eligibleAt(info: LibtorrentInfo, host: HostView): number {
    if (info.blocked(host.done, this.variant.persistUploadOnly)) return Infinity;
    if (!info.everConnected) return info.learnedAt;
    return info.lastConnected + (info.failcount + 1) * LT_MIN_RECONNECT;
  }

  connectTimeout(info: LibtorrentInfo): number {
    return LT_CONNECT_TIMEOUT + 3 * info.failcount;
  }

  private sourceRank(info: LibtorrentInfo): number {
    const s = info.sources;
    return (
      (s & (1 << Source.Tracker) ? 32 : 0) +
      (s & (1 << Source.Lpd) ? 16 : 0) +
      (s & (1 << Source.Dht) ? 8 : 0) +
      (s & (1 << Source.Pex) ? 4 : 0)
    );
  }

  /** compare_peer as (key, tie), smaller first. */
  private key(info: LibtorrentInfo, host: HostView): number {
    const last = info.everConnected ? info.lastConnected + 1 : 0;
    return (
      info.failcount * P33 +
      last * P7 +
      (host.done && info.maybeUploadOnly ? 64 : 0) +
      (63 - this.sourceRank(info))
    );
  }

  private tie(info: LibtorrentInfo, host: HostView): number {
    let bep40 = info.bep40;
    if (bep40 < 0) {
      if (this.salt === undefined) this.salt = host.rng.int(2 ** 32);
      bep40 = mix32(info.remote ^ this.salt);
      info.bep40 = bep40;
    }
    return 0xffffffff - bep40;
  }

  /**
   * compare_peer_erase as a number, smaller erased first: higher failcount, then listen port
   * unknown, then lower trust (resume-only never applies). + ER_KEPT when not is_erase_candidate
   * (failcount 0, or still a connect candidate ignoring timing); ER_IN_USE while in use.
   */
  private eraseRank(info: LibtorrentInfo): number {
    if (info.conns > 0) return ER_IN_USE;
    const rank = (31 - info.failcount) * 32 + (info.listenKnown ? 16 : 0) + (this.trust[info.slot] as number) + 7;
    if (info.failcount === 0) return rank + ER_KEPT;
    return info.blocked(this.keyedDone, this.variant.persistUploadOnly) ? rank : rank + ER_KEPT;
  }

  private setErank(slot: number, v: number): void {
    const a = this.erank;
    const old = a[slot] as number;
    if (old === v) return;
    if (old < ER_KEPT) this.erasable--;
    if (v < ER_KEPT) this.erasable++;
    a[slot] = v;
  }

  /** Doubles the per-slot arrays (erase rank, trust); 64 slots at the first record. */
  private growSlots(): void {
    const a = new Int16Array(this.erank.length === 0 ? 64 : this.erank.length * 2).fill(ER_IN_USE);
    a.set(this.erank);
    this.erank = a;
    const t = new Uint8Array(a.length);
    t.set(this.trust);
    this.trust = t;
  }

  /** Keeps the erase rank with the slot key (every handler that rekeys). */
  protected override rekey(info: LibtorrentInfo): void {
    super.rekey(info);
    if (info.slot >= 0) this.setErank(info.slot, this.eraseRank(info));
  }

  protected override rekeyAll(): void {
    super.rekeyAll();
    const recs = this.records;
    for (let i = 0; i < recs.length; i++) this.setErank(i, this.eraseRank(recs[i] as LibtorrentInfo));
  }

  /** Swap-remove, as the base, with the erase rank and trust moved along. */
  protected override forget(info: LibtorrentInfo): void {
    if (!this.isHeld(info)) return;
    const slot = info.slot;
    const last = this.records.length - 1;
    super.forget(info);
    const a = this.erank;
    if ((a[slot] as number) < ER_KEPT) this.erasable--;
    a[slot] = a[last] as number;
    a[last] = ER_IN_USE;
    const t = this.trust;
    t[slot] = t[last] as number;
    t[last] = 0;
  }

  /** insert_peer / new_connection at a full list: make room, or refuse the new peer. */
  protected override admit(source: Source): boolean {
    if (this.records.length < LT_MAX_PEERLIST) return true;
    this.erasePeers(source === Source.Incoming);
    return this.records.length < LT_MAX_PEERLIST;
  }

  /**
   * erase_peers: from a random start, min(N, 300) entries; erases the best erasable one, else
   * with `force` (an incoming connection) the best one not in use. At most one record.
   */
  private erasePeers(force: boolean): void {
    const n = this.records.length;
    if (n === 0) return;
    const from = this.eraseStart(n);
    if (!force && this.erasable === 0 && !this.exhaustive) return;
    const victim = this.eraseVictim(from, n < LT_WINDOW ? n : LT_WINDOW, force);
    if (victim >= 0) this.forget(this.records[victim] as LibtorrentInfo);
  }

  /**
   * erase_peers' window start, uniform in [0, n − 1] (`random(size − 1)`): a per-policy
   * deterministic sequence (learn has no HostView). Tests override it to fix the window.
   */
  protected eraseStart(n: number): number {
    this.eraseDraws++;
    return mix32(Math.imul(this.eraseDraws, 0x9e3779b1) ^ 0x82daf973) % n;
  }

  /**
   * The slot to erase among `window` entries from `from` (wrapping): the best erasable one by
   * compare_peer_erase, later entries winning ties; else, with `force`, the best entry not in
   * use by the same order; else -1. Exhaustive mode ranks the records instead of reading erank.
   */
  private eraseVictim(from: number, window: number, force: boolean): number {
    const recs = this.records;
    const n = recs.length;
    const a = this.erank;
    const exhaustive = this.exhaustive;
    let best = ER_KEPT - 1;
    let slot = -1;
    let forceBest = ER_KEPT - 1;
    let forceSlot = -1;
    let i = from;
    for (let k = 0; k < window; k++, i++) {
      if (i >= n) i = 0;
      const v = exhaustive ? this.eraseRank(recs[i] as LibtorrentInfo) : (a[i] as number);
      if (v <= best) {
        best = v;
        slot = i;
      }
      if (force && v !== ER_IN_USE) {
        const f = v >= ER_KEPT ? v - ER_KEPT : v;
        if (f <= forceBest) {
          forceBest = f;
          forceSlot = i;
        }
      }
    }
    return slot >= 0 ? slot : forceSlot;
  }

  /**
   * find_connect_candidates: scan a window of ≤ 300 from the round-robin cursor, keep the best
   * 10. Only entries whose slot key is ≤ now can pass the filter, so the scan reads the keys and
   * only those records (in window order, which keeps TopK's tie order), and none at all when
   * the tree's minimum is later than now; the full filter is still applied to each record read.
   * The cursor moves exactly as the entry-by-entry scan moves it. At ≥ 2850 records the same
   * window also yields the record to weed, erased after the scan.
   */
  private refill(host: HostView): void {
    const cands = this.cands;
    cands.clear();
    this.pos = 0;
    const n = this.records.length;
    const window = n < LT_WINDOW ? n : LT_WINDOW;
    if (window === 0) return;
    const now = Math.floor(host.now);
    const from = this.cursor >= n ? 0 : this.cursor;
    const end = from + window;
    if (end <= n) {
      this.scan(from, end, now, host);
      this.cursor = end;
    } else {
      this.scan(from, n, now, host);
      this.scan(0, end - n, now, host);
      this.cursor = end - n;
    }
    // torrent::want_peers() calls connect_one_peer only while num_connect_candidates > 0: a
    // refill the host makes without any candidate (all keys +∞) weeds nothing.
    if (n >= LT_WEED_FROM && (this.erasable > 0 || this.exhaustive) && (this.keys as SlotMinTree).min() !== Infinity) {
      const victim = this.eraseVictim(from, window, false);
      if (victim >= 0) this.forget(this.records[victim] as LibtorrentInfo);
    }
  }

  /** The refill filter over slots [from, to), visiting only slots whose key is ≤ now. */
  private scan(from: number, to: number, now: number, host: HostView): void {
    const recs = this.records;
    if (this.exhaustive) {
      for (let i = from; i < to; i++) this.consider(recs[i] as LibtorrentInfo, now, host);
      return;
    }
    const keys = this.keys as SlotMinTree;
    if (keys.min() > now) return;
    // ≤ 300 leaves: a linear pass over the keys beats jumping through the tree.
    const t = keys.t;
    const base = keys.cap;
    for (let i = from; i < to; i++) if ((t[base + i] as number) <= now) this.consider(recs[i] as LibtorrentInfo, now, host);
  }

  private consider(r: LibtorrentInfo, now: number, host: HostView): void {
    if (!r.idleCandidate(host.done, this.variant.persistUploadOnly)) return;
    if (r.everConnected && now - r.lastConnected < (r.failcount + 1) * LT_MIN_RECONNECT) return;
    const key = this.key(r, host);
    const tie = this.tie(r, host);
    if (this.cands.accepts(key, tie)) this.cands.push(key, tie, r.slot);
  }

  /** connect_one_peer. */
  private connectOne(host: HostView): LibtorrentInfo | undefined {
    const cands = this.cands;
    for (let attempt = 0; attempt < 2; attempt++) {
      while (this.pos < cands.length && !this.isCandidate(cands.items[this.pos] as number, host)) this.pos++;
      if (this.pos < cands.length) return this.records[cands.items[this.pos++] as number] as LibtorrentInfo;
      this.refill(host);
    }
    return undefined;
  }

  select(host: HostView, budget: number, out: Int32Array): number {
    this.syncKeys(host);
    let max = Math.floor((host.peerLimit - host.connections + 1) / 2);
    if (max > LT_CONNECTION_SPEED) max = LT_CONNECTION_SPEED;
    if (max > budget) max = budget;
    let n = 0;
    while (n < max) {
      const r = this.connectOne(host);
      if (r === undefined) break;
      r.picked = true;
      PICKED_NOW[n] = r;
      out[n++] = r.remote;
    }
    for (let i = 0; i < n; i++) {
      (PICKED_NOW[i] as LibtorrentInfo).picked = false;
      PICKED_NOW[i] = undefined;
    }
    return n;
  }

  /**
   * `host.now` while the cache holds entries; else the earliest time a record passes the refill
   * filter (the tree's minimum; `host.now` when a never-connected candidate exists), which is
   * the earliest eligibleAt over records not in use, as the full scan computed it.
   *
   * Known limit (unchanged by the slot tree): the cursor moves on every refill, and a pulse the
   * host skips while asleep is a refill that does not happen. Up to 300 records a refill covers
   * the whole list and the cursor comes back where it was, so sleeping changes nothing; beyond
   * 300, windows (and so dial order) can differ from a host that pulses every second. Making a
   * refill that cannot find anyone leave the cursor alone would remove the difference, but
   * changes the dials of current runs (swarm wake-ups by learns run such refills).
   */
  override nextWake(host: HostView): number {
    if (this.pos < this.cands.length) return host.now;
    if (this.exhaustive) return super.nextWake(host);
    this.syncKeys(host);
    const m = (this.keys as SlotMinTree).min();
    return m === -Infinity ? host.now : m;
  }

  /** Cache entries follow their records through a forget (weeding, erase_peers). */
  protected override forgotten(slot: number, last: number): void {
    this.cands.moved(this.pos, last, slot);
  }

  /** Cached candidates not yet popped (for tests). */
  cachedRemaining(): number {
    return this.cands.length - this.pos;
  }

  override onDial(info: LibtorrentInfo, now: number): void {
    super.onDial(info, now);
    info.lastConnected = Math.floor(now);
    info.everConnected = true;
    this.rekey(info);
  }

  override onIncoming(info: LibtorrentInfo, now: number): void {
    super.onIncoming(info, now);
    this.rekey(info);
  }

  /** trust_points stand-in (read only by the erase order, and only once the record is idle). */
  override onPieceData(info: LibtorrentInfo, now: number): void {
    super.onPieceData(info, now);
    const t = this.trust;
    const slot = info.slot;
    if (slot >= 0 && (t[slot] as number) < LT_MAX_TRUST) t[slot]++;
  }

  override onConnectFailure(info: LibtorrentInfo, now: number, reason: ConnectFailure): void {
    super.onConnectFailure(info, now, reason);
    this.bump(info);
    this.closed(info, now);
    this.rekey(info);
  }

  override onHandshakeFailure(info: LibtorrentInfo, now: number, outgoing: boolean, readAnything: boolean): void {
    super.onHandshakeFailure(info, now, outgoing, readAnything);
    this.closed(info, now);
    this.rekey(info);
  }

  override onHandshake(info: LibtorrentInfo, now: number, outgoing: boolean): void {
    super.onHandshake(info, now, outgoing);
    if (info.failcount !== 0 || !info.listenKnown) this.touch(info); // learned() reads both
    info.failcount = 0;
    info.listenKnown = true;
    this.rekey(info);
  }

  override onRemoteState(info: LibtorrentInfo, _now: number, state: RemoteState): void {
    if (state.via === 'bitfield') info.seed = state.seed;
    else if (this.variant.persistUploadOnly) info.uploadOnly = state.uploadOnly;
    this.rekey(info);
  }

  override onClose(info: LibtorrentInfo, now: number, close: CloseInfo): void {
    super.onClose(info, now, close);
    if (close.severity !== 'normal') this.bump(info);
    this.closed(info, now);
    this.rekey(info);
  }

  /**
   * Checks every slot key and erase rank against the records (tests). Returns the first bad
   * slot, the record count when the erasable count or the unused erase ranks are wrong, or -1.
   */
  checkKeys(host: HostView): number {
    this.syncKeys(host);
    const keys = this.keys as SlotMinTree;
    const n = this.records.length;
    let erasable = 0;
    for (let i = 0; i < n; i++) {
      const r = this.records[i] as LibtorrentInfo;
      const e = this.eraseRank(r);
      if (keys.get(i) !== this.keyOf(r) || this.erank[i] !== e) return i;
      if (e < ER_KEPT) erasable++;
    }
    if (erasable !== this.erasable || n > LT_MAX_PEERLIST) return n;
    for (let i = n; i < this.erank.length; i++) if (this.erank[i] !== ER_IN_USE) return n;
    return -1;
  }

  /** Records that weeding may erase now (tests). */
  erasableCount(): number {
    return this.erasable;
  }

  private bump(info: LibtorrentInfo): void {
    if (info.failcount < 31) {
      info.failcount++;
      this.touch(info); // learned() reads failcount
    }
  }

  private closed(info: LibtorrentInfo, now: number): void {
    info.lastConnected = Math.floor(now);
    info.everConnected = true;
  }
}

export function libtorrentFactory(variant: LibtorrentVariant): PolicyFactory {
  return {
    name: variant.name,
    description: variant.description,
    params: [],
    client: 'libtorrent',
    create(): ReconnectPolicy {
      return new LibtorrentPolicy(variant);
    },
  };
}
