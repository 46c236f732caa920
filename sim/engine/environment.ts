import { EventQueue } from './event-queue.js';

/** Handler for one event kind; `a` and `b` are the two integers given at scheduling. */
export type EventHandler = (a: number, b: number) => void;

/**
 * The simulation environment, after SimPy's core: a virtual clock in seconds, a queue of pending
 * events and a loop that runs them in (time, insertion) order. It knows nothing of BitTorrent:
 * callers register a handler per event kind and schedule integers.
 */
export class Environment {
  /** Virtual time in seconds. */
  now = 0;
  /** Events run so far. */
  eventsProcessed = 0;
  private readonly queue: EventQueue;
  private readonly handlers: EventHandler[] = [];

  /** `nearMax` is passed to the EventQueue (tests set it small to exercise both tiers). */
  constructor(initialCapacity = 1024, nearMax?: number) {
    this.queue = new EventQueue(initialCapacity, nearMax);
  }

  /** Registers a handler and returns its kind number. */
  register(handler: EventHandler): number {
    this.handlers.push(handler);
    return this.handlers.length - 1;
  }

  /** Schedules `kind(a, b)` after `delay` seconds; returns a handle for cancel(). */
  schedule(delay: number, kind: number, a = 0, b = 0): number {
    if (!(delay >= 0)) throw new RangeError(`delay must be a non-negative number, got ${delay}`);
    return this.queue.push(this.now + delay, kind, a, b);
  }

  /** Schedules `kind(a, b)` at absolute time `t` (not before now). */
  scheduleAt(t: number, kind: number, a = 0, b = 0): number {
    if (!(t >= this.now)) throw new RangeError(`time ${t} is before now (${this.now})`);
    return this.queue.push(t, kind, a, b);
  }

  /** Cancels a pending event; returns false if it already ran or was cancelled. */
  cancel(handle: number): boolean {
    return this.queue.remove(handle);
  }

  isPending(handle: number): boolean {
    return this.queue.isPending(handle);
  }

  /** Moves a pending event to absolute time `t`; it then runs after events already due at `t`. */
  reschedule(handle: number, t: number): void {
    if (!(t >= this.now)) throw new RangeError(`time ${t} is before now (${this.now})`);
    this.queue.reschedule(handle, t);
  }

  /** Time of a pending event. */
  timeOf(handle: number): number {
    return this.queue.timeOf(handle);
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Time of the next event, Infinity when none. */
  peek(): number {
    return this.queue.peekTime();
  }

  /** Runs the next event; returns false when there is none. */
  step(): boolean {
    const q = this.queue;
    if (q.length === 0) return false;
    this.now = q.peekTime();
    const slot = q.pop();
    this.eventsProcessed++;
    this.handlers[q.kindOf(slot)]!(q.aOf(slot), q.bOf(slot));
    return true;
  }

  /** Runs every event with time ≤ until, then sets the clock to `until`. */
  run(until = Infinity): void {
    const q = this.queue;
    const handlers = this.handlers;
    while (q.length > 0 && q.peekTime() <= until) {
      this.now = q.peekTime();
      const slot = q.pop();
      this.eventsProcessed++;
      handlers[q.kindOf(slot)]!(q.aOf(slot), q.bOf(slot));
    }
    if (until !== Infinity && until > this.now) this.now = until;
  }
}
