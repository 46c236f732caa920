import type { RandomStream, RandomStreams } from '../engine/random.js';
import type { PolicyFactory, PolicyParams, ReconnectPolicy } from '../policies/policy.js';
import { BEHAVIOURS, type Behaviour, type GroupSpec, type Scenario } from '../scenario/schema.js';
import { CLIENT_KIND_BY_NAME } from './client-kind.js';
import { Peer } from './peer.js';
import { PieceStore } from './piece-store.js';

/** Resolves a policy spec of a non-subject group (its client's own policy). */
export type PolicyResolver = (spec: string) => { factory: PolicyFactory; params: PolicyParams };

export interface Population {
  peers: Peer[];
  /** Arrival time per peer id. */
  arrivals: Float64Array;
  /** Seeding time per peer id (Infinity = stays). */
  stays: Float64Array;
  groupNames: string[];
  /** Peers that are leechers on arrival. */
  leechers: number;
}

/**
 * Builds every peer of the scenario. Each property is drawn from a stream named for its purpose
 * and group, so the swarm a policy meets is the same whatever the policy (common random numbers).
 * Peer ids follow the groups' order in the file, then arrival order within a group.
 */
export function buildPopulation(
  scenario: Scenario,
  streams: RandomStreams,
  subject: { factory: PolicyFactory; params: PolicyParams },
  resolve: PolicyResolver,
): Population {
  const pieces = Math.ceil(scenario.torrent.size / scenario.torrent.piece_size);
  const pexAllowed = scenario.torrent.public && scenario.discovery.pex.enabled;
  const peers: Peer[] = [];
  const arrivals: number[] = [];
  const stays: number[] = [];
  const groupNames = Object.keys(scenario.population);
  let leechers = 0;
  // Arrival streams are per group, so drawing every group's times first changes no draw; the
  // peer count sizes the piece store.
  const timesOf = groupNames.map((name) => arrivalTimes(scenario.population[name]!, scenario.duration, streams.stream(`arrivals:${name}`)));
  const store = new PieceStore(
    timesOf.reduce((n, t) => n + t.length, 0),
    pieces,
  );
  groupNames.forEach((name, g) => {
    const spec = scenario.population[name]!;
    const isSubject = name === scenario.subject;
    // The client kind: named by the group, else the policy's own, else Transmission; a group
    // naming neither runs its client's current release.
    const named = isSubject ? subject : spec.policy !== undefined ? resolve(spec.policy) : undefined;
    const kind = CLIENT_KIND_BY_NAME[spec.client ?? named?.factory.client ?? 'transmission'];
    const pol = named ?? resolve(kind.defaultPolicy);
    const times = timesOf[g]!;
    const traits = streams.stream(`traits:${name}`);
    const stayRng = streams.stream(`stay:${name}`);
    const abortRng = streams.stream(`abort:${name}`);
    for (let i = 0; i < times.length; i++) {
      const id = peers.length;
      const behaviour = drawBehaviour(spec, traits);
      const connectable = traits.chance(spec.connectable);
      const flaps = spec.flapping !== undefined && traits.chance(spec.flapping.share);
      const refuses = traits.chance(scenario.network.refused_share);
      const phase = traits.uniform() * kind.pulsePeriod;
      const policy: ReconnectPolicy = pol.factory.create(pol.params);
      const p = new Peer(
        id,
        g,
        isSubject,
        kind,
        policy,
        streams.stream(`policy:${id}`),
        behaviour,
        connectable,
        spec.upload,
        spec.download,
        spec.role === 'seed',
        store,
        pexAllowed,
        phase,
      );
      p.refusesWhenUnreachable = refuses;
      p.flaps = flaps;
      p.leavesSilently = traits.chance(scenario.discovery.tracker.stale_share);
      if (spec.role === 'leecher' && spec.abort !== 'never') p.abortAfter = abortRng.exponential(spec.abort.exponential);
      peers.push(p);
      arrivals.push(times[i]!);
      stays.push(drawStay(spec, stayRng));
      if (spec.role === 'leecher') leechers++;
    }
  });
  return { peers, arrivals: Float64Array.from(arrivals), stays: Float64Array.from(stays), groupNames, leechers };
}

function arrivalTimes(spec: GroupSpec, duration: number, rng: RandomStream): number[] {
  const a = spec.arrival;
  const out: number[] = [];
  if ('at' in a) {
    for (let i = 0; i < spec.count; i++) out.push(a.at);
  } else if ('uniform' in a) {
    const [lo, hi] = a.uniform;
    for (let i = 0; i < spec.count; i++) out.push(rng.between(Math.min(lo, hi), Math.max(lo, hi)));
    out.sort((x, y) => x - y);
  } else if ('trace' in a) {
    const times = a.times ?? [];
    const n = spec.count > 0 ? Math.min(spec.count, times.length) : times.length;
    for (let i = 0; i < n; i++) if (times[i]! <= duration) out.push(times[i]!);
  } else {
    const until = Math.min(a.poisson.until ?? duration, duration);
    const mean = 3600 / a.poisson.rate;
    let t = a.poisson.from;
    for (;;) {
      t += rng.exponential(mean);
      if (t > until) break;
      if (spec.count > 0 && out.length >= spec.count) break;
      out.push(t);
    }
  }
  return out;
}

/** One behaviour per peer: the group's, or drawn from its shares (the rest behave normally). */
function drawBehaviour(spec: GroupSpec, rng: RandomStream): Behaviour {
  const b = spec.behaviour;
  if (typeof b === 'string') return b;
  let u = rng.uniform();
  for (const name of BEHAVIOURS) {
    const share = b[name];
    if (share === undefined) continue;
    if (u < share) return name;
    u -= share;
  }
  return 'normal';
}

function drawStay(spec: GroupSpec, rng: RandomStream): number {
  const s = spec.stay;
  if (s === 'forever') return Infinity;
  if ('fixed' in s) return s.fixed;
  return rng.exponential(s.exponential);
}
