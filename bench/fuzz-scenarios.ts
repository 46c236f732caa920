import fc from 'fast-check';
import { buildRun } from '../sim/experiments/run-one.js';
import { ConnState } from '../sim/model/connection.js';
import { swarmViolations } from '../sim/model/invariants.js';
import { getPolicyFactory, listPolicies } from '../sim/policies/registry.js';
import { BEHAVIOURS, CLIENT_KINDS, ScenarioSchema, type Scenario } from '../sim/scenario/schema.js';

/**
 * Random scenarios drawn from the schema, and the check every one must pass: the invariants of
 * sim/model/invariants.ts after every few events, the metric identities at the end, no throw,
 * and an end within an event budget. The test suite draws a few dozen (test/model/invariants);
 * `npm run fuzz -- --runs N` draws many (bench/fuzz.ts).
 *
 * Extremes on purpose: one peer, no leechers, 1-piece and 10 000-piece torrents, zero and huge
 * capacities, 1 s to 2 days, every behaviour, feature and built-in policy. Peer counts stay
 * small so that a day-long draw still ends in seconds.
 */

const capacity = fc.oneof(fc.constant(0), fc.constant(1e12), fc.integer({ min: 1, max: 10_000_000 }));

const group = fc.record({
  count: fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 1, max: 12 })),
  role: fc.constantFrom('seed', 'leecher'),
  client: fc.constantFrom(...CLIENT_KINDS),
  policy: fc.option(fc.constantFrom(...listPolicies().map((p) => p.name)), { nil: undefined }),
  connectable: fc.constantFrom(0, 0.5, 1),
  upload: capacity,
  download: capacity,
  behaviour: fc.oneof(fc.constantFrom(...BEHAVIOURS), fc.constant({ ghost: 0.2, drop_after_handshake: 0.2, bad_data: 0.1, hammer: 0.1, refuse: 0.1, always_full: 0.1 })),
  abort: fc.oneof(fc.constant('never' as const), fc.record({ exponential: fc.integer({ min: 1, max: 3600 }) })),
  flapping: fc.option(fc.record({ share: fc.constantFrom(0.3, 1), online: fc.integer({ min: 1, max: 3600 }), offline: fc.integer({ min: 1, max: 1800 }) }), { nil: undefined }),
  arrival: fc.oneof(
    fc.constant({ at: 0 }),
    fc.record({ at: fc.integer({ min: 0, max: 7200 }) }),
    fc.record({ uniform: fc.tuple(fc.constant(0), fc.integer({ min: 1, max: 7200 })) }),
    fc.record({ poisson: fc.record({ rate: fc.integer({ min: 1, max: 120 }), until: fc.integer({ min: 60, max: 7200 }) }) }),
  ),
  stay: fc.oneof(fc.constant('forever' as const), fc.record({ fixed: fc.integer({ min: 1, max: 7200 }) }), fc.record({ exponential: fc.integer({ min: 1, max: 3600 }) })),
});

/** A scenario file's contents (what a failure is written as), plus the policy and seed. */
export interface FuzzDraw {
  scenario: Record<string, unknown>;
  policy: string;
  seed: number;
}

const strip = (g: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(g).filter(([, v]) => v !== undefined));

export const drawArb: fc.Arbitrary<FuzzDraw> = fc
  .record({
    subject: group,
    others: fc.array(group, { minLength: 0, maxLength: 3 }),
    pieces: fc.oneof(fc.constant(1), fc.constant(10_000), fc.integer({ min: 1, max: 400 })),
    pieceSize: fc.constantFrom(16384, 65536, 262144, 4194304),
    encryption: fc.boolean(),
    haveBatch: fc.constantFrom(0, 5),
    pex: fc.boolean(),
    publicTorrent: fc.boolean(),
    dht: fc.boolean(),
    stale: fc.constantFrom(0, 0.5, 1),
    numwant: fc.constantFrom(0, 1, 50),
    duration: fc.oneof(fc.constant(1), fc.constant(172_800), fc.integer({ min: 1, max: 7200 })),
    policy: fc.constantFrom(...listPolicies().map((p) => p.name)),
    seed: fc.integer({ min: 0, max: 1_000_000 }),
  })
  .map((s) => {
    const population: Record<string, unknown> = { subject: strip({ ...s.subject, count: Math.max(1, s.subject.count), policy: undefined }) };
    s.others.forEach((g, i) => (population[`g${i}`] = strip(g)));
    return {
      scenario: {
        name: 'fuzz',
        duration: s.duration,
        sample_interval: Math.max(1, Math.min(600, Math.round(s.duration / 20))),
        torrent: { size: s.pieces * s.pieceSize, piece_size: s.pieceSize, public: s.publicTorrent },
        network: { encryption: s.encryption, have_batch: s.haveBatch },
        discovery: {
          pex: { enabled: s.pex },
          dht: { enabled: s.dht, interval: 120 },
          tracker: { interval: 300, min_interval: 60, numwant: s.numwant, stale_share: s.stale, stale_ttl: 300 },
        },
        population,
        subject: 'subject',
        policies: [s.policy],
        replications: 1,
        seed: s.seed,
      },
      policy: s.policy,
      seed: s.seed,
    };
  });

