import { BANNED, CONNECTABLE, CONNECTABLE_KNOWN, SEED, SOURCES, UPLOAD_ONLY, lowestSource } from '../peer-info.js';
import {
  CONNS_MASK,
  F_ATTEMPTED,
  F_BITS,
  F_CHANGED,
  F_PIECE_DATA,
  F_REMOTE,
  ROW_BITS,
  ROW_WORDS,
  RecordRows,
  RowInfo,
  RowPolicy,
  establishedOf,
} from '../storage/record-rows.js';
import { TopK } from '../storage/top-k.js';
import type { SlotMinTree } from '../storage/slot-tree.js';
import type {
  CloseInfo,
  ConnectFailure,
  HostView,
  PeerFlags,
  PolicyFactory,
  PolicyParams,
  ReconnectPolicy,
  RemoteState,
} from '../policy.js';
import { Source } from '../source.js';

/**
 * The Transmission family (libtransmission/peer-mgr.cc, peer-mgr.h): one implementation, three
 * variants that differ only in the fields of `TransmissionVariant` — read those as the table of
 * reference/transmission.md §9. Shared rules (§1, §4, §5, §9):
 *
 * - Timestamps are whole seconds (`tr_time()`): every stored time is `Math.floor(now)`, and
 *   eligibility compares whole seconds, so eligibleAt() is always a whole number.
 * - Reconnect interval (`get_reconnect_interval_secs`): 5 s while reachable and piece data moved
 *   within the last 10 s, else 0, 10, 120, 900, 1800, 3600, 7200 s by step = fails (+2 if
 *   unreachable), counted from max(attemptedAt, changedAt). `pieceDataAt == 0` means "never"
 *   (upstream uses epoch time so 0 never looks recent; the simulator clock starts at 0).
 * - Candidates (`is_peer_candidate`): not in use, not banned, interval elapsed, variant filter.
 *   Blocklists are not modelled.
 * - Order (`getPeerCandidateScore`): failure bit, attemptedAt, not-known-connectable, upload-only
 *   (4.0/main: the seed flag), from_best, 8-bit salt drawn from `host.rng` per candidate at
 *   rebuild, then the remote id (simulator rule). The torrent-level fields (priority, started
 *   recently, done) are the same for every candidate of one host's torrent and are left out.
 * - Rate: K per pulse. main-2023 and 4.1 keep the `outbound_candidates_` cache of 4K entries,
 *   rebuilt only when empty; each select takes the next min(K, budget) entries without
 *   re-checking the interval (as upstream), but a taken entry that is in use, banned or pruned
 *   at that moment is dropped instead of returned (the seam forbids returning it; upstream would
 *   start and then discard a duplicate handshake). 4.0.6 has no cache: `makeNewPeerConnections`
 *   rebuilds the candidate list every pulse and takes the best K (checked in tag 4.0.6).
 * - Implementation (same decisions, less work): each record's slot-tree key is a lower bound of
 *   its eligibleAt (+∞ in use; the 5 s recent-data time while that window may still apply, else
 *   eligibleAt itself, which is monotone in host.now). A rebuild visits only keys ≤ now, in
 *   slot order (so the per-candidate salts are drawn in the same order), and a visited record
 *   that turns out not eligible gets its exact key; nextWake fixes the minimum the same way.
 * - Failures: a failed outgoing TCP connect or handshake counts +1 (saturating at 255) only if no
 *   other connection to the peer is established; nothing read → unreachable. Incoming handshake
 *   failures change nothing in main and 4.1 (the ephemeral address matches no pool entry); 4.0.6
 *   counts them (`incomingFailuresCount`).
 *   A failed attempt does not touch changedAt, so its wait counts from the attempt start.
 * - A close with reason `duplicate` (a completed handshake rejected as already connected) leaves
 *   the counter unchanged in every variant (§2: "changes nothing"); `banned` bans for good.
 * - Incoming connections are treated like outgoing ones for set_connected (upstream gives them a
 *   separate tr_peer_info that is merged later), except they never mark the peer connectable
 *   (but see `incomingNewConnectable`, main).
 */
