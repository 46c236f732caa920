import { ConnState } from './connection.js';
import { LINK_COUNTED, LINK_OPEN, LINK_OUT, LINK_SEQ_SHIFT, LINK_UP_ACTIVE, LINK_UP_INTERESTED, LINK_UP_UNCHOKED } from './peer.js';
import type { Swarm } from './swarm.js';

/**
 * Checks the swarm's state for things that must always hold. Returns the violations found (empty
 * when all is well). Tests call it after every event of randomly generated scenarios; a sweep may
 * call it at the end of a run to turn a model bug into a reported failure.
 */
export function swarmViolations(swarm: Swarm): string[] {
  const out: string[] = [];
  const now = swarm.env.now;
  for (const p of swarm.peers) {
    if (p.handshaked > p.kind.peerLimit) out.push(`t=${now}: peer ${p.id} has ${p.handshaked} handshaked connections, limit ${p.kind.peerLimit}`);
    if (p.unchoked > p.kind.uploadSlots) out.push(`t=${now}: peer ${p.id} unchokes ${p.unchoked} peers, ${p.kind.uploadSlots} slots`);
    let unchoked = 0;
    let waiting = 0;
    for (const c of p.conns) {
      const f = c.a === p ? c.ab : c.ba;
      if (f.unchoked) unchoked++;
      else if (f.interested) waiting++;
    }
    if (waiting !== p.waitingForSlot) out.push(`t=${now}: peer ${p.id} counts ${p.waitingForSlot} waiting for a slot, flags say ${waiting}`);
    if (unchoked !== p.unchoked) out.push(`t=${now}: peer ${p.id} counts ${p.unchoked} unchoked, flags say ${unchoked}`);
    if (!p.online && p.conns.length > 0) out.push(`t=${now}: offline peer ${p.id} holds ${p.conns.length} connections`);
    // (A peer that left for good kept these for the rest of the run: 18 % heap growth in 6 h.)
    if (!p.online && p.recentT.length > 0) out.push(`t=${now}: offline peer ${p.id} keeps ${p.recentT.length} PEX recent-link entries`);
    let hs = 0;
    for (const c of p.conns) {
      if (c.state === ConnState.Closed) out.push(`t=${now}: peer ${p.id} lists closed connection ${c.slot}`);
      if (c.a !== p && c.b !== p) out.push(`t=${now}: peer ${p.id} lists connection ${c.slot} of others`);
      if (c.state === ConnState.Open) hs++;
      if ((c.a === p ? c.aIdx : c.bIdx) !== p.conns.indexOf(c)) out.push(`t=${now}: peer ${p.id} has a stale list index for connection ${c.slot}`);
    }
    if (p.connPeer.length !== p.conns.length || p.conns.some((c, i) => c.other(p).id !== p.connPeer[i])) out.push(`t=${now}: peer ${p.id} has a stale far-end id list`);
    if (p.done !== p.have.complete) out.push(`t=${now}: peer ${p.id} done flag disagrees with its bitfield`);
    if (p.store.done[p.id] !== (p.done ? 1 : 0)) out.push(`t=${now}: peer ${p.id} done flag disagrees with the piece store`);
    p.conns.forEach((c, i) => {
      const atA = c.a === p;
      let want = atA ? LINK_OUT : 0;
      const up = atA ? c.ab : c.ba;
      want |= (up.interested ? LINK_UP_INTERESTED : 0) | (up.unchoked ? LINK_UP_UNCHOKED : 0) | (up.upIdx >= 0 ? LINK_UP_ACTIVE : 0);
      if (c.state === ConnState.Open) {
        const farCounts = atA ? c.bCountsA : c.aCountsB;
        want |= LINK_OPEN | (farCounts === 1 ? LINK_COUNTED : 0) | ((atA ? c.aSeqAtOpen : c.bSeqAtOpen) << LINK_SEQ_SHIFT);
      }
      if (p.connMeta[i] !== want) out.push(`t=${now}: peer ${p.id} link metadata of connection ${c.slot} is ${p.connMeta[i]}, expected ${want}`);
    });
    if (p.connMeta.length !== p.conns.length) out.push(`t=${now}: peer ${p.id} has ${p.connMeta.length} link metadata entries for ${p.conns.length} connections`);
    if (hs !== p.handshaked) out.push(`t=${now}: peer ${p.id} counts ${p.handshaked} handshaked, lists ${hs}`);
    if (p.completedAt >= 0 && !p.startsAsSeed) {
      const earliest = p.arrivedAt + swarm.scenario.torrent.size / p.downCap;
      if (p.completedAt < earliest - 1e-6) out.push(`peer ${p.id} completed at ${p.completedAt}, before its data could arrive (${earliest})`);
    }
  }
  let sent = 0;
  let received = 0;
  for (const p of swarm.peers) {
    sent += p.pieceBytesUp;
    received += p.pieceBytesDown;
  }
  for (const c of swarm.conns) if ((c.state === ConnState.Open) !== swarm.linkOpen(c.slot, c.gen)) out.push(`t=${now}: connection ${c.slot} is ${c.state === ConnState.Open ? '' : 'not '}open, its liveness entry disagrees`);
  let onConns = swarm.closedPieceBytes;
  for (const c of swarm.conns) if (c.state !== ConnState.Closed) onConns += c.bytesAB + c.bytesBA;
  if (Math.abs(sent - received) > 1e-6 * Math.max(1, sent)) out.push(`piece bytes sent ${sent} ≠ received ${received}`);
  if (Math.abs(sent - onConns) > 1e-6 * Math.max(1, sent)) out.push(`piece bytes sent ${sent} ≠ bytes on connections ${onConns}`);
  return out;
}