/** Events at one simulated instant after which a run counts as hung. */
const ZERO_TIME_LOOP = 1_000_000;

export interface FuzzOutcome {
  /**
   * 'ok'; a defect: an invariant or identity broken, a throw, a hang (a million events without
   * simulated time moving: a zero-delay loop); or 'budget': a busy draw stopped at the event
   * budget, checked as far as it got (not a defect, but not run to its end).
   */
  verdict: 'ok' | 'violation' | 'crash' | 'hang' | 'budget';
  detail: string;
  events: number;
}

/** Runs one draw to its end, checking as it goes. Never throws. */
export function checkDraw(d: FuzzDraw, opts: { maxEvents: number; every?: number }): FuzzOutcome {
  let events = 0;
  try {
    const scenario: Scenario = ScenarioSchema.parse(d.scenario);
    const { factory, params } = getPolicyFactory(d.policy);
    const { swarm, recorder } = buildRun({ scenario, policy: d.policy, factory, params, rep: 0, seed: d.seed, trace: 'none' });
    const env = swarm.env;
    const every = opts.every ?? 7;
    let lastT = -1;
    let sameT = 0;
    while (env.peek() <= scenario.duration) {
      env.step();
      if (env.now !== lastT) {
        lastT = env.now;
        sameT = 0;
      } else if (++sameT >= ZERO_TIME_LOOP) return { verdict: 'hang', detail: `${ZERO_TIME_LOOP} events at t = ${env.now} s without time moving`, events };
      if (++events > opts.maxEvents) return { verdict: 'budget', detail: `more than ${opts.maxEvents} events before t = ${scenario.duration} s (at t = ${env.now} s)`, events };
      if (events % every === 0) {
        const v = swarmViolations(swarm);
        if (v.length > 0) return { verdict: 'violation', detail: `t = ${env.now} s: ${v.join('; ')}`, events };
      }
    }
    env.run(scenario.duration);
    const v = swarmViolations(swarm);
    if (v.length > 0) return { verdict: 'violation', detail: `at the end: ${v.join('; ')}`, events };
    const m = recorder.finish(scenario.duration, swarm.conns);
    const open = swarm.conns.filter((c) => c.state === ConnState.Open).length;
    const pending = swarm.conns.filter((c) => c.state === ConnState.Connecting || c.state === ConnState.Handshaking).length;
    const identities: [string, number, number][] = [
      ['wasted + useful + open = handshakes', m.swarm_wasted_handshakes! + m.swarm_useful_handshakes! + open, m.swarm_handshakes!],
      ['failures + handshake failures + handshakes + pending = attempts', m.swarm_connect_failures! + m.swarm_handshake_failures! + m.swarm_handshakes! + pending, m.swarm_connect_attempts!],
      ['refused + timeouts = connect failures', m.swarm_connect_failures_refused! + m.swarm_connect_failures_timeout!, m.swarm_connect_failures!],
    ];
    for (const [name, got, want] of identities) if (got !== want) return { verdict: 'violation', detail: `${name}: ${got} ≠ ${want}`, events };
    if (m.subject_handshakes! > m.swarm_handshakes!) return { verdict: 'violation', detail: 'subject handshakes exceed the swarm’s', events };
    return { verdict: 'ok', detail: '', events };
  } catch (e) {
    const err = e as Error;
    return { verdict: 'crash', detail: `${err?.name ?? 'Error'}: ${String(err?.message ?? e).split('\n')[0]}`, events };
  }
}