export interface TransmissionVariant {
  readonly name: string;
  readonly description: string;
  /** PolicyFactory.rule: what drives the client's churn, one sentence for docs/clients.md. */
  readonly rule: string;
  /** K: connections per 500 ms pulse. */
  readonly perPulse: number;
  /** Cache size as a multiple of K (4), or 0 for no cache (rebuild every pulse, 4.0.6). */
  readonly cacheFactor: number;
  /** main after #5773: `set_connected(true)` zeroes the counter. */
  readonly resetOnConnect: boolean;
  /** A close after piece data zeroes the counter (4.0 closePeer, 4.1 set_connected). */
  readonly resetOnDataClose: boolean;
  /**
   * A close without piece data: `any` +1 unless the local side left/stopped (4.0 closePeer);
   * `disconnecting` +1 only when the remote closed or the socket/protocol failed (4.1, #7238);
   * `never` (main after #5773).
   */
  readonly fruitlessClose: 'any' | 'disconnecting' | 'never';
  /** `excluded`: unreachable peers are never candidates (4.0, main); `step-plus-2` (4.1, #6975). */
  readonly unreachable: 'excluded' | 'step-plus-2';
  /** `done-seed`: a done client skips seeds (4.0, main); `done-upload-only-without-pex` (4.1, #6917). */
  readonly doneFilter: 'done-seed' | 'done-upload-only-without-pex';
  /** Score bit 1: `last-attempt-failed` = lastConnectedAt < attemptedAt (4.0.6); `fails-nonzero`. */
  readonly failureBit: 'last-attempt-failed' | 'fails-nonzero';
  /**
   * How the pool entry's seed/upload-only flags are kept:
   * `pex-or` (4.0: PEX flags OR-ed in, never cleared, nothing from connections);
   * `pex-overwrite` (main: `set_pex_flags` overwrites the seed flag on every non-incoming add,
   * tracker adds included, nothing from connections);
   * `persist` (4.1: PEX upload-only flag sets uploadOnly; LTEP upload_only sets/clears uploadOnly;
   * bitfield / have-all / have-none sets/clears seed).
   */
  readonly flags: 'pex-or' | 'pex-overwrite' | 'persist';
  /** A PEX `connectable` flag clears unreachable (main, 4.1); 4.0 keeps its unreachable bit. */
  readonly pexClearsUnreachable: boolean;
  /** §6 pool pruning every 60 s above the cap (4.1). */
  readonly pruning: boolean;
  /**
   * Score bit "prefer peers that we might be able to upload to": `seeds-last` (4.0.6 `:2366`,
   * 4.1.3 `:2672`) or `seeds-first` (main from #5773 to #6917: `is_seed() ? 0 : 1`).
   */
  readonly seedOrder: 'seeds-last' | 'seeds-first';
  /**
   * When the global socket cap (200) stops dials (`initiate_connection`): `always` (4.0.6, main
   * at 96de1706a^) or `when-done` (4.1: downloading torrents may steal slots).
   */
  readonly socketCap: 'always' | 'when-done';
  /** Done, drop an encrypted handshake from a peer held as a seed (3.00, 4.0.6; see ReconnectPolicy). */
  readonly refusesKnownSeeds: boolean;
  /**
   * An incoming connection's peer gets a fresh `tr_peer_info` that the LTEP handshake's listen
   * port merges into the pool entry (main, 4.1: `tr_peer_info::merge`): the count of the fresh
   * info (0) is kept and an unreachable mark is reset to unknown. 4.0.6 keys atoms by address,
   * so an incoming connection reuses the atom and resets nothing.
   */
  readonly incomingMerge: boolean;
  /**
   * A failed *incoming* handshake counts against the peer's entry (+1, unreachable when nothing
   * was read): 4.0.6 finds the atom by address alone (`on_handshake_done` `:1026-1044`); main
   * and 4.1 cannot match the ephemeral port to a pool entry.
   */
  readonly incomingFailuresCount: boolean;
  /**
   * A peer first met on an incoming connection becomes connectable once its LTEP handshake
   * gives its listen port and no pool entry has that address and port (`on_got_port`,
   * peer-mgr.cc:868-874 at 96de1706a^); 4.1.3 dropped the branch, 4.0.6 never had it.
   */
  readonly incomingNewConnectable: boolean;
  /**
   * 3.00 `seedProbability` from the tracker (announcer.c `getSeedProbability`: 100 × complete /
   * (complete + incomplete)): a new atom from a tracker answer takes it, an existing one only
   * while its own is unknown (peer-mgr.c `ensureAtomExists` `:1942-1970`); 100 marks the atom a
   * seed. Absent: the tracker tells nothing of seeds (4.x).
   */
  readonly trackerSeedProbability?: boolean;
  /**
   * 3.00 `atomSetSeed` (peer-mgr.c `tr_peerUpdateProgress` `:2535-2576`): a connection's bitfield,
   * have-all or the `have` completing the peer marks its atom a seed, never cleared. Removed
   * before 4.0 (81a42c6bb, #3363).
   */
  readonly seedFromConnection?: boolean;
}

