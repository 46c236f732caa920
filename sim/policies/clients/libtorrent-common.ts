import { BANNED, SEED, UPLOAD_ONLY } from '../peer-info.js';
import {
  BEP40_KNOWN,
  ER_IN_USE,
  EVER_CONNECTED,
  FAILCOUNT_MAX,
  FAILCOUNT_SHIFT,
  F_BEP,
  F_LAST_CONNECTED,
  F_TRUST,
  LISTEN_KNOWN,
  LibtorrentInfo,
  LibtorrentRows,
  MAYBE_UPLOAD_ONLY,
  NO_UTP,
  PICKED,
  W,
  failcountOf,
  withFailcount,
} from './libtorrent-entries.js';
import { CONNS_MASK, F_BITS, F_REMOTE, RowPolicy } from '../storage/record-rows.js';
import { mix32 } from '../mix.js';
import { TopK } from '../storage/top-k.js';
import type { SlotMinTree } from '../storage/slot-tree.js';
import type {
  CloseInfo,
  ConnectFailure,
  HostView,
  PeerFlags,
  PolicyFactory,
  ReconnectPolicy,
  RemoteState,
} from '../policy.js';
import { Source } from '../source.js';
import type { ClientKindName } from '../../scenario/schema.js';

export { LibtorrentInfo } from './libtorrent-entries.js';

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
 *   refills only when the cache is empty, and pops the front. A tick stops after
 *   `num_torrents + 1` consecutive calls that found nobody (`session_impl.cpp:4546-4563` at
 *   v2.1.0, `steps_since_last_connect`): with one torrent, three empty refills when the tick has
 *   dialled nobody yet, two after a dial. Each moves the cursor a window on. Records keep insertion order
 *   until the first erase (below). libtorrent keeps them sorted by address (`peer_list.cpp:853`,
 *   `:1037`, at v2.1.0); the simulator has no addresses, and an address order is unrelated to the
 *   order peers are learned, as insertion order is. Below 300 records a window is the whole list
 *   and order only breaks exact BEP 40 ties; above, which records share a window differs per run
 *   but not in distribution.
 * - Implementation (same decisions, less work): each record's slot-tree key is the whole
 *   second from which it passes the refill filter (−∞ never connected, +∞ not a candidate),
 *   kept current by every event, so a refill reads only the window records whose key is ≤ now,
 *   in window order, and advances the cursor exactly as the 300-entry scan does; nextWake reads
 *   the tree's minimum instead of scanning every record.
 * - Rate: one select per 1 s tick; at most min(30, ⌊(peerLimit − connections + 1) / 2⌋, budget)
 *   attempts (`connection_speed` 30 with `smooth_connects`). `torrent_connect_boost` is not
 *   modelled.
 * - uTP first (`supports_utp` defaults true, `torrent_peer.hpp`; `peer_connection.cpp:4190-4215`
 *   at v2.1.0): the first dial to a peer is uTP; when it fails (refused or timed out) the peer is
 *   marked not to support uTP, the close is `normal` (no failcount) and the host dials it again
 *   at once over TCP (`fast_reconnect`). A dead peer is dialled at 0, 15, 150 and 348 s.
 * - `maybe_upload_only` (the PEX seed hint) is cleared when a connection is attached
 *   (`peer_list.cpp:448`, at the dial or the incoming connection) and set by a PEX seed flag only
 *   while the peer is not connected (`:1091`).
 * - State read on a connection (onRemoteState): a bitfield or have-all/none sets or clears
 *   `seed`; a `have` that completes the peer sets `seed` (`peer_connection.cpp:2056`); 2.1 keeps
 *   `upload_only` (below).
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
 *   kept with the slot keys by every rekey and moved with its entry on forget, plus a count of
 *   erasable slots, so the erase scans read 600 bytes and are skipped when nothing is erasable;
 *   an erased record leaves the index, the slot tree and the candidate cache (its cache entries
 *   become -1, TopK.moved). Entries are rows of one Int32Array (libtorrent-entries.ts for the
 *   layout, trust_points included); get() and learn() hand out LibtorrentInfo views of them.
 */
