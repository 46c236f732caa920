import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildRun } from '../../sim/experiments/run-one.js';
import { ConnState } from '../../sim/model/connection.js';
import { swarmViolations } from '../../sim/model/invariants.js';
import { getPolicyFactory, listPolicies } from '../../sim/policies/registry.js';
import { ScenarioSchema, BEHAVIOURS } from '../../sim/scenario/schema.js';
import { checkDraw, drawArb } from '../../bench/fuzz-scenarios.js';

/** Random small swarms: every invariant of sim/model/invariants.ts after every event. */
const group = fc.record({
  count: fc.integer({ min: 1, max: 8 }),
  role: fc.constantFrom('seed', 'leecher'),
  client: fc.constantFrom('transmission', 'libtorrent'),
  connectable: fc.constantFrom(0, 0.5, 1),
  upload: fc.integer({ min: 50_000, max: 2_000_000 }),
  download: fc.integer({ min: 100_000, max: 5_000_000 }),
  behaviour: fc.oneof(fc.constantFrom(...BEHAVIOURS), fc.constant({ ghost: 0.2, drop_after_handshake: 0.2, bad_data: 0.1, hammer: 0.1 })),
  abort: fc.oneof(fc.constant('never' as const), fc.record({ exponential: fc.integer({ min: 30, max: 900 }) })),
  flapping: fc.option(fc.record({ share: fc.constantFrom(0.3, 1), online: fc.integer({ min: 20, max: 300 }), offline: fc.integer({ min: 10, max: 200 }) }), { nil: undefined }),
  arrival: fc.oneof(fc.constant({ at: 0 }), fc.record({ uniform: fc.tuple(fc.constant(0), fc.integer({ min: 1, max: 600 })) })),
  stay: fc.oneof(fc.constant('forever' as const), fc.record({ exponential: fc.integer({ min: 30, max: 900 }) })),
});

const scenarioArb = fc.record({
  subject: group,
  others: fc.array(group, { minLength: 1, maxLength: 3 }),
  pieces: fc.integer({ min: 1, max: 300 }),
  pieceSize: fc.constantFrom(16384, 65536, 262144),
  encryption: fc.boolean(),
  pex: fc.boolean(),
  dht: fc.boolean(),
  stale: fc.constantFrom(0, 0.5),
  duration: fc.integer({ min: 60, max: 1200 }),
  policy: fc.constantFrom(...listPolicies().map((p) => p.name)),
  seed: fc.integer({ min: 0, max: 1000 }),
});

describe('model invariants over random scenarios', () => {
  it('hold after every event, and the metric identities hold at the end', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const population: Record<string, unknown> = { subject: { ...s.subject, behaviour: 'normal' } };
        const strip = (g: Record<string, unknown>) => Object.fromEntries(Object.entries(g).filter(([, v]) => v !== undefined));
        population.subject = strip(population.subject as Record<string, unknown>);
        s.others.forEach((g, i) => (population[`g${i}`] = strip(g)));
        const scenario = ScenarioSchema.parse({
          duration: s.duration,
          torrent: { size: s.pieces * s.pieceSize, piece_size: s.pieceSize },
          network: { encryption: s.encryption },
          discovery: { pex: { enabled: s.pex }, dht: { enabled: s.dht, interval: 120 }, tracker: { interval: 300, min_interval: 60, stale_share: s.stale, stale_ttl: 300 } },
          population,
          subject: 'subject',
        });
        const { factory, params } = getPolicyFactory(s.policy);
        const { swarm, recorder } = buildRun({ scenario, policy: s.policy, factory, params, rep: 0, seed: s.seed, trace: 'none' });
        const env = swarm.env;
        let steps = 0;
        while (env.peek() <= scenario.duration) {
          env.step();
          if (++steps % 7 === 0) expect(swarmViolations(swarm)).toEqual([]);
        }
        env.run(scenario.duration);
        expect(swarmViolations(swarm)).toEqual([]);
        const m = recorder.finish(scenario.duration, swarm.conns);
        const open = swarm.conns.filter((c) => c.state === ConnState.Open).length;
        const pending = swarm.conns.filter((c) => c.state === ConnState.Connecting || c.state === ConnState.Handshaking).length;
        expect(m.swarm_wasted_handshakes! + m.swarm_useful_handshakes! + open).toBe(m.swarm_handshakes);
        expect(m.swarm_connect_failures! + m.swarm_handshake_failures! + m.swarm_handshakes! + pending).toBe(m.swarm_connect_attempts);
        expect(m.swarm_connect_failures_refused! + m.swarm_connect_failures_timeout!).toBe(m.swarm_connect_failures);
        expect(m.subject_handshakes!).toBeLessThanOrEqual(m.swarm_handshakes!);
      }),
      { numRuns: 40, seed: 20261128 },
    );
  });
});

describe('the fuzz campaign (npm run fuzz, bench/fuzz-scenarios.ts)', () => {
  it('draws only scenarios the schema accepts, with extremes among them', () => {
    const draws = fc.sample(drawArb, { numRuns: 300, seed: 7 });
    const parsed = draws.map((d) => ScenarioSchema.parse(d.scenario));
    expect(parsed.some((s) => s.duration === 1)).toBe(true);
    expect(parsed.some((s) => s.duration === 172_800)).toBe(true);
    expect(parsed.some((s) => s.torrent.size / s.torrent.piece_size === 10_000)).toBe(true);
    expect(parsed.some((s) => Object.values(s.population).reduce((n, g) => n + g.count, 0) === 1)).toBe(true);
    expect(new Set(draws.map((d) => d.policy)).size).toBe(listPolicies().length);
  });

  it('reports a crash and a busy draw stopped at its budget as such, and passes a sound draw', () => {
    const [d] = fc.sample(drawArb, { numRuns: 1, seed: 3 });
    const sound = { ...d!, scenario: { ...d!.scenario, duration: 600 } };
    expect(checkDraw(sound, { maxEvents: 1e7 }).verdict).toBe('ok');
    expect(checkDraw({ ...sound, policy: 'no-such-policy' }, { maxEvents: 1e7 })).toMatchObject({ verdict: 'crash', detail: expect.stringContaining("unknown policy 'no-such-policy'") });
    const busy = { ...sound, scenario: { ...sound.scenario, population: { subject: { count: 3, role: 'seed' }, l: { count: 3, role: 'leecher' } } } };
    expect(checkDraw(busy, { maxEvents: 50 }).verdict).toBe('budget');
  });
});
