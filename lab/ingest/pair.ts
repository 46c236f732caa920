import type { CloseReason } from '../../sim/policies/policy.js';
import type { SideConn } from './sides.js';

/** One connection, counted once (SPEC), from both ends' logs where both were read. */
export interface RealConn {
  from: string;
  to: string;
  tDial: number;
  tConnect: number;
  tHandshake: number;
  tClose: number;
  outcome: 'refused' | 'timeout' | 'handshake_failed' | 'wasted' | 'useful' | 'open';
  closeReason: CloseReason | '';
  closedBy: 'from' | 'to' | '';
  bytesFromTo: number;
  bytesToFrom: number;
}

/** Seconds within which the accepting end's record of a connection must start. */
const MATCH_WINDOW = 3;

/**
 * Joins the dialler's record of each connection with the accepting end's, by addresses and time:
 * `clientOf` turns a remote address into a lab client id (undefined for an address the lab did
 * not run). Records of one end only stay connections of their own.
 */
export function pairSides(sides: readonly SideConn[], clientOf: (ip: string) => string | undefined, addressOf: (client: string) => string | undefined): RealConn[] {
  const incoming = new Map<string, SideConn[]>();
  for (const s of sides) {
    if (s.dir !== 'in') continue;
    const key = `${s.client}<${s.remote}`;
    const list = incoming.get(key) ?? [];
    list.push(s);
    incoming.set(key, list);
  }
  const used = new Set<SideConn>();
  const out: RealConn[] = [];
  for (const o of sides) {
    if (o.dir !== 'out') continue;
    const to = clientOf(o.remote) ?? o.remote;
    const myAddr = addressOf(o.client);
    const cands = (incoming.get(`${to}<${myAddr}`) ?? []).filter((i) => !used.has(i));
    const ref = o.tConnect >= 0 ? o.tConnect : o.tDial;
    let best: SideConn | undefined;
    for (const c of cands) {
      const d = Math.abs(c.tConnect - ref);
      if (d <= MATCH_WINDOW && (!best || d < Math.abs(best.tConnect - ref))) best = c;
    }
    if (best) used.add(best);
    out.push(merge(o, best, o.client, to));
  }
  for (const i of sides) {
    if (i.dir !== 'in' || used.has(i)) continue;
    out.push(merge(undefined, i, clientOf(i.remote) ?? i.remote, i.client));
  }
  return out.sort((a, b) => a.tDial - b.tDial || a.from.localeCompare(b.from));
}

function merge(o: SideConn | undefined, i: SideConn | undefined, from: string, to: string): RealConn {
  const first = (a: number | undefined, b: number | undefined): number => {
    const xs = [a ?? -1, b ?? -1].filter((x) => x >= 0);
    return xs.length ? Math.min(...xs) : -1;
  };
  const tDial = o ? o.tDial : i!.tConnect;
  const tConnect = first(o?.tConnect, i?.tConnect);
  // A handshake completed when every end that logged saw it complete.
  const ends = [o, i].filter((s): s is SideConn => s !== undefined);
  const handshaked = ends.every((s) => s.tHandshake >= 0);
  const tHandshake = handshaked ? Math.max(...ends.map((s) => s.tHandshake)) : -1;
  const tClose = first(o?.tClose, i?.tClose);
  const bytesFromTo = Math.max(o?.bytesUp ?? 0, i?.bytesDown ?? 0);
  const bytesToFrom = Math.max(o?.bytesDown ?? 0, i?.bytesUp ?? 0);
  // Who closed: the end that says it decided; else the end that did not.
  let closedBy: RealConn['closedBy'] = '';
  let closeReason: CloseReason | '' = '';
  const decided = ends.filter((s) => s.byUs === true).sort((a, b) => a.tClose - b.tClose)[0];
  if (decided) {
    closedBy = decided === o ? 'from' : 'to';
    closeReason = decided.closeReason === 'peer_left' ? 'dropped' : decided.closeReason;
  } else {
    const passive = ends.find((s) => s.byUs === false);
    if (passive) {
      closedBy = passive === o ? 'to' : 'from';
      // Only the end that read EOF logged the close: the decider gave no reason we can see.
      closeReason = 'dropped';
    }
  }
  let outcome: RealConn['outcome'];
  const failure = o?.failure ?? (o ? null : i?.failure ?? null);
  if (failure === 'refused' || failure === 'timeout') outcome = failure;
  else if (!handshaked && tClose >= 0) outcome = 'handshake_failed';
  else if (tClose < 0) outcome = 'open';
  else outcome = bytesFromTo + bytesToFrom > 0 ? 'useful' : 'wasted';
  if (outcome === 'open' || outcome === 'refused' || outcome === 'timeout') {
    closedBy = '';
    if (outcome !== 'open') closeReason = '';
  }
  if (outcome === 'open') closeReason = '';
  return { from, to, tDial, tConnect, tHandshake, tClose, outcome, closeReason, closedBy, bytesFromTo, bytesToFrom };
}
