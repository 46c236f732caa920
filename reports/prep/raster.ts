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
  dials: RasterDial[];
}

export interface RasterData {
  scenario: string;
  /** The subject peer whose outbound dials are drawn (same id, and so the same peer, under every policy). */
  peer: number;
  /** Remote peers in order of first dial over all panels: the y order shared by the panels. */
  remotes: number[];
  panels: RasterPanel[];
}

/**
 * Picks the replication and subject peer for the reconnect raster: per policy, the lowest traced
 * replication (the lowest one traced for every policy when there is one, so that common random
 * numbers make the peer the same peer), then the subject peer with the most outbound dials over
 * all policies (ties: lowest id). Null when the trace has no subject dials.
 */
export function rasterData(conns: readonly ConnectionRow[], scenario: string, policies: readonly string[]): RasterData | null {
  const rows = conns.filter((c) => c.scenario === scenario && c.from_group === 'subject');
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
    }
    const seed = chosen.find((c) => c.policy === p)?.seed ?? NaN;
    panels.push({ policy: p, rep: repOf.get(p)!, seed, dials });
  }
  const remotes = [...remotesFirst.entries()].sort((a, b) => a[1] - b[1] || a[0] - b[0]).map(([r]) => r);
  return { scenario, peer, remotes, panels };
}