/** Words of a row: the PeerInfo words, then lastConnectedAt. */
const W = ROW_WORDS + 1;
/** Last completed handshake (s); 0 = never. */
const F_LAST_CONNECTED_AT = ROW_WORDS;
/** num_fails / num_consecutive_fails_ / num_consecutive_fruitless_ (0–255), in the bits word. */
const FAILS_SHIFT = ROW_BITS;
/** 3.00: the atom's `seedProbability` is known (≠ −1); with SEED set it is 100. */
const SEED_PROB_KNOWN = 1 << (ROW_BITS + 8);

function failsOf(b: number): number {
  return (b >> FAILS_SHIFT) & 0xff;
}

function withFails(b: number, v: number): number {
  return (b & ~(0xff << FAILS_SHIFT)) | ((v & 0xff) << FAILS_SHIFT);
}

/** Known connectable: true, false (unreachable), or undefined. */
function connectableOf(b: number): boolean | undefined {
  return (b & CONNECTABLE_KNOWN) === 0 ? undefined : (b & CONNECTABLE) !== 0;
}

function withConnectable(b: number, v: boolean): number {
  return (b & ~CONNECTABLE) | CONNECTABLE_KNOWN | (v ? CONNECTABLE : 0);
}

/** A pool entry (`tr_peer_info`): RowInfo plus the fail counter and the last connect time. */
export class TransmissionInfo extends RowInfo {
  /** num_fails / num_consecutive_fails_ / num_consecutive_fruitless_ (0–255). */
  get fails(): number {
    return failsOf(this.b);
  }
  set fails(v: number) {
    this.b = withFails(this.b, v);
  }
  /** Last completed handshake (s); 0 = never. */
  get lastConnectedAt(): number {
    return this.read(F_LAST_CONNECTED_AT);
  }
  set lastConnectedAt(v: number) {
    this.write(F_LAST_CONNECTED_AT, v);
  }
}

/** Reconnect interval by step (§1). */
export const TRANSMISSION_INTERVALS: readonly number[] = [0, 10, 120, 900, 1800, 3600, 7200];
export const TRANSMISSION_MIN_INTERVAL = 5;
export const TRANSMISSION_PRUNE_PERIOD = 60;
export const TRANSMISSION_INACTIVE_AFTER = 3600;

export function transmissionInterval(step: number): number {
  return TRANSMISSION_INTERVALS[step < 6 ? step : 6] as number;
}

const P46 = 2 ** 46;
const P14 = 2 ** 14;

