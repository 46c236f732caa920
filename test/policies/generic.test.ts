import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../sim/engine/random.js';
import { AdaptiveInfo, AdaptivePolicy, sampleBeta } from '../../sim/policies/generic/adaptive.js';
import { BackoffInfo, ExpBackoffPolicy } from '../../sim/policies/generic/exp-backoff.js';
import { naive } from '../../sim/policies/generic/naive.js';
import { PenaltyInfo, ProgressivePenaltyPolicy } from '../../sim/policies/generic/progressive-penalty.js';
import { getPolicyFactory } from '../../sim/policies/registry.js';
import type { ReconnectPolicy } from '../../sim/policies/policy.js';
import { Source } from '../../sim/policies/source.js';
import { Harness, closesAfterHandshake, dead, hostView, type Behaviour } from './harness.js';

function make(spec: string): ReconnectPolicy {
  const { factory, params } = getPolicyFactory(spec);
  return factory.create(params);
}

function gaps(dials: number[], len: number): number[] {
  const g: number[] = [];
  for (let i = 1; i < dials.length; i++) g.push(+((dials[i] as number) - (dials[i - 1] as number) - len).toFixed(6));
  return g;
}

/** A remote that sends data on the given (0-based) connections, else closes with none. */
function usefulOn(which: number[]): Behaviour {
  return (n) => ({
    type: 'connect',
    handshakeAfter: 1,
    dataAt: which.includes(n) ? [0.5] : [],
    closeAfter: 1,
    close: { reason: 'peer_left', byUs: false, severity: 'normal' },
  });
}

describe('naive', () => {
  it('re-dials a free peer on the next select, 9 per select, least recently attempted first', () => {
    const h = new Harness(naive.create({}), { pulse: 0.5 });
    h.addRemote(1, closesAfterHandshake(0.5, 0.25));
    h.run(10);
    expect(h.dialTimes(1)).toEqual([...Array(11).keys()]);
    const p = naive.create({});
    for (let r = 1; r <= 20; r++) p.learn(r, Source.Tracker, {}, 0);
    const out = new Int32Array(64);
    expect(p.select(hostView(), 64, out)).toBe(9);
    const first = [...out.slice(0, 9)];
    for (const r of first) p.onDial(p.get(r)!, 0);
    for (const r of first) p.onConnectFailure(p.get(r)!, 1, 'refused');
    const n = p.select(hostView({ now: 2 }), 64, out);
    expect([...out.slice(0, n)]).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18]);
    expect(p.eligibleAt(p.get(1)!, hostView({ now: 2 }))).toBe(0);
  });
});

describe('fixed-interval', () => {
  it('waits `interval` after each attempt ends, whatever the outcome', () => {
    const h = new Harness(make('fixed-interval:interval=90'), { pulse: 1, connectTimeout: 30 });
    h.addRemote(1, dead);
    h.addRemote(2, usefulOn([0, 1, 2]));
    h.run(500);
    expect(h.dialTimes(1)).toEqual([0, 120, 240, 360, 480]);
    expect(gaps(h.dialTimes(2), 2)).toEqual([90, 90, 90, 90, 90]);
  });
});

