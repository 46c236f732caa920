import { describe, expect, it } from 'vitest';
import { Environment } from '../../sim/engine/environment.js';
import { EventQueue } from '../../sim/engine/event-queue.js';
import { RandomStreams } from '../../sim/engine/random.js';

describe('Environment', () => {
  it('runs events in time order, and equal times in insertion order', () => {
    const env = new Environment(4);
    const seen: string[] = [];
    const k = env.register((a, b) => seen.push(`${env.now}:${a}:${b}`));
    env.schedule(2, k, 1, 0);
    env.schedule(1, k, 2, 0);
    env.schedule(2, k, 3, 0);
    env.schedule(1, k, 4, 0);
    env.schedule(0, k, 5, 7);
    env.run();
    expect(seen).toEqual(['0:5:7', '1:2:0', '1:4:0', '2:1:0', '2:3:0']);
    expect(env.eventsProcessed).toBe(5);
  });

  it('keeps insertion order for events scheduled from inside a handler at the same time', () => {
    const env = new Environment();
    const seen: number[] = [];
    const k = env.register((a) => {
      seen.push(a);
      if (a === 1) env.schedule(0, k, 3);
    });
    env.schedule(0, k, 1);
    env.schedule(0, k, 2);
    env.run();
    expect(seen).toEqual([1, 2, 3]);
  });

  it('cancels pending events and reports whether they were pending', () => {
    const env = new Environment();
    const seen: number[] = [];
    const k = env.register((a) => seen.push(a));
    const h1 = env.schedule(1, k, 1);
    const h2 = env.schedule(2, k, 2);
    env.schedule(3, k, 3);
    expect(env.cancel(h2)).toBe(true);
    expect(env.cancel(h2)).toBe(false);
    env.run();
    expect(seen).toEqual([1, 3]);
    expect(env.isPending(h1)).toBe(false);
    expect(env.eventsProcessed).toBe(2);
  });

  it('run(until) stops at the horizon, sets the clock to it and can resume', () => {
    const env = new Environment();
    const seen: number[] = [];
    const k = env.register((a) => seen.push(a));
    env.schedule(5, k, 1);
    env.schedule(10, k, 2);
    env.run(7);
    expect(seen).toEqual([1]);
    expect(env.now).toBe(7);
    env.run(10);
    expect(seen).toEqual([1, 2]);
  });

  it('reschedules a pending event behind those already due at the new time', () => {
    const env = new Environment();
    const seen: number[] = [];
    const k = env.register((a) => seen.push(a));
    const h = env.schedule(1, k, 1);
    env.schedule(5, k, 2);
    env.reschedule(h, 5);
    env.run();
    expect(seen).toEqual([2, 1]);
  });

  it('refuses to schedule into the past', () => {
    const env = new Environment();
    const k = env.register(() => undefined);
    expect(() => env.schedule(-1, k)).toThrow(RangeError);
    expect(() => env.schedule(Number.NaN, k)).toThrow(RangeError);
  });
});

describe('EventQueue', () => {
  it('pops a random workload in (time, sequence) order while growing, with removals', () => {
    const q = new EventQueue(16);
    const rng = new RandomStreams(7).stream('queue');
    const live = new Map<number, [number, number]>();
    let seq = 0;
    for (let i = 0; i < 5000; i++) {
      const t = Math.floor(rng.uniform() * 100);
      const slot = q.push(t, 0, seq, 0);
      live.set(slot, [t, seq++]);
      if (rng.chance(0.2)) {
        const victim = [...live.keys()][rng.int(live.size)]!;
        expect(q.remove(victim)).toBe(true);
        live.delete(victim);
      }
    }
    const expected = [...live.values()].sort((x, y) => x[0] - y[0] || x[1] - y[1]).map((v) => v[1]);
    const got: number[] = [];
    while (q.length > 0) got.push(q.aOf(q.pop()));
    expect(got).toEqual(expected);
  });
});

describe('RandomStreams', () => {
  it('derives the same stream from the same seed and name, and independent ones otherwise', () => {
    const a = new RandomStreams(1).stream('arrivals');
    const b = new RandomStreams(1).stream('arrivals');
    const c = new RandomStreams(1).stream('latency');
    const d = new RandomStreams(2).stream('arrivals');
    const xs = [a.uniform(), a.uniform(), a.uniform()];
    expect([b.uniform(), b.uniform(), b.uniform()]).toEqual(xs);
    expect(c.uniform()).not.toBe(xs[0]);
    expect(d.uniform()).not.toBe(xs[0]);
  });

  it('draws exponentials with the requested mean', () => {
    const r = new RandomStreams(3).stream('exp');
    let s = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) s += r.exponential(4);
    expect(s / n).toBeGreaterThan(3.95);
    expect(s / n).toBeLessThan(4.05);
  });
});