export class TransmissionPolicy extends RowPolicy<TransmissionInfo> {
  readonly name: string;
  readonly socketCap: 'always' | 'when-done';
  readonly refusesKnownSeeds: boolean;
  private readonly cache: TopK;
  private cachePos = 0;
  private nextPrune = TRANSMISSION_PRUNE_PERIOD;
  /** Slots, then remotes, of the prune in progress. */
  private pruneScratch: number[] = [];
  /** host.done / host.pexAllowed as the slot keys were last computed (exclusion depends on them). */
  private keyedDone = false;
  private keyedPex = true;
  /** 3.00: the seed probability of the tracker answer being learnt (−1 unknown). */
  private trackerProb = -1;
  /** Only variants that read the tracker's counts have it, so the swarm counts only for them. */
  readonly onTrackerResponse?: (seeds: number, leechers: number, listed: number, now: number) => void;

  constructor(
    readonly variant: TransmissionVariant,
    name = variant.name,
  ) {
    super(new RecordRows(W), true);
    this.name = name;
    this.socketCap = variant.socketCap;
    this.refusesKnownSeeds = variant.refusesKnownSeeds;
    const k = variant.perPulse;
    this.cache = new TopK(variant.cacheFactor > 0 ? k * variant.cacheFactor : k);
    if (variant.trackerSeedProbability === true) {
      this.onTrackerResponse = (seeds, leechers) => {
        this.trackerProb = seedProbability(seeds, leechers);
      };
    }
  }

  protected view(slot: number, remote: number): TransmissionInfo {
    return new TransmissionInfo(this, remote, slot, this.forgets);
  }

  protected learnedSlot(slot: number, source: Source, flags: PeerFlags): boolean {
    const v = this.variant;
    const before = this.bitsAt(slot);
    let b = before;
    if (flags.connectable === true && (v.pexClearsUnreachable || connectableOf(b) !== false)) b = withConnectable(b, true);
    const seedFlag = flags.seed === true || flags.uploadOnly === true; // one PEX bit (0x02)
    if (source === Source.Tracker && v.trackerSeedProbability === true && (b & SEED_PROB_KNOWN) === 0) b = withSeedProbability(b, this.trackerProb);
    switch (v.flags) {
      case 'pex-or':
        if (seedFlag) b |= SEED;
        break;
      case 'pex-overwrite':
        if (source !== Source.Incoming) b = seedFlag ? b | SEED : b & ~SEED;
        break;
      case 'persist':
        if (seedFlag) b |= UPLOAD_ONLY;
        break;
    }
    if (b === before) return false;
    this.setBits(slot, b);
    this.rekeyIdle(slot);
    return true;
  }

  /** The seed/upload-only exclusion of a done client (§4, §9), on the bits word. */
  private excluded(b: number, done: boolean, pexAllowed: boolean): boolean {
    if (!done) return false;
    if (this.variant.doneFilter === 'done-seed') return (b & SEED) !== 0;
    return (b & (UPLOAD_ONLY | SEED)) !== 0 && !pexAllowed;
  }

  /** A lower bound of eligibleAt for any later host clock (+∞ while in use). */
  protected override slotKey(slot: number): number {
    const b = this.bitsAt(slot);
    if ((b & (CONNS_MASK | BANNED)) !== 0 || this.excluded(b, this.keyedDone, this.keyedPex)) return Infinity;
    return this.eligibleFrom(slot, -Infinity);
  }

  /** Brings the slot keys up to date with the records and the host flags they read. */
  protected syncKeys(host: HostView): void {
    if (host.done !== this.keyedDone || host.pexAllowed !== this.keyedPex) {
      this.keyedDone = host.done;
      this.keyedPex = host.pexAllowed;
      this.rekeyAll();
    }
  }

  eligibleAt(info: TransmissionInfo, host: HostView): number {
    return this.eligibleAtSlot(info.slot(), host);
  }

