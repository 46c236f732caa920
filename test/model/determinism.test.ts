import { describe, expect, it } from 'vitest';
import { buildRun } from '../../sim/experiments/run-one.js';
import { getPolicyFactory } from '../../sim/policies/registry.js';
import { loadScenario } from '../../sim/scenario/load.js';
import { runFile } from './run-helpers.js';

describe('determinism', () => {
  const file = 'scenarios/flash-crowd.yaml';
  const set = { duration: '3m', 'population.subject.count': 10, 'population.transmission_crowd.count': 30, 'population.libtorrent_crowd.count': 40 };
  const key = (seed: number, policy = 'transmission-4.1') => {
    const r = runFile(file, policy, { seed, trace: 'all', set });
    return JSON.stringify([r.summary, r.timeseries, r.connections, r.events]);
  };

  it('the same seed gives the same run, event for event', () => {
    expect(key(7)).toBe(key(7));
  });

  it('another seed gives another run', () => {
    expect(key(8)).not.toBe(key(7));
  });

  it('the subject policy does not change the swarm it meets (common random numbers)', () => {
    const { scenario } = loadScenario(file, Object.entries(set).map(([path, v]) => ({ path, value: String(v) })));
    const swarmOf = (policy: string) => {
      const { factory, params } = getPolicyFactory(policy);
      const { swarm } = buildRun({ scenario, policy, factory, params, rep: 0, seed: 3, trace: 'none' });
      return swarm.peers.map((p) => [swarm.arrivals[p.id], p.connectable, p.upCap, p.behaviour, p.pulsePhase, p.refusesWhenUnreachable]);
    };
    expect(swarmOf('naive')).toEqual(swarmOf('transmission-4.1'));
    expect(swarmOf('libtorrent-2.1')).toEqual(swarmOf('transmission-4.1'));
  });
});
