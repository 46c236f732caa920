import type { ConnectionRow } from '../data.js';

export interface RasterDial {
  t: number;
  remote: number;
  outcome: string;
  /** When the connection closed (null: failed before connecting, or still open). */
  tEnd: number | null;
  /** When the handshake completed (start of the connection's useful life), if it did. */
  tHandshake: number | null;
  reason: string;
  bytes: number;
}

export interface RasterPanel {
  policy: string;
  rep: number;
  seed: number;
  /** Dials to the remote peers shown (see RasterData.remotes). */
  dials: RasterDial[];
  /** All outbound dials of the peer in this run, shown or not. */
  total: number;
}

export interface RasterData {
  scenario: string;
  /** The subject peer whose outbound dials are drawn (same id, and so the same peer, under every policy). */
  peer: number;
  /** Remote peers in order of first dial over all panels: the y order shared by the panels. */
  remotes: number[];
  /** Remote peers left out to keep rows readable (the least dialled ones). */
  hiddenRemotes: number;
  panels: RasterPanel[];
}

export interface RasterOptions {
  /** The scenario's subject group name (connections.csv from_group). */
  subjectGroup?: string;
  /** At most this many remote-peer rows: the most dialled ones (default 60). */
  maxRows?: number;
  /** The sweep point to draw (default: every row, i.e. a plain run's ''). */
  pointLabel?: string;
}

/**
 * Picks the replication and subject peer for the reconnect raster: per policy, the lowest traced
 * replication (the lowest one traced for every policy when there is one, so that common random
 * numbers make the peer the same peer), then the subject peer with the most outbound dials over
 * all policies (ties: lowest id). Null when the trace has no subject dials.
 */
export function rasterData(conns: readonly ConnectionRow[], scenario: string, policies: readonly string[], o: RasterOptions = {}): RasterData | null {
  const group = o.subjectGroup ?? 'subject';
  const maxRows = o.maxRows ?? 60;
  const rows = conns.filter((c) => c.scenario === scenario && c.from_group === group && (o.pointLabel === undefined || c.pointLabel === o.pointLabel));
  const repsByPolicy = new Map<string, Set<number>>();
  for (const c of rows) {
    let s = repsByPolicy.get(c.policy);
    if (!s) repsByPolicy.set(c.policy, (s = new Set()));
    s.add(c.rep);
  }
  const traced = policies.filter((p) => repsByPolicy.has(p));
  if (traced.length === 0) return null;
  const common = [...repsByPolicy.get(traced[0]!)!].filter((r) => traced.every((p) => repsByPolicy.get(p)!.has(r))).sort((a, b) => a - b);
  const repOf = new Map<string, number>();
  for (const p of traced) repOf.set(p, common.length > 0 ? common[0]! : Math.min(...repsByPolicy.get(p)!));
  const chosen = rows.filter((c) => repOf.get(c.policy) === c.rep);
  const count = new Map<number, number>();
  for (const c of chosen) count.set(c.from, (count.get(c.from) ?? 0) + 1);
  let peer = -1;
  let best = -1;
  for (const [id, n] of count) if (n > best || (n === best && id < peer)) [peer, best] = [id, n];
  const remotesFirst = new Map<number, number>();
  const remoteCount = new Map<number, number>();
  const panels: RasterPanel[] = [];
  for (const p of traced) {
    const dials = chosen
      .filter((c) => c.policy === p && c.from === peer)
      .map((c) => ({
        t: c.t_dial,
        remote: c.to,
        outcome: c.outcome,
        tEnd: c.t_close,
        tHandshake: c.t_handshake,
        reason: c.close_reason,
        bytes: (c.bytes_from_to ?? 0) + (c.bytes_to_from ?? 0),
      }))
      .sort((a, b) => a.t - b.t || a.remote - b.remote);
    for (const d of dials) {
      const f = remotesFirst.get(d.remote);
      if (f === undefined || d.t < f) remotesFirst.set(d.remote, d.t);
      remoteCount.set(d.remote, (remoteCount.get(d.remote) ?? 0) + 1);
    }
    const seed = chosen.find((c) => c.policy === p)?.seed ?? NaN;
    panels.push({ policy: p, rep: repOf.get(p)!, seed, dials, total: dials.length });
  }
  let remotes = [...remotesFirst.keys()];
  let hiddenRemotes = 0;
  if (remotes.length > maxRows) {
    const keep = new Set(
      [...remoteCount.entries()]
        .sort((a, b) => b[1] - a[1] || remotesFirst.get(a[0])! - remotesFirst.get(b[0])! || a[0] - b[0])
        .slice(0, maxRows)
        .map(([r]) => r),
    );
    hiddenRemotes = remotes.length - keep.size;
    remotes = remotes.filter((r) => keep.has(r));
    for (const p of panels) p.dials = p.dials.filter((d) => keep.has(d.remote));
  }
  remotes.sort((a, b) => remotesFirst.get(a)! - remotesFirst.get(b)! || a - b);
  return { scenario, peer, remotes, hiddenRemotes, panels };
}

/** A drawn raster mark: one dial, or (when there are too many to draw) all dials to one peer in one time bin. */
export interface RasterMark {
  /** Dial time, or the middle of the bin. */
  t: number;
  remote: number;
  /** The dial's outcome, or the most frequent one in the bin. */
  outcome: string;
  /** Dials this mark stands for. */
  count: number;
  /** Per outcome, for binned marks. */
  outcomes: Record<string, number>;
  /** The dial itself when count = 1. */
  dial: RasterDial | null;
}

const BIN_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400];
/** Tie-break of a bin's outcome: the more telling first. */
const OUTCOME_RANK = ['wasted', 'useful', 'handshake_failed', 'timeout', 'refused', 'open'];

/**
 * One mark per dial while there are at most `maxMarks`; beyond, one mark per remote peer and time
 * bin (a round bin width giving about 200 bins over tMax) carrying the count and outcome mix.
 */
export function rasterMarks(dials: readonly RasterDial[], tMax: number, maxMarks = 2500): { marks: RasterMark[]; binSeconds: number | null } {
  if (dials.length <= maxMarks) {
    return { marks: dials.map((d) => ({ t: d.t, remote: d.remote, outcome: d.outcome, count: 1, outcomes: { [d.outcome]: 1 }, dial: d })), binSeconds: null };
  }
  const bin = BIN_STEPS.find((s) => s >= tMax / 200) ?? BIN_STEPS[BIN_STEPS.length - 1]!;
  const bins = new Map<string, { remote: number; b: number; outcomes: Record<string, number>; count: number }>();
  for (const d of dials) {
    const b = Math.floor(d.t / bin);
    const k = `${d.remote}:${b}`;
    let e = bins.get(k);
    if (!e) bins.set(k, (e = { remote: d.remote, b, outcomes: {}, count: 0 }));
    e.outcomes[d.outcome] = (e.outcomes[d.outcome] ?? 0) + 1;
    e.count++;
  }
  const marks: RasterMark[] = [];
  for (const e of bins.values()) {
    let best = '';
    for (const o of Object.keys(e.outcomes)) {
      if (best === '' || e.outcomes[o]! > e.outcomes[best]! || (e.outcomes[o] === e.outcomes[best] && OUTCOME_RANK.indexOf(o) < OUTCOME_RANK.indexOf(best))) best = o;
    }
    marks.push({ t: (e.b + 0.5) * bin, remote: e.remote, outcome: best, count: e.count, outcomes: e.outcomes, dial: null });
  }
  marks.sort((a, b) => a.t - b.t || a.remote - b.remote);
  return { marks, binSeconds: bin };
}