  protected eligibleAtSlot(slot: number, host: HostView): number {
    const b = this.bitsAt(slot);
    if ((b & BANNED) !== 0 || this.excluded(b, host.done, host.pexAllowed)) return Infinity;
    return this.eligibleFrom(slot, Math.floor(host.now));
  }

  /**
   * eligibleAt past the exclusions, for a host clock at whole second `nowFloor`. It does not
   * decrease as nowFloor grows; with nowFloor = −∞ it is the slot key's lower bound.
   */
  private eligibleFrom(slot: number, nowFloor: number): number {
    const rows = this.table.rows;
    const o = slot * W;
    const b = rows[o + F_BITS] as number;
    const unreachable = connectableOf(b) === false;
    if (unreachable && this.variant.unreachable === 'excluded') return Infinity;
    const attemptedAt = rows[o + F_ATTEMPTED] as number;
    const changedAt = rows[o + F_CHANGED] as number;
    const pieceDataAt = rows[o + F_PIECE_DATA] as number;
    const fails = failsOf(b);
    const base = attemptedAt > changedAt ? attemptedAt : changedAt;
    const late = base + transmissionInterval(unreachable ? fails + 2 : fails);
    if (unreachable || pieceDataAt === 0) return late;
    // 5 s while floor(t) − pieceDataAt ≤ 10; the table once that window has passed.
    const windowEnd = pieceDataAt + 2 * TRANSMISSION_MIN_INTERVAL;
    if (base + TRANSMISSION_MIN_INTERVAL <= windowEnd && nowFloor <= windowEnd) {
      return base + TRANSMISSION_MIN_INTERVAL;
    }
    return late > windowEnd + 1 ? late : windowEnd + 1;
  }

  /** The 64-bit score of §4 packed into a double (47 bits), smaller first. */
  private score(slot: number, salt: number): number {
    const rows = this.table.rows;
    const o = slot * W;
    const b = rows[o + F_BITS] as number;
    const attemptedAt = rows[o + F_ATTEMPTED] as number;
    const failed =
      this.variant.failureBit === 'fails-nonzero' ? failsOf(b) !== 0 : (rows[o + F_LAST_CONNECTED_AT] as number) < attemptedAt;
    const uploadOnly = this.variant.flags === 'persist' ? (b & (UPLOAD_ONLY | SEED)) !== 0 : (b & SEED) !== 0;
    const seedBit = this.variant.seedOrder === 'seeds-last' ? uploadOnly : !uploadOnly;
    return (
      (failed ? P46 : 0) +
      attemptedAt * P14 +
      (connectableOf(b) === true ? 0 : 1 << 13) +
      (seedBit ? 1 << 12 : 0) +
      (lowestSource(b) << 8) +
      salt
    );
  }

  /** Empties the candidate cache and ranks into it every record eligible now. */
  private rebuild(host: HostView): void {
    this.cache.clear();
    this.cachePos = 0;
    this.collect(host);
  }

  /**
   * Offers every record that is not in use and eligible now (eligibleAt ≤ now), in slot order.
   * Only slots whose key is ≤ now can be eligible; one that is not (its recent-data window
   * closed) gets its exact key, which holds until its next event.
   */
  protected collect(host: HostView): void {
    const keys = this.keys as SlotMinTree;
    const now = host.now;
    if (keys.min() > now) return;
    // A linear pass over the keys (4 bytes a record, contiguous) reads only the records that
    // can be eligible; cheaper than jumping through the tree unless very few qualify.
    const leaves = keys.leaves;
    const n = this.count;
    for (let i = 0; i < n; i++) {
      if ((leaves[i] as number) > now) continue;
      if ((this.bitsAt(i) & CONNS_MASK) !== 0) continue;
      const e = this.eligibleAtSlot(i, host);
      if (e > now) {
        keys.set(i, e);
        continue;
      }
      this.offer(i, host);
    }
  }

