import { TcpResult } from './connection.js';
import { LINK_OUT, type Peer } from './peer.js';
import { hashString, pairRtt } from './rtt.js';
import type { Swarm } from './swarm.js';

/**
 * The dial pulse: on each peer's pulse grid its policy picks whom to dial within the free
 * budget, and each dial starts a connection whose TCP outcome is decided from the remote's
 * state at that moment. The pulse parks itself when nothing can happen before the policy's next
 * wake-up; events that can create candidates (learn, close, failure) call wake().
 */
export class Dialer {
  private readonly kPulse: number;
  private readonly kMaintain: number;
  private readonly seedHash: number;

  constructor(private readonly s: Swarm) {
    this.kPulse = s.env.register((p) => this.pulse(s.peers[p]!));
    this.kMaintain = s.env.register((p) => this.maintain(s.peers[p]!));
    this.seedHash = hashString(String(s.streams.seed));
  }

  /** Makes sure the peer's pulse runs at its next grid point (new candidates may exist). */
  wake(p: Peer): void {
    if (!p.online) return;
    const env = this.s.env;
    const at = p.nextPulseAt(env.now);
    if (p.pulseHandle >= 0) {
      if (env.isPending(p.pulseHandle)) {
        // Only pull an existing pulse earlier; a pulse already due sooner stays.
        if (env.timeOf(p.pulseHandle) > at) env.reschedule(p.pulseHandle, at);
        return;
      }
    }
    p.pulseHandle = env.scheduleAt(at, this.kPulse, p.id);
  }

  /** The policy's own upkeep timer (pool pruning), apart from the dial pulse. */
  maintain(p: Peer): void {
    p.maintainHandle = -1;
    const policy = p.policy;
    if (!p.online || policy.maintain === undefined) return;
    const now = this.s.env.now;
    p.now = now;
    const next = policy.maintain(p);
    if (!(next > now)) throw new Error(`policy ${policy.name}: maintain() asked to run again at ${next}, not after now (${now})`);
    if (next < Infinity) p.maintainHandle = this.s.env.scheduleAt(next, this.kMaintain, p.id);
  }

  private pulse(p: Peer): void {
    p.pulseHandle = -1;
    if (!p.online) return;
    const env = this.s.env;
    const now = env.now;
    p.now = now;
    if (!dialsOut(p)) return;
    const budget = p.kind.dialBudget(p.dialState());
    let n = 0;
    if (budget > 0) {
      n = p.policy.select(p, budget < p.dialOut.length ? budget : p.dialOut.length, p.dialOut);
      for (let i = 0; i < n; i++) this.dial(p, p.dialOut[i]!);
    }
    let next = now + p.kind.pulsePeriod;
    if (n === 0) {
      if (budget <= 0) return;
      if (p.policy.nextWake) {
        const w = p.policy.nextWake(p);
        if (!(w <= next)) {
          if (!Number.isFinite(w)) return;
          next = p.nextPulseAt(w);
        }
      }
    }
    p.pulseHandle = env.scheduleAt(p.nextPulseAt(next), this.kPulse, p.id);
  }

  dial(a: Peer, remote: number): void {
    const s = this.s;
    const now = s.env.now;
    const b = s.peers[remote]!;
    const info = a.policy.get(remote)!;
    const utp = a.policy.utpFirst !== undefined && a.policy.utpFirst(info);
    a.policy.onDial(info, now);
    const rtt = pairRtt(this.seedHash, a.id, b.id, s.scenario.network.rtt);
    const c = s.links.alloc();
    c.init(a, b, rtt, now);
    c.utp = utp;
    c.aIdx = a.conns.length;
    a.conns.push(c);
    a.connPeer.push(b.id);
    a.connMeta.push(LINK_OUT);
    s.observer.attempt(c, now);
    let result: TcpResult;
    if (b.online && b.connectable && b.behaviour !== 'ghost' && b.behaviour !== 'refuse') result = TcpResult.Established;
    else if (b.behaviour === 'refuse' || (b.behaviour !== 'ghost' && b.refusesWhenUnreachable)) result = TcpResult.Refused;
    else result = TcpResult.Timeout;
    c.tcpResult = result;
    // Established and refused both take one round trip (SYN-ACK or RST); silence takes the timeout.
    const delay = result === TcpResult.Timeout ? (a.policy.connectTimeout ? a.policy.connectTimeout(info) : a.kind.connectTimeout) : rtt;
    s.links.awaitTcp(c, delay);
  }

  /** A hammering client dials straight back after every close it did not make. */
  hammer(p: Peer, remote: Peer): void {
    const info = p.policy.get(remote.id);
    if (!p.online || !info || info.inUse || p.kind.dialBudget(p.dialState()) <= 0) return;
    this.dial(p, remote.id);
  }
}

/** Broken remotes (ghosts, droppers, refusers…) only answer; normal clients and hammers dial. */
function dialsOut(p: Peer): boolean {
  return p.behaviour === 'normal' || p.behaviour === 'hammer' || p.behaviour === 'bad_data';
}