describe('exp-backoff', () => {
  it('base × factor^(n−1) capped, reset by piece data', () => {
    const h = new Harness(make('exp-backoff:base=10,factor=3,cap=500'), { pulse: 0.5 });
    h.addRemote(1, usefulOn([6]));
    h.run(3000);
    expect(gaps(h.dialTimes(1), 2).slice(0, 9)).toEqual([10, 30, 90, 270, 500, 500, 0, 10, 30]);
  });

  it('failures back off the same way; fewest failures first', () => {
    const p = make('exp-backoff') as ExpBackoffPolicy;
    const a = p.learn(1, Source.Tracker, {}, 0) as BackoffInfo;
    p.learn(2, Source.Tracker, {}, 0);
    p.onDial(a, 0);
    p.onConnectFailure(a, 15, 'timeout');
    expect(p.eligibleAt(a, hostView())).toBe(25);
    const out = new Int32Array(9);
    const n = p.select(hostView({ now: 30 }), 9, out);
    expect([...out.slice(0, n)]).toEqual([2, 1]);
  });

  it('full jitter: U(0, nominal), reproducible from host.rng', () => {
    const waits = (seed: string): number[] => {
      const p = make('exp-backoff:jitter=full,base=100') as ExpBackoffPolicy;
      const info = p.learn(1, Source.Tracker, {}, 0) as BackoffInfo;
      const host = hostView({ rng: new RandomStream(seed) });
      const w: number[] = [];
      let t = 0;
      for (let i = 0; i < 6; i++) {
        p.onDial(info, t);
        p.onConnectFailure(info, t, 'refused');
        const e = p.eligibleAt(info, host);
        expect(p.eligibleAt(info, host)).toBe(e); // fixed until the next outcome
        w.push(e - t);
        t = e + 1;
      }
      return w;
    };
    const a = waits('x');
    expect(waits('x')).toEqual(a);
    expect(waits('y')).not.toEqual(a);
    a.forEach((w, i) => {
      expect(w).toBeGreaterThanOrEqual(0);
      expect(w).toBeLessThan(100 * 2 ** i);
    });
  });

  it('decorrelated jitter: U(base, factor × previous), capped', () => {
    const p = make('exp-backoff:jitter=decorrelated,base=10,factor=3,cap=200') as ExpBackoffPolicy;
    const info = p.learn(1, Source.Tracker, {}, 0) as BackoffInfo;
    const host = hostView({ rng: new RandomStream('d') });
    let prev = 10;
    let t = 0;
    for (let i = 0; i < 12; i++) {
      p.onDial(info, t);
      p.onConnectFailure(info, t, 'refused');
      const w = p.eligibleAt(info, host) - t;
      expect(w).toBeGreaterThanOrEqual(Math.min(10, 200));
      expect(w).toBeLessThanOrEqual(Math.min(200, 3 * prev));
      prev = w;
      t += w;
    }
  });
});

describe('max-failures', () => {
  it('forgets a peer after `max` unproductive attempts; a new listing brings it back', () => {
    const h = new Harness(make('max-failures:max=3,interval=60'), { pulse: 1, connectTimeout: 30 });
    h.addRemote(1, dead);
    h.run(1000);
    expect(h.dialTimes(1)).toEqual([0, 90, 180]);
    expect(h.policy.get(1)).toBeUndefined();
    expect(h.policy.size()).toBe(0);
    h.at(1200, () => h.policy.learn(1, Source.Tracker, {}, 1200));
    h.run(1300);
    expect(h.dialTimes(1)).toEqual([0, 90, 180, 1200, 1290]);
  });

  it('piece data resets the count', () => {
    const h = new Harness(make('max-failures:max=2,interval=10'), { pulse: 1 });
    h.addRemote(1, usefulOn([1, 3]));
    h.run(200);
    // fruitless (1), useful (0), fruitless (1), useful (0), fruitless (1), fruitless (2) → forgotten
    expect(gaps(h.dialTimes(1), 2)).toEqual([10, 0, 10, 0, 10]);
    expect(h.policy.get(1)).toBeUndefined();
  });
});

describe('progressive-penalty', () => {
  it('fruitless connections raise the penalty: waits 10, 30, 90, 270… capped; data relieves', () => {
    const h = new Harness(make('progressive-penalty:cap=1000'), { pulse: 0.5 });
    h.addRemote(1, usefulOn([6]));
    h.run(6000);
    // p: 1,2,3,4,5,6 → waits 10,30,90,270,810,1000(cap); useful → p 4 → 270; then p 5 → 810
    expect(gaps(h.dialTimes(1), 2).slice(0, 8)).toEqual([10, 30, 90, 270, 810, 1000, 270, 810]);
  });

  it('connect failures add `failure`; lower penalty is dialled first', () => {
    const p = make('progressive-penalty:failure=0.5') as ProgressivePenaltyPolicy;
    const a = p.learn(1, Source.Tracker, {}, 0) as PenaltyInfo;
    const b = p.learn(2, Source.Tracker, {}, 0) as PenaltyInfo;
    p.onDial(a, 0);
    p.onConnectFailure(a, 10, 'timeout');
    expect(a.penalty).toBe(0.5);
    expect(p.eligibleAt(a, hostView())).toBeCloseTo(10 + 10 * Math.pow(3, -0.5));
    p.onDial(b, 0);
    p.onHandshake(b, 1, true);
    p.onClose(b, 2, { reason: 'seed_seed', byUs: true, severity: 'normal', pieceBytes: 0, outgoing: true });
    expect(b.penalty).toBe(1);
    const out = new Int32Array(9);
    const n = p.select(hostView({ now: 100 }), 9, out);
    expect([...out.slice(0, n)]).toEqual([1, 2]);
  });
});