  /** Ranks an eligible record into the cache, drawing its salt (one draw per candidate). */
  protected offer(slot: number, host: HostView): void {
    this.cache.push(this.score(slot, host.rng.int(256)), this.remoteAt(slot), slot);
  }

  select(host: HostView, budget: number, out: Int32Array): number {
    this.syncKeys(host);
    if (budget <= 0) return 0;
    const cache = this.cache;
    if (this.variant.cacheFactor === 0 || this.cachePos >= cache.length) this.rebuild(host);
    // K entries are consumed every pulse; past the budget (the socket cap) they are dropped
    // undialled, as `initiate_connection` returns at the cap after the candidate was taken.
    let take = this.variant.perPulse;
    if (take > cache.length - this.cachePos) take = cache.length - this.cachePos;
    let n = 0;
    for (let i = 0; i < take; i++) {
      const slot = cache.items[this.cachePos++] as number;
      if (slot < 0 || n >= budget) continue; // pruned since the rebuild, or over the cap
      if ((this.bitsAt(slot) & (CONNS_MASK | BANNED)) !== 0) continue;
      out[n++] = this.remoteAt(slot);
    }
    return n;
  }

  nextWake(host: HostView): number {
    if (this.variant.cacheFactor > 0 && this.cachePos < this.cache.length) return host.now;
    return this.earliestEligible(host);
  }

  /** §6: the pool pruning timer (4.1), every 60 s whatever the dialling does. */
  maintain(host: HostView): number {
    if (!this.variant.pruning) return Infinity;
    if (host.now >= this.nextPrune) this.prune(host);
    return this.nextPrune;
  }

  /**
   * min eligibleAt over records not in use (what a scan of every record computes): the tree's
   * minimum once the record holding it has its exact key.
   */
  protected earliestEligible(host: HostView): number {
    this.syncKeys(host);
    const keys = this.keys as SlotMinTree;
    for (;;) {
      const m = keys.min();
      if (m === Infinity) return m;
      const slot = keys.firstAtMost(0, m);
      const e = this.eligibleAtSlot(slot, host);
      if (e === m) return m;
      keys.set(slot, e);
    }
  }

  /** Cache entries follow their records through a forget (pruning). */
  protected override forgotten(slot: number, last: number): void {
    this.cache.moved(this.cachePos, last, slot);
  }

  /** Candidate-cache entries not yet taken (for tests and traces). */
  cachedRemaining(): number {
    return this.cache.length - this.cachePos;
  }

  private pruneCap(host: HostView): number {
    return host.done ? host.peerLimit : host.peerLimit * 3;
  }

  /**
   * §6 `peer_info_pulse`: above the cap, keep every entry in use, then the best of the rest by
   * active first (inactive = not in use and ≥ 3600 s since the last connection change), newest
   * piece data, lower from_best, fewer fruitless connections, then remote id (simulator rule;
   * BEP 40 priority is not modelled).
   */
  private prune(host: HostView): void {
    const now = Math.floor(host.now);
    while (this.nextPrune <= host.now) this.nextPrune += TRANSMISSION_PRUNE_PERIOD;
    const cap = this.pruneCap(host);
    const n = this.count;
    if (n <= cap) return;
    const rest = this.pruneScratch;
    rest.length = 0;
    let inUse = 0;
    for (let i = 0; i < n; i++) {
      if ((this.bitsAt(i) & CONNS_MASK) !== 0) inUse++;
      else rest.push(i);
    }
    const keep = cap - inUse;
    if (keep >= rest.length) return;
    const rows = this.table.rows;
    const inactive = (s: number): number => {
      const changedAt = rows[s * W + F_CHANGED] as number;
      return changedAt > 0 && now - changedAt >= TRANSMISSION_INACTIVE_AFTER ? 1 : 0;
    };
    rest.sort(
      (a, b) =>
        inactive(a) - inactive(b) ||
        (rows[b * W + F_PIECE_DATA] as number) - (rows[a * W + F_PIECE_DATA] as number) ||
        lowestSource(rows[a * W + F_BITS] as number) - lowestSource(rows[b * W + F_BITS] as number) ||
        failsOf(rows[a * W + F_BITS] as number) - failsOf(rows[b * W + F_BITS] as number) ||
        (rows[a * W + F_REMOTE] as number) - (rows[b * W + F_REMOTE] as number),
    );
    // Forgetting moves records between slots: name the victims by remote first.
    const from = keep < 0 ? 0 : keep;
    for (let i = from; i < rest.length; i++) rest[i] = this.remoteAt(rest[i] as number);
    for (let i = from; i < rest.length; i++) this.forgetSlot(this.slotOf(rest[i] as number));
    rest.length = 0;
  }