export interface LibtorrentVariant {
  readonly name: string;
  readonly description: string;
  /** PolicyFactory.rule: what drives the client's churn, one sentence for docs/clients.md. */
  readonly rule: string;
  /** 2.1 (PR #8519): LTEP upload_only is kept on the entry and suppresses dials while done. */
  readonly persistUploadOnly: boolean;
  /**
   * ≤ 1.2.12 and 2.0.0–2.0.2 (before `5c4a4a23c`): LTEP upload_only sets the entry's `seed`
   * (`set_upload_only` → `t->set_seed(m_peer_info, u)`), and so does a PEX seed flag while the
   * peer is not connected (`add_peer`, `update_peer`), instead of the `maybe_upload_only` hint.
   */
  readonly seedFromUploadOnly: boolean;
  /** `connection_speed` (attempts per second); absent: libtorrent's default, 30. */
  readonly connectionSpeed?: number;
  /** The client kind the policy belongs to; absent: `libtorrent`. */
  readonly client?: ClientKindName;
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
export const ER_KEPT = 1024;

const P33 = 2 ** 33;
const P7 = 2 ** 7;

/**
 * Not a connect candidate, timing and use aside (`is_connect_candidate`): banned, listen port
 * unknown, failcount ≥ 3, or, when `done`, a seed (with `uploadOnlyToo`, also upload-only).
 */
function blocked(b: number, done: boolean, uploadOnlyToo: boolean): boolean {
  if ((b & (BANNED | LISTEN_KNOWN)) !== LISTEN_KNOWN) return true;
  if (((b >> FAILCOUNT_SHIFT) & FAILCOUNT_MAX) >= LT_MAX_FAILCOUNT) return true;
  return done && (b & (uploadOnlyToo ? SEED | UPLOAD_ONLY : SEED)) !== 0;
}

/** Not in use, not returned earlier in this select, and not blocked. */
function idleCandidate(b: number, done: boolean, uploadOnlyToo: boolean): boolean {
  return (b & (CONNS_MASK | PICKED)) === 0 && !blocked(b, done, uploadOnlyToo);
}

/** compare_peer's source rank (tracker 32 + LSD 16 + DHT 8 + PEX 4). */
function sourceRank(b: number): number {
  return (
    (b & (1 << Source.Tracker) ? 32 : 0) +
    (b & (1 << Source.Lpd) ? 16 : 0) +
    (b & (1 << Source.Dht) ? 8 : 0) +
    (b & (1 << Source.Pex) ? 4 : 0)
  );
}

export class LibtorrentPolicy extends RowPolicy<LibtorrentInfo, LibtorrentRows> {
  readonly name: string;
  private readonly cands = new TopK(LT_CACHE);
  private pos = 0;
  private cursor = 0;
  private salt: number | undefined;
  /** host.done as the slot keys were last computed (suppression depends on it). */
  private keyedDone = false;
  private readonly connectionSpeed: number;
  /** Slots whose erase rank is below ER_KEPT. */
  protected erasable = 0;
  /** Draws of erase_peers' window start. */
  private eraseDraws = 0;

  constructor(readonly variant: LibtorrentVariant) {
    super(new LibtorrentRows(LT_MAX_PEERLIST), true);
    this.name = variant.name;
    this.connectionSpeed = variant.connectionSpeed ?? LT_CONNECTION_SPEED;
  }

  // ---- storage ---------------------------------------------------------------------------

  /** A fresh entry knows its listen port unless it came from an incoming connection (learnedSlot). */
  protected override initialBits(source: Source): number {
    return super.initialBits(source) | LISTEN_KNOWN;
  }

  /** Swap-remove, as the core, with the erasable count kept. */
  protected override dropSlot(slot: number): void {
    if ((this.table.erank[slot] as number) < ER_KEPT) this.erasable--;
    super.dropSlot(slot);
  }

  protected override truncate(slot: number): void {
    this.table.clear(slot);
  }

  protected view(slot: number, remote: number): LibtorrentInfo {
    return new LibtorrentInfo(this, remote, slot, this.forgets);
  }

  // ---- keys --------------------------------------------------------------------------------

  /**
   * The refill filter as a time: +∞ when not a candidate (in use, banned, listen port unknown,
   * failcount ≥ 3, suppressed while done), −∞ when never connected (no timing test), else the
   * whole second `lastConnected + (failcount + 1) × 60` from which `now − lastConnected ≥ …`.
   */
  protected override slotKey(slot: number): number {
    const rows = this.table.rows;
    const b = rows[slot * W + F_BITS] as number;
    if ((b & CONNS_MASK) !== 0 || blocked(b, this.keyedDone, this.variant.persistUploadOnly)) return Infinity;
    if ((b & EVER_CONNECTED) === 0) return -Infinity;
    return this.retryAt(slot, b);
  }