describe('adaptive', () => {
  it('waits grow with the odds against usefulness; useful peers come back sooner', () => {
    const p = make('adaptive') as AdaptivePolicy;
    const info = p.learn(1, Source.Tracker, {}, 0) as AdaptiveInfo;
    const h = hostView();
    expect(p.eligibleAt(info, h)).toBe(0);
    const waits: number[] = [];
    let t = 0;
    for (let i = 0; i < 4; i++) {
      p.onDial(info, t);
      p.onHandshake(info, t, true);
      p.onClose(info, t, { reason: 'peer_left', byUs: false, severity: 'normal', pieceBytes: 0, outgoing: true });
      waits.push(p.eligibleAt(info, h) - t);
      t += 1e-9; // no decay between the outcomes
    }
    waits.forEach((w, i) => expect(w).toBeCloseTo(30 * (i + 2) ** 2, 3));
    const q = make('adaptive') as AdaptivePolicy;
    const good = q.learn(1, Source.Tracker, {}, 0) as AdaptiveInfo;
    q.onDial(good, 0);
    q.onHandshake(good, 0, true);
    q.onPieceData(good, 1);
    q.onClose(good, 2, { reason: 'idle', byUs: true, severity: 'normal', pieceBytes: 1000, outgoing: true });
    expect(q.eligibleAt(good, h)).toBeCloseTo(2 + 7.5, 3);
  });

  it('evidence decays toward the prior with the half-life', () => {
    const p = make('adaptive:halfLife=100') as AdaptivePolicy;
    const info = p.learn(1, Source.Tracker, {}, 0) as AdaptiveInfo;
    for (let i = 0; i < 3; i++) {
      p.onDial(info, 0);
      p.onConnectFailure(info, 0, 'refused');
    }
    expect(info.beta).toBe(4);
    p.onDial(info, 100);
    p.onConnectFailure(info, 100, 'refused');
    expect(info.beta).toBeCloseTo(1 + 3 / 2 + 1);
  });

  it('a flag change resets the evidence; a done host waits `cap` for a known seed', () => {
    const p = make('adaptive') as AdaptivePolicy;
    const info = p.learn(1, Source.Pex, { seed: true }, 0) as AdaptiveInfo;
    p.onDial(info, 0);
    p.onHandshake(info, 1, true);
    p.onRemoteState(info, 1, { via: 'bitfield', seed: true, uploadOnly: true });
    p.onClose(info, 2, { reason: 'seed_seed', byUs: true, severity: 'normal', pieceBytes: 0, outgoing: true });
    expect(p.eligibleAt(info, hostView({ done: true }))).toBe(2 + 3600);
    expect(p.eligibleAt(info, hostView({ done: false }))).toBeCloseTo(2 + 120, 3);
    p.learn(1, Source.Pex, { seed: false }, 10);
    expect([info.alpha, info.beta, info.seed]).toEqual([1, 1, false]);
    expect(p.eligibleAt(info, hostView({ done: true }))).toBe(2 + 30);
  });

  it('Thompson sampling puts a useful peer first most of the time', () => {
    const p = make('adaptive') as AdaptivePolicy;
    const good = p.learn(1, Source.Tracker, {}, 0) as AdaptiveInfo;
    const bad = p.learn(2, Source.Tracker, {}, 0) as AdaptiveInfo;
    Object.assign(good, { alpha: 6, beta: 1, dials: 1, attemptedAt: 1, updatedAt: 1e5 });
    Object.assign(bad, { alpha: 1, beta: 6, dials: 1, attemptedAt: 1, updatedAt: 1e5 });
    const host = hostView({ now: 1e5, rng: new RandomStream('ts') });
    const out = new Int32Array(2);
    let first = 0;
    for (let i = 0; i < 200; i++) {
      p.select(host, 1, out);
      if (out[0] === 1) first++;
    }
    expect(first).toBeGreaterThan(180);
    expect(first).toBeLessThan(200);
  });

  it('Beta sampler has the right mean', () => {
    const rng = new RandomStream('beta');
    let s = 0;
    for (let i = 0; i < 4000; i++) s += sampleBeta(rng, 2, 6);
    expect(s / 4000).toBeCloseTo(0.25, 1.5);
    let t = 0;
    for (let i = 0; i < 4000; i++) t += sampleBeta(rng, 0.5, 0.5);
    expect(t / 4000).toBeCloseTo(0.5, 1.5);
  });
});