  /**
   * PEX flags from the pool entry (`tr_peerMgrGetPeers` → the atom's flags in 4.0.6 `:1355`,
   * `tr_peer_info::pex_flags()` in main `peer-mgr.h:351-385` and 4.1): the seed bit as this
   * variant keeps it (never learned from a connection in 4.0 and main), connectable when known.
   */
  advertise(remote: number, out: PeerFlags): void {
    const slot = this.slotOf(remote);
    const b = slot < 0 ? 0 : this.bitsAt(slot);
    const seed = (b & (this.variant.flags === 'persist' ? UPLOAD_ONLY | SEED : SEED)) !== 0;
    out.seed = out.uploadOnly = seed;
    out.connectable = connectableOf(b) === true ? true : undefined;
  }

  onConnectFailure(info: TransmissionInfo, _now: number, _reason: ConnectFailure): void {
    const slot = info.slot();
    this.releaseSlot(slot);
    if (establishedOf(this.bitsAt(slot)) === 0) {
      this.fail(slot);
      this.setConnectable(slot, false); // nothing read
    }
    this.rekeyIdle(slot);
  }

  onHandshakeFailure(info: TransmissionInfo, _now: number, outgoing: boolean, readAnything: boolean): void {
    const slot = info.slot();
    this.releaseSlot(slot);
    if ((outgoing || this.variant.incomingFailuresCount) && establishedOf(this.bitsAt(slot)) === 0) {
      this.fail(slot);
      if (!readAnything) this.setConnectable(slot, false);
    }
    this.rekeyIdle(slot);
  }

  /** A handshake dropped at the peer limit leaves the pool entry as it was (4.1.3 `:1427`). */
  onAbandoned(info: TransmissionInfo, _now: number): void {
    const slot = info.slot();
    this.releaseSlot(slot);
    this.rekeyIdle(slot);
  }

  onHandshake(info: TransmissionInfo, now: number, outgoing: boolean): void {
    const slot = info.slot();
    const brandNew = (this.bitsAt(slot) & SOURCES) === 1 << Source.Incoming && this.word(slot, F_LAST_CONNECTED_AT) === 0;
    this.handshaked(slot, now);
    this.setWord(slot, F_LAST_CONNECTED_AT, this.word(slot, F_CHANGED));
    if (outgoing) this.setConnectable(slot, true);
    else if (this.variant.incomingMerge) {
      // The merged entry keeps the fresh info's count and forgets "unreachable" (we are
      // connected to it, so the two disagree): peer-mgr.cc `tr_peer_info::merge`.
      this.setBits(slot, withFails(this.bitsAt(slot), 0));
      if (connectableOf(this.bitsAt(slot)) === false) this.clearConnectable(slot);
      if (brandNew && this.variant.incomingNewConnectable) this.setConnectable(slot, true);
    }
    if (this.variant.resetOnConnect) this.setBits(slot, withFails(this.bitsAt(slot), 0));
    this.rekeyIdle(slot);
  }

