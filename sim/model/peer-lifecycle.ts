import type { RandomStream } from '../engine/random.js';
import type { ReconnectPolicy } from '../policies/policy.js';
import type { Peer } from './peer.js';
import type { Swarm } from './swarm.js';

/** The policy of a peer that left for good: it knows nobody and dials nobody. */
const DEPARTED: ReconnectPolicy = {
  name: 'departed',
  get: () => undefined,
  size: () => 0,
  learn: () => undefined,
  eligibleAt: () => Infinity,
  select: () => 0,
  onDial() {},
  onConnectFailure() {},
  onIncoming() {},
  onHandshakeFailure() {},
  onHandshake() {},
  onRemoteState() {},
  onPieceData() {},
  onClose() {},
};

/**
 * A peer's presence: first arrival, seeding time and departure, leechers that give up, and
 * flapping peers that go offline and come back with their pieces and their policy.
 */
export class PeerLifecycle {
  private readonly kArrive: number;
  private readonly kDepart: number;
  private readonly kAbort: number;
  private readonly kFlap: number;
  private readonly flapRngs = new Map<number, RandomStream>();

  constructor(private readonly s: Swarm) {
    const env = s.env;
    this.kArrive = env.register((p) => this.arrive(s.peers[p]!));
    this.kDepart = env.register((p) => this.depart(s.peers[p]!));
    this.kAbort = env.register((p) => this.abort(s.peers[p]!));
    this.kFlap = env.register((p) => this.flap(s.peers[p]!));
  }

  scheduleArrival(p: Peer, at: number): void {
    this.s.env.scheduleAt(at, this.kArrive, p.id);
  }

  /** First arrival, or the return of a flapping peer (it keeps its pieces and its policy). */
  private arrive(p: Peer): void {
    if (p.gone) return;
    const s = this.s;
    const now = s.env.now;
    const first = p.arrivedAt < 0;
    p.online = true;
    if (first) p.arrivedAt = now;
    p.now = now;
    s.observer.peerOnline(p, now);
    s.transfers.peerOnline(p);
    // Ghosts are listed too: that is what makes them ghosts (dials to them time out).
    s.tracker.add(p.id);
    s.discovery.announceSoon(p);
    if (first) {
      if (p.done) this.scheduleDeparture(p);
      else if (Number.isFinite(p.abortAfter)) s.env.schedule(p.abortAfter, this.kAbort, p.id);
    }
    if (p.flaps) p.flapHandle = s.env.schedule(this.flapRng(p).exponential(this.flapping(p).online), this.kFlap, p.id);
    s.discovery.startDht(p);
    s.dialer.maintain(p);
    s.dialer.wake(p);
  }

  /** Departure after the peer holds the whole file and has stayed its seeding time. */
  scheduleDeparture(p: Peer): void {
    const stay = this.s.stayOf(p);
    if (Number.isFinite(stay)) p.departHandle = this.s.env.schedule(stay, this.kDepart, p.id);
  }

  private flapping(p: Peer): { online: number; offline: number } {
    return this.s.scenario.population[this.s.groupNames[p.group]!]!.flapping!;
  }

  private flapRng(p: Peer): RandomStream {
    let r = this.flapRngs.get(p.id);
    if (!r) this.flapRngs.set(p.id, (r = this.s.streams.stream(`flap:${p.id}`)));
    return r;
  }

  /** Seeding time over: the peer leaves for good. */
  private depart(p: Peer): void {
    p.departHandle = -1;
    this.leave(p, true);
  }

  /** A leecher that gives up before completing leaves for good (excluded from convergence). */
  private abort(p: Peer): void {
    if (p.done || p.gone) return;
    p.aborted = true;
    this.leave(p, true);
  }

  /** A flapping peer goes offline, or comes back. */
  private flap(p: Peer): void {
    p.flapHandle = -1;
    if (p.gone) return;
    if (p.online) {
      this.leave(p, false);
      p.flapHandle = this.s.env.schedule(this.flapRng(p).exponential(this.flapping(p).offline), this.kFlap, p.id);
    } else this.arrive(p);
  }

  /** Goes offline: every connection closes; for good unless `forGood` is false (flapping). */
  private leave(p: Peer, forGood: boolean): void {
    const s = this.s;
    const env = s.env;
    const now = env.now;
    if (forGood) {
      p.gone = true;
      p.leftAt = now;
      // Nothing asks a peer that left for good about its known peers again: drop them, so a long
      // run's memory follows the live swarm, not everyone who ever came.
      p.policy = DEPARTED;
      if (p.flapHandle >= 0) env.cancel(p.flapHandle);
      if (p.departHandle >= 0) env.cancel(p.departHandle);
      p.flapHandle = p.departHandle = -1;
    }
    if (!p.online) return;
    // Close newest first; each close removes the record from p.conns.
    while (p.conns.length > 0) s.links.closeAny(p.conns[p.conns.length - 1]!, p, 'local_left');
    const t = s.scenario.discovery.tracker;
    s.tracker.remove(p.id, p.leavesSilently ? now + t.stale_ttl : -1);
    for (const h of [p.pulseHandle, p.announceHandle, p.dhtHandle, p.maintainHandle]) if (h >= 0) env.cancel(h);
    p.pulseHandle = p.announceHandle = p.dhtHandle = p.maintainHandle = -1;
    s.transfers.peerOffline(p);
    s.pex.forget(p);
    p.online = false;
    s.observer.peerOffline(p, now);
  }
}
