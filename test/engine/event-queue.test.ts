import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Environment } from '../../sim/engine/environment.js';
import { EventQueue } from '../../sim/engine/event-queue.js';

/**
 * The queue against a naive model: a list of pending events, the earliest found by a scan over
 * (time, sequence). Small nearMax values put events in both tiers and move them across often;
 * capacity 16 makes the arrays grow. Times come from a small set so that ties are common.
 */
interface ModelEvent {
  slot: number;
  t: number;
  seq: number;
  a: number;
}

type Op =
  | { op: 'push'; t: number }
  | { op: 'pop' }
  | { op: 'remove'; pick: number }
  | { op: 'reschedule'; pick: number; t: number };

const time = fc.oneof(fc.integer({ min: 0, max: 12 }), fc.double({ min: 0, max: 12, noNaN: true }));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: time.map((t) => ({ op: 'push' as const, t })) },
  { weight: 3, arbitrary: fc.constant({ op: 'pop' as const }) },
  { weight: 1, arbitrary: fc.nat().map((pick) => ({ op: 'remove' as const, pick })) },
  { weight: 2, arbitrary: fc.tuple(fc.nat(), time).map(([pick, t]) => ({ op: 'reschedule' as const, pick, t })) },
);

function earliest(model: ModelEvent[]): number {
  let best = 0;
  for (let i = 1; i < model.length; i++) {
    const e = model[i]!;
    const b = model[best]!;
    if (e.t < b.t || (e.t === b.t && e.seq < b.seq)) best = i;
  }
  return best;
}

function check(q: EventQueue, model: ModelEvent[], slotsSeen: Set<number>): void {
  expect(q.length).toBe(model.length);
  const pending = new Map(model.map((e) => [e.slot, e]));
  for (const s of slotsSeen) {
    const e = pending.get(s);
    expect(q.isPending(s)).toBe(e !== undefined);
    if (e) expect(q.timeOf(s)).toBe(e.t);
  }
  expect(q.peekTime()).toBe(model.length === 0 ? Infinity : model[earliest(model)]!.t);
}

function runOps(ops: Op[], nearMax: number): void {
  const q = new EventQueue(16, nearMax);
  const model: ModelEvent[] = [];
  const slotsSeen = new Set<number>();
  let seq = 0;
  let a = 0;
  for (const o of ops) {
    if (o.op === 'push') {
      const slot = q.push(o.t, 1, a, 1000 - a);
      expect(model.some((e) => e.slot === slot)).toBe(false);
      model.push({ slot, t: o.t, seq: seq++, a: a++ });
      slotsSeen.add(slot);
    } else if (o.op === 'pop') {
      if (model.length === 0) continue;
      const [e] = model.splice(earliest(model), 1);
      const slot = q.pop();
      expect([slot, q.kindOf(slot), q.aOf(slot), q.bOf(slot)]).toEqual([e!.slot, 1, e!.a, 1000 - e!.a]);
    } else if (o.op === 'remove') {
      // Any slot handed out so far, pending or not.
      const slots = [...slotsSeen];
      if (slots.length === 0) continue;
      const slot = slots[o.pick % slots.length]!;
      const i = model.findIndex((e) => e.slot === slot);
      expect(q.remove(slot)).toBe(i >= 0);
      if (i >= 0) model.splice(i, 1);
    } else {
      if (model.length === 0) continue;
      const e = model[o.pick % model.length]!;
      q.reschedule(e.slot, o.t);
      e.t = o.t;
      e.seq = seq++;
    }
    check(q, model, slotsSeen);
  }
  // Drain: everything left comes out in (time, sequence) order.
  while (model.length > 0) {
    const [e] = model.splice(earliest(model), 1);
    expect(q.aOf(q.pop())).toBe(e!.a);
  }
  expect(q.length).toBe(0);
}

