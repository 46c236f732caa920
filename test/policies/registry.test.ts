import { describe, expect, it } from 'vitest';
import { InputError } from '../../sim/input-error.js';
import type { RemoteState } from '../../sim/policies/policy.js';
import {
  PolicySpecError,
  canonicalPolicyName,
  getPolicyFactory,
  listPolicies,
  validatePolicyParams,
} from '../../sim/policies/registry.js';
import { Source } from '../../sim/policies/source.js';
import { Harness, type Behaviour } from './harness.js';

const NAMES = [
  'transmission-4.0',
  'transmission-main-2023',
  'transmission-4.1',
  'libtorrent-2.0',
  'libtorrent-2.1',
  'libtorrent-1.2.12',
  'biglybt',
  'rqbit',
  'anacrolix-torrent',
  'transmission-3.0',
  'qbittorrent-4.5',
  'webtorrent',
  'rtorrent-0.9',
  'aria2-1.36',
  'naive',
  'fixed-interval',
  'exp-backoff',
  'max-failures',
  'progressive-penalty',
  'adaptive',
];

function specError(spec: string): string {
  try {
    getPolicyFactory(spec);
  } catch (e) {
    expect(e).toBeInstanceOf(PolicySpecError);
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error(`no error for ${spec}`);
}

describe('registry', () => {
  it('lists every built-in policy with a description', () => {
    const all = listPolicies();
    expect(all.map((f) => f.name)).toEqual(NAMES);
    for (const f of all) expect(f.description.length).toBeGreaterThan(10);
  });

  it('parses name:key=value,key=value with defaults filled in', () => {
    const { factory, params } = getPolicyFactory('exp-backoff:base=5,cap=3600,jitter=full');
    expect(factory.name).toBe('exp-backoff');
    expect(params).toEqual({ base: 5, factor: 2, cap: 3600, jitter: 'full' });
    expect(getPolicyFactory('transmission-4.1').params).toEqual({});
    expect(getPolicyFactory(' max-failures:max=5 ').params).toEqual({ max: 5, interval: 60 });
    expect(getPolicyFactory('fixed-interval:interval=1.5e2').params).toEqual({ interval: 150 });
  });

  it('names the policy, the parameter and the expected value in errors', () => {
    expect(specError('exp-backoff:bse=5')).toBe(
      "policy exp-backoff: unknown parameter 'bse' (known: base, factor, cap, jitter)",
    );
    expect(specError('exp-backof')).toBe(`unknown policy 'exp-backof' (known: ${NAMES.join(', ')})`);
    expect(specError('exp-backoff:jitter=some')).toBe(
      "policy exp-backoff: parameter 'jitter': expected one of none, full, decorrelated, got 'some'",
    );
    expect(specError('exp-backoff:base=-1')).toBe("policy exp-backoff: parameter 'base': expected a number ≥ 0, got '-1'");
    expect(specError('exp-backoff:base=ten')).toMatch(/parameter 'base': expected a number ≥ 0, got 'ten'/);
    expect(specError('exp-backoff:base=')).toMatch(/parameter 'base': expected a number/);
    expect(specError('exp-backoff:base')).toMatch(/parameter 'base' has no value \(expected base=a number ≥ 0\)/);
    expect(specError('exp-backoff:base=1,base=2')).toMatch(/parameter 'base' given twice/);
    expect(specError('max-failures:max=2.5')).toMatch(/parameter 'max': expected a whole number ≥ 1, got '2.5'/);
    expect(specError('transmission-4.1:k=3')).toBe("policy transmission-4.1: unknown parameter 'k' (it takes no parameters)");
    expect(specError('exp-backoff:base=1,')).toMatch(/empty parameter/);
    expect(specError('')).toMatch(/empty policy name/);
    expect(specError('fixed-interval:interval=Infinity')).toMatch(/expected a number ≥ 0/);
  });

  it('validates a params object too', () => {
    const { factory } = getPolicyFactory('exp-backoff');
    expect(validatePolicyParams(factory, { base: 3 })).toEqual({ base: 3, factor: 2, cap: 3600, jitter: 'none' });
    expect(() => validatePolicyParams(factory, { bse: 3 })).toThrow(/unknown parameter 'bse'/);
  });

  it('canonical names: name plus non-default params sorted by key', () => {
    const c = (spec: string): string => {
      const { factory, params } = getPolicyFactory(spec);
      return canonicalPolicyName(factory, params);
    };
    expect(c('exp-backoff')).toBe('exp-backoff');
    expect(c('exp-backoff:jitter=full,base=5,cap=3600')).toBe('exp-backoff:base=5,jitter=full');
    expect(c('exp-backoff:base=5,jitter=full')).toBe(c('exp-backoff:jitter=full,base=5'));
    expect(c('transmission-4.1')).toBe('transmission-4.1');
    // The instance carries the same name.
    const { factory, params } = getPolicyFactory('progressive-penalty:relief=1,base=20');
    expect(factory.create(params).name).toBe('progressive-penalty:base=20,relief=1');
  });
});

/** Drives every built-in policy through a mixed swarm and checks the seam contract. */
describe('every policy keeps the seam contract', () => {
  const seedState: RemoteState = { via: 'bitfield', seed: true, uploadOnly: true };
  const behaviours: Behaviour[] = [
    () => ({ type: 'timeout' }),
    () => ({ type: 'refused' }),
    () => ({ type: 'handshake-fail', after: 2, readAnything: true }),
    () => ({ type: 'connect', handshakeAfter: 1, closeAfter: 3, close: { reason: 'peer_left', byUs: false } }),
    () => ({ type: 'connect', handshakeAfter: 1, states: [seedState], closeAfter: 0.5, close: { reason: 'seed_seed', byUs: true } }),
    (n) => ({ type: 'connect', handshakeAfter: 1, dataAt: n % 2 ? [1] : [], closeAfter: 40, close: { reason: 'idle', byUs: true } }),
    () => ({ type: 'connect', handshakeAfter: 0.7, dataAt: [1, 2, 3], closeAfter: 300, close: { reason: 'peer_left', byUs: false, severity: 'peer_error' } }),
  ];

  for (const name of NAMES) {
    it(`${name}: never over budget, in use or unknown; nextWake sleeping changes no dial`, () => {
      const runs = [false, true].map((useNextWake) => {
        const { factory, params } = getPolicyFactory(name);
        const h = new Harness(factory.create(params), {
          pulse: name.startsWith('libtorrent') ? 1 : 0.5,
          peerLimit: 12,
          done: false,
          useNextWake,
          seed: 'contract',
        });
        for (let r = 0; r < 60; r++) {
          const src = [Source.Tracker, Source.Pex, Source.Dht][r % 3] as Source;
          h.addRemote(r, behaviours[r % behaviours.length] as Behaviour, src, r % 5 === 0 ? { seed: true } : {}, (r * 7) % 50);
        }
        for (let t = 100; t < 3000; t += 600) {
          h.at(t, () => {
            for (let r = 0; r < 60; r += 4) h.policy.learn(r, Source.Tracker, {}, t);
          });
        }
        h.at(1500, () => {
          h.host.done = true;
        });
        h.run(3600);
        for (let r = 0; r < 60; r++) {
          const info = h.policy.get(r);
          if (info) {
            const e = h.policy.eligibleAt(info, h.host);
            expect(typeof e === 'number' && !Number.isNaN(e)).toBe(true);
          }
        }
        return h;
      });
      const [a, b] = runs as [Harness, Harness];
      let total = 0;
      for (let r = 0; r < 60; r++) {
        expect(b.dialTimes(r)).toEqual(a.dialTimes(r));
        total += a.dialTimes(r).length;
      }
      expect(total).toBeGreaterThan(60);
    });
  }
});