  /**
   * The reconnect rule (`is_connect_candidate`'s timing test, `peer_list.cpp`): a peer that was
   * ever connected may be dialled again once `now − last_connected ≥ (failcount + 1) × 60`.
   */
  private retryAt(slot: number, bits: number): number {
    return (this.table.rows[slot * W + F_LAST_CONNECTED] as number) + (failcountOf(bits) + 1) * LT_MIN_RECONNECT;
  }

  /** Keeps the erase rank with the slot key (every handler that rekeys). */
  protected override rekeySlot(slot: number): void {
    super.rekeySlot(slot);
    if (slot >= 0) this.setErank(slot, this.eraseRank(slot));
  }

  protected override rekeyAll(): void {
    super.rekeyAll();
    for (let i = 0; i < this.count; i++) this.setErank(i, this.eraseRank(i));
  }

  /** Brings the slot keys up to date with the records and host.done. */
  protected syncKeys(host: HostView): void {
    if (host.done !== this.keyedDone) {
      this.keyedDone = host.done;
      this.rekeyAll();
    }
  }

  // ---- learning ----------------------------------------------------------------------------

  protected learnedSlot(slot: number, source: Source, flags: PeerFlags, _now: number, isNew: boolean): boolean {
    let changed = false;
    let b = this.bitsAt(slot);
    if (isNew) {
      if (source === Source.Incoming) this.setBits(slot, (b &= ~LISTEN_KNOWN));
    } else {
      if (source !== Source.Incoming && (b & LISTEN_KNOWN) === 0) {
        this.setBits(slot, (b |= LISTEN_KNOWN));
        this.rekeyIdle(slot);
        changed = true;
      }
      const fails = failcountOf(b);
      if (source === Source.Tracker && fails > 0) {
        this.setBits(slot, (b = withFailcount(b, fails - 1)));
        this.rekeyIdle(slot);
        changed = true;
      }
    }
    if ((flags.seed === true || flags.uploadOnly === true) && (b & CONNS_MASK) === 0) {
      if (this.variant.seedFromUploadOnly) {
        if ((b & SEED) === 0) {
          this.setBits(slot, b | SEED);
          if (!isNew) this.rekeyIdle(slot);
          changed = true;
        }
      } else if ((b & MAYBE_UPLOAD_ONLY) === 0) {
        this.setBits(slot, b | MAYBE_UPLOAD_ONLY);
        changed = true;
      }
    }
    return changed;
  }

  eligibleAt(info: LibtorrentInfo, host: HostView): number {
    const slot = info.slot();
    const b = this.bitsAt(slot);
    if (blocked(b, host.done, this.variant.persistUploadOnly)) return Infinity;
    if ((b & EVER_CONNECTED) === 0) return this.table.learnedAt(slot);
    return this.retryAt(slot, b);
  }

  connectTimeout(info: LibtorrentInfo): number {
    return LT_CONNECT_TIMEOUT + 3 * failcountOf(this.bitsAt(info.slot()));
  }

  /** compare_peer as (key, tie), smaller first. */
  private key(slot: number, host: HostView): number {
    const rows = this.table.rows;
    const b = rows[slot * W + F_BITS] as number;
    const last = (b & EVER_CONNECTED) !== 0 ? (rows[slot * W + F_LAST_CONNECTED] as number) + 1 : 0;
    return failcountOf(b) * P33 + last * P7 + (host.done && (b & MAYBE_UPLOAD_ONLY) !== 0 ? 64 : 0) + (63 - sourceRank(b));
  }

  private tie(slot: number, host: HostView): number {
    const rows = this.table.rows;
    const o = slot * W;
    const b = rows[o + F_BITS] as number;
    let bep40: number;
    if ((b & BEP40_KNOWN) !== 0) {
      bep40 = (rows[o + F_BEP] as number) >>> 0;
    } else {
      if (this.salt === undefined) this.salt = host.rng.int(2 ** 32);
      bep40 = mix32((rows[o + F_REMOTE] as number) ^ this.salt);
      rows[o + F_BEP] = bep40 | 0;
      rows[o + F_BITS] = b | BEP40_KNOWN;
    }
    return 0xffffffff - bep40;
  }