describe('EventQueue against a naive model', () => {
  for (const nearMax of [2, 5, 64, 1 << 16]) {
    it(`push, pop, remove and reschedule agree (nearMax ${nearMax})`, () => {
      fc.assert(
        fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => runOps(ops, nearMax)),
        { numRuns: 150 },
      );
    });
  }

  it('keeps insertion order among many equal times across both tiers', () => {
    const q = new EventQueue(16, 4);
    const order: number[] = [];
    for (let i = 0; i < 100; i++) q.push(i % 3, 0, i, 0);
    const moved = q.push(1, 0, 100, 0);
    q.reschedule(moved, 0); // now last among the time-0 events
    while (q.length > 0) order.push(q.aOf(q.pop()));
    const expected = [...Array(100).keys()].filter((i) => i % 3 === 0).concat([100]);
    expected.push(...[...Array(100).keys()].filter((i) => i % 3 === 1));
    expected.push(...[...Array(100).keys()].filter((i) => i % 3 === 2));
    expect(order).toEqual(expected);
  });

  it('copes with a heap of equal times larger than nearMax', () => {
    const q = new EventQueue(16, 8);
    for (let i = 0; i < 1000; i++) q.push(5, 0, i, 0);
    for (let i = 0; i < 10; i++) q.push(1 + i, 0, 1000 + i, 0);
    const got: number[] = [];
    while (q.length > 0) got.push(q.aOf(q.pop()));
    expect(got).toEqual([1000, 1001, 1002, 1003, ...[...Array(1000).keys()], 1004, 1005, 1006, 1007, 1008, 1009]);
  });
});

describe('Environment against a naive model', () => {
  /**
   * Handlers schedule, cancel and reschedule further events (delays from a small set, so equal
   * times are common); the run order must match a model that always runs the pending event with
   * the smallest (time, scheduling order).
   */
  it('runs what handlers schedule, cancel and reschedule in (time, insertion) order', () => {
    const delay = fc.constantFrom(0, 0, 0.5, 1, 1, 2, 3.25);
    const action = fc.record({
      kind: fc.constantFrom('schedule', 'schedule', 'cancel', 'reschedule'),
      delay,
      pick: fc.nat(),
    });
    fc.assert(
      fc.property(fc.array(delay, { minLength: 1, maxLength: 20 }), fc.array(action, { maxLength: 200 }), fc.constantFrom(2, 7, 1 << 16), (initial, actions, nearMax) => {
        const env = new Environment(16, nearMax);
        // Model: pending events by id, with time and scheduling order.
        const pending = new Map<number, { t: number; order: number; handle: number }>();
        let order = 0;
        let nextId = 0;
        let step = 0;
        const ran: number[] = [];
        const expected: number[] = [];
        const schedule = (d: number) => {
          const id = nextId++;
          const handle = env.schedule(d, k, id);
          pending.set(id, { t: env.now + d, order: order++, handle });
        };
        const k = env.register((id) => {
          ran.push(id);
          // The model's choice for this step.
          let best: number | undefined;
          for (const [i, e] of pending) {
            const b = best === undefined ? undefined : pending.get(best)!;
            if (!b || e.t < b.t || (e.t === b.t && e.order < b.order)) best = i;
          }
          expected.push(best!);
          expect(env.now).toBe(pending.get(best!)!.t);
          pending.delete(id);
          const act = actions[step++];
          if (!act) return;
          const ids = [...pending.keys()];
          if (act.kind === 'schedule' || ids.length === 0) {
            schedule(act.delay);
          } else if (act.kind === 'cancel') {
            const victim = ids[act.pick % ids.length]!;
            expect(env.cancel(pending.get(victim)!.handle)).toBe(true);
            pending.delete(victim);
            schedule(act.delay);
          } else {
            const e = pending.get(ids[act.pick % ids.length]!)!;
            env.reschedule(e.handle, env.now + act.delay);
            e.t = env.now + act.delay;
            e.order = order++;
            expect(env.timeOf(e.handle)).toBe(e.t);
          }
        });
        for (const d of initial) schedule(d);
        env.run();
        expect(ran).toEqual(expected);
        expect(env.pending).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});