  onRemoteState(info: TransmissionInfo, _now: number, state: RemoteState): void {
    if (this.variant.seedFromConnection === true) {
      if (state.via === 'ltep' || !state.seed) return;
      const slot = info.slot();
      const b = this.bitsAt(slot);
      if ((b & SEED) !== 0) return;
      this.touchSlot(slot);
      this.setBits(slot, withSeedProbability(b, 100));
      this.rekeyIdle(slot);
      return;
    }
    if (this.variant.flags !== 'persist') return;
    const slot = info.slot();
    this.touchSlot(slot);
    const b = this.bitsAt(slot);
    if (state.via === 'ltep') this.setBits(slot, state.uploadOnly ? b | UPLOAD_ONLY : b & ~UPLOAD_ONLY);
    else this.setBits(slot, state.seed ? b | SEED : b & ~SEED);
    this.rekeyIdle(slot);
  }

  onClose(info: TransmissionInfo, now: number, close: CloseInfo): void {
    const slot = info.slot();
    this.closed(slot, now, close);
    this.countClose(slot, close);
    this.rekeyIdle(slot);
  }

  /** The counter after a close (§2, §9). */
  private countClose(slot: number, close: CloseInfo): void {
    if (close.reason === 'duplicate') return;
    const v = this.variant;
    if (close.pieceBytes > 0) {
      if (v.resetOnDataClose) this.setBits(slot, withFails(this.bitsAt(slot), 0));
      return;
    }
    switch (v.fruitlessClose) {
      case 'any':
        if (close.reason !== 'local_left') this.fail(slot);
        break;
      case 'disconnecting':
        if (isDisconnecting(close)) this.fail(slot);
        break;
      case 'never':
        break;
    }
  }

  /** Sets `connectable` outside learn (learnedSlot() reads it: clears the no-op learn memo). */
  private setConnectable(slot: number, connectable: boolean): void {
    const b = this.bitsAt(slot);
    if (connectableOf(b) === connectable) return;
    this.setBits(slot, withConnectable(b, connectable));
    this.touchSlot(slot);
  }

  private clearConnectable(slot: number): void {
    this.setBits(slot, this.bitsAt(slot) & ~(CONNECTABLE | CONNECTABLE_KNOWN));
    this.touchSlot(slot);
  }

  private fail(slot: number): void {
    const b = this.bitsAt(slot);
    const fails = failsOf(b);
    if (fails < 255) this.setBits(slot, withFails(b, fails + 1));
  }
}

/** announcer.c `getSeedProbability` at 3.00 (`:551-567`), without ocelot's private-tracker special case. */
export function seedProbability(seeds: number, leechers: number): number {
  return seeds >= 0 && leechers >= 0 && seeds + leechers > 0 ? Math.trunc((100 * seeds) / (seeds + leechers)) : -1;
}

/** peer-mgr.c `atomSetSeedProbability` (`:600-616`): 100 sets the seed flag, another known value clears it, −1 changes nothing. */
function withSeedProbability(b: number, prob: number): number {
  if (prob === 100) return b | SEED | SEED_PROB_KNOWN;
  if (prob >= 0) return (b & ~SEED) | SEED_PROB_KNOWN;
  return b;
}

/**
 * 4.1 `is_disconnecting_` (§7): set by `disconnect_soon()` when the remote closed or the socket
 * failed (`got_error`: this end read EOF, `peer_left`), on ERANGE/EMSGSIZE, blocklist updates
 * and lost duplicate resolution (none of which the model produces). Own closes (culls, idle,
 * upload-only, stop) leave it unset.
 */
export function isDisconnecting(close: CloseInfo): boolean {
  return !close.byUs;
}

/** A registry entry for a Transmission variant (no parameters: it mirrors a release). */
export function transmissionFactory(variant: TransmissionVariant): PolicyFactory {
  return {
    name: variant.name,
    description: variant.description,
    rule: variant.rule,
    params: [],
    client: 'transmission',
    create(_params: PolicyParams): ReconnectPolicy {
      return new TransmissionPolicy(variant);
    },
  };
}