  // ---- erasing -----------------------------------------------------------------------------

  /**
   * compare_peer_erase as a number, smaller erased first: higher failcount, then listen port
   * unknown, then lower trust (resume-only never applies). + ER_KEPT when not is_erase_candidate
   * (failcount 0, or still a connect candidate ignoring timing); ER_IN_USE while in use.
   */
  protected eraseRank(slot: number): number {
    const rows = this.table.rows;
    const b = rows[slot * W + F_BITS] as number;
    if ((b & CONNS_MASK) !== 0) return ER_IN_USE;
    const fails = failcountOf(b);
    const rank = (31 - fails) * 32 + ((b & LISTEN_KNOWN) !== 0 ? 16 : 0) + (rows[slot * W + F_TRUST] as number) + 7;
    if (fails === 0) return rank + ER_KEPT;
    return blocked(b, this.keyedDone, this.variant.persistUploadOnly) ? rank : rank + ER_KEPT;
  }

  private setErank(slot: number, v: number): void {
    const a = this.table.erank;
    const old = a[slot] as number;
    if (old === v) return;
    if (old < ER_KEPT) this.erasable--;
    if (v < ER_KEPT) this.erasable++;
    a[slot] = v;
  }

  /** insert_peer / new_connection at a full list: make room, or refuse the new peer. */
  protected override admit(source: Source): boolean {
    if (this.count < LT_MAX_PEERLIST) return true;
    this.erasePeers(source === Source.Incoming);
    return this.count < LT_MAX_PEERLIST;
  }

