import type { RandomStream } from '../engine/random.js';
import type { PeerFlags } from '../policies/policy.js';
import { NO_FLAGS } from '../policies/policy.js';
import type { PeerInfo } from '../policies/peer-info.js';
import { Source } from '../policies/source.js';
import type { Peer } from './peer.js';
import type { Swarm } from './swarm.js';

/**
 * How peers learn of each other apart from PEX: tracker announces and DHT lookups, and the
 * learn calls every source (incoming connections and PEX too) goes through.
 */
export class Discovery {
  private readonly kAnnounce: number;
  private readonly kDht: number;
  private readonly dhtRng: RandomStream;
  private readonly scratch: number[] = [];

  constructor(private readonly s: Swarm) {
    this.kAnnounce = s.env.register((p) => this.announce(s.peers[p]!));
    this.kDht = s.env.register((p) => this.dht(s.peers[p]!));
    this.dhtRng = s.streams.stream('dht');
  }

  /**
   * Announces after every arrival due at this instant, so a flash crowd's first answers list
   * each other (events at equal times run in insertion order).
   */
  announceSoon(p: Peer): void {
    p.announceHandle = this.s.env.schedule(0, this.kAnnounce, p.id);
  }

  /** The first DHT lookup of an arriving peer, within 5 s, when the swarm has a DHT. */
  startDht(p: Peer): void {
    if (this.s.scenario.discovery.dht.enabled) p.dhtHandle = this.s.env.schedule(this.dhtRng.between(0, 5), this.kDht, p.id);
  }

  /** A DHT lookup: a slower random source of peers (source rank DHT). */
  private dht(p: Peer): void {
    p.dhtHandle = -1;
    if (!p.online) return;
    const s = this.s;
    const d = s.scenario.discovery.dht;
    const n = s.tracker.sample(p.id, d.numwant, s.env.now, this.scratch, this.dhtRng);
    for (let i = 0; i < n; i++) this.note(p, this.scratch[i]!, Source.Dht, NO_FLAGS);
    if (n > 0) s.dialer.wake(p);
    // Re-announce every interval plus up to 179 s (Transmission tr-dht.cc).
    p.dhtHandle = s.env.schedule(d.interval + this.dhtRng.between(0, 179), this.kDht, p.id);
  }

  private announce(p: Peer): void {
    if (!p.online) return;
    const s = this.s;
    const now = s.env.now;
    const t = s.scenario.discovery.tracker;
    const n = s.tracker.sample(p.id, t.numwant, now, this.scratch);
    if (p.policy.onTrackerResponse !== undefined) {
      // Only a policy that reads them pays for the counts (a pass over the tracker's list).
      const seeds = s.tracker.countComplete((q) => s.peers[q]!.done);
      p.policy.onTrackerResponse(seeds, s.tracker.size - seeds, n, now);
    }
    for (let i = 0; i < n; i++) this.note(p, this.scratch[i]!, Source.Tracker, NO_FLAGS);
    // A client short of peers re-announces at the tracker's min interval (simulator rule: half
    // of numwant known counts as short); otherwise at the interval.
    const short = p.policy.size() < t.numwant / 2;
    p.announceHandle = s.env.schedule(short ? t.min_interval : t.interval, this.kAnnounce, p.id);
    s.dialer.wake(p);
  }

  learn(p: Peer, remote: number, source: Source, flags: PeerFlags): PeerInfo | undefined {
    if (remote === p.id) return undefined;
    return p.policy.learn(remote, source, flags, this.s.env.now);
  }

  /** learn() where the record is not needed: most learns (PEX relists known peers), no view made. */
  note(p: Peer, remote: number, source: Source, flags: PeerFlags): void {
    if (remote === p.id) return;
    const policy = p.policy;
    const now = this.s.env.now;
    if (policy.note !== undefined) policy.note(remote, source, flags, now);
    else policy.learn(remote, source, flags, now);
  }
}
