import { Source } from '../policies/source.js';
import type { Connection } from './connection.js';
import { ConnState } from './connection.js';
import { LINK_OPEN, LINK_OUT, type Peer } from './peer.js';
import type { Swarm } from './swarm.js';

/**
 * Peer exchange (ut_pex): each end of an open link sends the peers it connected to since its
 * previous message on the link (all current ones in the first), at most max_added: the "added"
 * list. Each peer keeps a short list of its recent links for that; entries older than one
 * interval are dropped in batches.
 */
export class Pex {
  private readonly kPex: number;
  private readonly flagsArg: { seed?: boolean; uploadOnly?: boolean; connectable?: boolean } = {};

  constructor(private readonly s: Swarm) {
    this.kPex = s.env.register((x, gen) => {
      const c = s.conns[x >>> 1]!;
      if (c.gen === gen) this.send(c, x & 1);
    });
  }

  /** The first message follows the LTEP handshake, then one per interval; the far side half an interval later. */
  start(c: Connection): void {
    const env = this.s.env;
    const interval = this.s.scenario.discovery.pex.interval;
    c.pexTimerA = env.schedule(c.rtt, this.kPex, 2 * c.slot, c.gen);
    c.pexTimerB = env.schedule(c.rtt + interval * 0.5, this.kPex, 2 * c.slot + 1, c.gen);
  }

  noteRecent(p: Peer, c: Connection, now: number): void {
    // Drop what no PEX message can ask for any more (older than one interval), in batches.
    const horizon = now - this.s.scenario.discovery.pex.interval - 1;
    while (p.recentHead < p.recentT.length && p.recentT[p.recentHead]! < horizon) p.recentHead++;
    if (p.recentHead > 256 && p.recentHead * 2 > p.recentT.length) {
      p.recentSlot.splice(0, p.recentHead);
      p.recentGen.splice(0, p.recentHead);
      p.recentPeer.splice(0, p.recentHead);
      p.recentOut.splice(0, p.recentHead);
      p.recentT.splice(0, p.recentHead);
      p.recentHead = 0;
    }
    p.recentSlot.push(c.slot);
    p.recentGen.push(c.gen);
    p.recentPeer.push(c.other(p).id);
    p.recentOut.push(c.a === p);
    p.recentT.push(now);
  }

  /**
   * A peer went offline: every link just closed, so no PEX message can list its recent entries
   * any more; a peer that left for good would otherwise keep them for the rest of the run.
   */
  forget(p: Peer): void {
    p.recentSlot.length = p.recentGen.length = p.recentPeer.length = p.recentOut.length = p.recentT.length = 0;
    p.recentHead = 0;
  }

  /** `sender`'s side of c sends its message. */
  private send(c: Connection, sideIdx: number): void {
    if (c.state !== ConnState.Open) return;
    const s = this.s;
    const sender = sideIdx === 0 ? c.a : c.b;
    const receiver = c.other(sender);
    const pex = s.scenario.discovery.pex;
    const since = sideIdx === 0 ? c.pexSentA : c.pexSentB;
    let sent = 0;
    // Flat data only (connMeta, recent lists, link liveness, the piece store's done flags): the
    // connection records and far-end peers are not read. An entry is listed if it is an open
    // link other than c whose far end is not the receiver.
    const done = s.transfers.store.done;
    const max = pex.max_added;
    const rid = receiver.id;
    if (since < 0) {
      const own = sideIdx === 0 ? c.aIdx : c.bIdx;
      const ids = sender.connPeer;
      const metas = sender.connMeta;
      for (let i = 0; i < ids.length && sent < max; i++) {
        const meta = metas[i]!;
        if ((meta & LINK_OPEN) === 0 || i === own || ids[i] === rid) continue;
        this.learn(sender, receiver, ids[i]!, done, (meta & LINK_OUT) !== 0);
        sent++;
      }
    } else {
      // Newest first back to the previous message; entries whose record was recycled are skipped.
      const live = s.links.live;
      for (let i = sender.recentT.length - 1; i >= sender.recentHead && sent < max; i--) {
        if (sender.recentT[i]! <= since) break;
        const slot = sender.recentSlot[i]!;
        if (live[slot] !== sender.recentGen[i] || slot === c.slot) continue;
        const q = sender.recentPeer[i]!;
        if (q === rid) continue;
        this.learn(sender, receiver, q, done, sender.recentOut[i]!);
        sent++;
      }
    }
    if (sent > 0) s.dialer.wake(receiver);
    const handle = s.env.schedule(pex.interval, this.kPex, 2 * c.slot + sideIdx, c.gen);
    if (sideIdx === 0) {
      c.pexTimerA = handle;
      c.pexSentA = s.env.now;
    } else {
      c.pexTimerB = handle;
      c.pexSentB = s.env.now;
    }
  }

  /**
   * The receiver learns q from a PEX message, with the flags the sender's client sets (its
   * policy's advertise(): Transmission's pool flags, libtorrent's link state); by default seed
   * when q is done and connectable when the sender reached q by dialling.
   */
  private learn(sender: Peer, receiver: Peer, q: number, done: Uint8Array, dialled: boolean): void {
    const flags = this.flagsArg;
    const policy = sender.policy;
    if (policy.advertise !== undefined) policy.advertise(q, flags);
    else {
      flags.seed = flags.uploadOnly = done[q] !== 0;
      flags.connectable = dialled ? true : undefined;
    }
    this.s.discovery.note(receiver, q, Source.Pex, flags);
  }
}