  /**
   * erase_peers: from a random start, min(N, 300) entries; erases the best erasable one, else
   * with `force` (an incoming connection) the best one not in use. At most one record.
   */
  private erasePeers(force: boolean): void {
    const n = this.count;
    if (n === 0) return;
    const from = this.eraseStart(n);
    if (!force && !this.mayErase()) return;
    const victim = this.eraseVictim(from, n < LT_WINDOW ? n : LT_WINDOW, force);
    if (victim >= 0) this.forgetSlot(victim);
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
   * use by the same order; else -1.
   */
  private eraseVictim(from: number, window: number, force: boolean): number {
    const n = this.count;
    let best = ER_KEPT - 1;
    let slot = -1;
    let forceBest = ER_KEPT - 1;
    let forceSlot = -1;
    let i = from;
    for (let k = 0; k < window; k++, i++) {
      if (i >= n) i = 0;
      const v = this.eraseRankAt(i);
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

  /** Some record's erase rank is below ER_KEPT (else weeding and erase_peers find nothing). */
  protected mayErase(): boolean {
    return this.erasable > 0;
  }

  /** The slot's compare_peer_erase rank, as kept in the erank column. */
  protected eraseRankAt(slot: number): number {
    return this.table.erank[slot] as number;
  }

  /** Cache entries follow their records through a forget (weeding, erase_peers). */
  protected override forgotten(slot: number, last: number): void {
    this.cands.moved(this.pos, last, slot);
  }

  // ---- dialling ----------------------------------------------------------------------------

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
    const n = this.count;
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
    if (n >= LT_WEED_FROM && this.mayErase() && (this.keys as SlotMinTree).min() !== Infinity) {
      const victim = this.eraseVictim(from, window, false);
      if (victim >= 0) this.forgetSlot(victim);
    }
  }

  /** The refill filter over slots [from, to), visiting only slots whose key is ≤ now. */
  protected scan(from: number, to: number, now: number, host: HostView): void {
    const keys = this.keys as SlotMinTree;
    if (keys.min() > now) return;
    // ≤ 300 leaves: a linear pass over the keys beats jumping through the tree.
    const leaves = keys.leaves;
    for (let i = from; i < to; i++) if ((leaves[i] as number) <= now) this.consider(i, now, host);
  }

  protected consider(slot: number, now: number, host: HostView): void {
    const b = this.table.rows[slot * W + F_BITS] as number;
    if (!idleCandidate(b, host.done, this.variant.persistUploadOnly)) return;
    if ((b & EVER_CONNECTED) !== 0 && now < this.retryAt(slot, b)) return;
    const key = this.key(slot, host);
    const tie = this.tie(slot, host);
    if (this.cands.accepts(key, tie)) this.cands.push(key, tie, slot);
  }

  /**
   * connect_one_peer: the next cached candidate still a candidate; when the cache runs dry, one
   * refill and its front; or -1 when that refill finds nobody.
   */
  private connectOne(host: HostView): number {
    const cands = this.cands;
    const done = host.done;
    const uploadOnlyToo = this.variant.persistUploadOnly;
    for (let refilled = false; ; refilled = true) {
      while (this.pos < cands.length) {
        const slot = cands.items[this.pos++] as number;
        if (slot >= 0 && idleCandidate(this.bitsAt(slot), done, uploadOnlyToo)) return slot;
      }
      if (refilled) return -1;
      this.refill(host);
    }
  }

  select(host: HostView, budget: number, out: Int32Array): number {
    this.syncKeys(host);
    let max = Math.floor((host.peerLimit - host.connections + 1) / 2);
    if (max > this.connectionSpeed) max = this.connectionSpeed;
    if (max > budget) max = budget;
    const rows = this.table.rows;
    let n = 0;
    let misses = 0;
    while (n < max) {
      const slot = this.connectOne(host);
      if (slot < 0) {
        // try_connect_more_peers gives up after num_torrents + 1 steps without a connection (one
        // torrent here): three empty refills before the first dial of a tick, two after one.
        if (++misses === (n === 0 ? 3 : 2)) break;
        continue;
      }
      misses = 0;
      rows[slot * W + F_BITS] = (rows[slot * W + F_BITS] as number) | PICKED;
      out[n++] = rows[slot * W + F_REMOTE] as number;
    }
    // (A weed in a refill may have moved a picked record: clear by remote, not by slot.)
    for (let i = 0; i < n; i++) {
      const slot = this.slotOf(out[i] as number);
      rows[slot * W + F_BITS] = (rows[slot * W + F_BITS] as number) & ~PICKED;
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
  nextWake(host: HostView): number {
    if (this.pos < this.cands.length) return host.now;
    this.syncKeys(host);
    const m = (this.keys as SlotMinTree).min();
    return m === -Infinity ? host.now : m;
  }

  /** Cached candidates not yet popped (for tests). */
  cachedRemaining(): number {
    return this.cands.length - this.pos;
  }

  // ---- events ------------------------------------------------------------------------------

  /** lastConnected = now, everConnected: at a dial start and at every end. */
  private stamp(slot: number, now: number): void {
    this.table.rows[slot * W + F_LAST_CONNECTED] = Math.floor(now);
    this.setBits(slot, this.bitsAt(slot) | EVER_CONNECTED);
  }

  /** failcount + 1 (to 31). */
  private bump(slot: number): void {
    const b = this.bitsAt(slot);
    const fails = failcountOf(b);
    if (fails < 31) {
      this.setBits(slot, withFailcount(b, fails + 1));
      this.touchSlot(slot); // learnedSlot() reads failcount
    }
  }

  /** lastConnected is set at the dial too (the key stays +∞ while in use). */
  override onDial(info: LibtorrentInfo, now: number): void {
    super.onDial(info, now);
    this.stamp(info.slot(), now);
    this.clearMaybeUploadOnly(info.slot());
  }

  /** trust_points stand-in (read only by the erase order, and only once the record is idle). */
  override onPieceData(info: LibtorrentInfo, now: number): void {
    super.onPieceData(info, now);
    const slot = info.slot();
    const rows = this.table.rows;
    const trust = rows[slot * W + F_TRUST] as number;
    if (trust < LT_MAX_TRUST) rows[slot * W + F_TRUST] = trust + 1;
  }

  onConnectFailure(info: LibtorrentInfo, now: number, _reason: ConnectFailure): void {
    const slot = info.slot();
    this.releaseSlot(slot);
    this.touchSlot(slot); // learnedSlot() reads whether the peer is connected
    this.bump(slot);
    this.stamp(slot, now);
    this.rekeyIdle(slot);
  }

  onHandshakeFailure(info: LibtorrentInfo, now: number, _outgoing: boolean, _readAnything: boolean): void {
    const slot = info.slot();
    this.releaseSlot(slot);
    this.touchSlot(slot); // learnedSlot() reads whether the peer is connected
    this.stamp(slot, now);
    this.rekeyIdle(slot);
  }

  onHandshake(info: LibtorrentInfo, now: number, _outgoing: boolean): void {
    const slot = info.slot();
    this.handshaked(slot, now);
    const b = this.bitsAt(slot);
    if (failcountOf(b) !== 0 || (b & LISTEN_KNOWN) === 0) this.touchSlot(slot); // learnedSlot() reads both
    this.setBits(slot, withFailcount(b, 0) | LISTEN_KNOWN);
    this.rekeyIdle(slot);
  }

  onRemoteState(info: LibtorrentInfo, _now: number, state: RemoteState): void {
    const slot = info.slot();
    const b = this.bitsAt(slot);
    const keep = this.variant.persistUploadOnly;
    switch (state.via) {
      case 'bitfield':
        this.setBits(slot, state.seed ? b | SEED : b & ~SEED);
        break;
      case 'have':
        // set_seed on the last have; 2.1 also reads the upload_only message sent on finishing.
        if (state.seed) this.setBits(slot, b | SEED | (keep ? UPLOAD_ONLY : 0));
        break;
      case 'ltep':
        // The LTEP handshake only ever sets upload_only (bt_peer_connection.cpp:2038-2039);
        // only an upload_only=0 extension message clears it, which a seed never sends.
        if (keep && state.uploadOnly) this.setBits(slot, b | UPLOAD_ONLY);
        // ≤ 1.2.12: set_upload_only(true) → set_seed (peer_connection.cpp:6618-6627 at v1.2.12).
        if (this.variant.seedFromUploadOnly && state.uploadOnly) this.setBits(slot, b | SEED);
        break;
    }
    if (this.variant.seedFromUploadOnly && this.bitsAt(slot) !== b) this.touchSlot(slot); // learnedSlot() reads seed there
    this.rekeyIdle(slot);
  }

  /**
   * ut_pex flags (`ut_pex.cpp:152-157` at v2.1.0): seed when the link to the peer learned it is a
   * seed (`p->is_seed()`: its bitfield or haves), never connectable (0x10 is not sent).
   */
  advertise(remote: number, out: PeerFlags): void {
    const slot = this.slotOf(remote);
    out.seed = out.uploadOnly = slot >= 0 && (this.bitsAt(slot) & SEED) !== 0;
    out.connectable = undefined;
  }

  utpFirst(info: LibtorrentInfo): boolean {
    return (this.bitsAt(info.slot()) & NO_UTP) === 0;
  }

  onUtpFailure(info: LibtorrentInfo, now: number): void {
    const slot = info.slot();
    this.releaseSlot(slot);
    this.touchSlot(slot); // learnedSlot() reads whether the peer is connected
    this.setBits(slot, this.bitsAt(slot) | NO_UTP);
    this.stamp(slot, now);
    this.rekeyIdle(slot);
  }

  override onIncoming(info: LibtorrentInfo, now: number): void {
    super.onIncoming(info, now);
    this.clearMaybeUploadOnly(info.slot());
  }

  /** A connection is attached: "no need to assume the peer is a seed anymore" (peer_list.cpp:448). */
  private clearMaybeUploadOnly(slot: number): void {
    const b = this.bitsAt(slot);
    if ((b & MAYBE_UPLOAD_ONLY) === 0) return;
    this.setBits(slot, b & ~MAYBE_UPLOAD_ONLY);
    this.touchSlot(slot); // learnedSlot() reads it
  }

  onClose(info: LibtorrentInfo, now: number, close: CloseInfo): void {
    const slot = info.slot();
    this.closed(slot, now, close);
    this.touchSlot(slot); // learnedSlot() reads whether the peer is connected
    if (close.severity !== 'normal') this.bump(slot);
    this.stamp(slot, now);
    this.rekeyIdle(slot);
  }

  /** Records that weeding may erase now (tests). */
  erasableCount(): number {
    return this.erasable;
  }
}

export function libtorrentFactory(variant: LibtorrentVariant): PolicyFactory {
  return {
    name: variant.name,
    description: variant.description,
    rule: variant.rule,
    params: [],
    client: variant.client ?? 'libtorrent',
    create(): ReconnectPolicy {
      return new LibtorrentPolicy(variant);
    },
  };
}
