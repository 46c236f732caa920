import { InputError } from '../input-error.js';
import type { PeerInfo } from './peer-info.js';
import type {
  CloseInfo,
  ConnectFailure,
  HostView,
  PeerFlags,
  PolicyFactory,
  PolicyParams,
  ReconnectPolicy,
  RemoteState,
} from './policy.js';
import type { Source } from './source.js';
import { CALLS, callBegins, callEnds, type CallName } from './call-watch.js';

const CALL_INDEX = new Map<string, number>(CALLS.map((c, i) => [c, i]));

/**
 * A user policy module broke the seam contract or threw. An InputError: the CLI prints the one
 * line (`policy module ./my.js: select() returned unknown peer 42`) and exits with status 2.
 */
export class PolicyModuleError extends InputError {
  override readonly name: string = 'PolicyModuleError';
}

function describe(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : typeof v;
}

/**
 * Wraps a (user) policy and checks its answers at every call: eligibleAt/nextWake/connectTimeout/
 * maintain must be numbers (not NaN; connectTimeout finite and > 0; maintain after now), size a whole number ≥ 0, learn an
 * object or undefined, select a whole number from 0 to budget naming known peers that are not in
 * use (tracked here from the host's own calls), not banned and not repeated. Anything thrown
 * inside the module is rethrown as PolicyModuleError naming the module and the call.
 */
export class GuardedPolicy implements ReconnectPolicy {
  private readonly inUse = new Map<number, number>();
  readonly nextWake?: (host: HostView) => number;
  readonly connectTimeout?: (info: PeerInfo) => number;
  readonly maintain?: (host: HostView) => number;
  readonly socketCap?: 'always' | 'when-done';
  readonly refusesKnownSeeds: boolean;

  constructor(
    readonly inner: ReconnectPolicy,
    readonly label: string,
  ) {
    if (inner.socketCap === 'always' || inner.socketCap === 'when-done') this.socketCap = inner.socketCap;
    this.refusesKnownSeeds = inner.refusesKnownSeeds === true;
    if (typeof inner.nextWake === 'function') {
      const wake = inner.nextWake.bind(inner);
      this.nextWake = (host: HostView) => this.time('nextWake()', this.call('nextWake()', () => wake(host)));
    }
    if (typeof inner.maintain === 'function') {
      const upkeep = inner.maintain.bind(inner);
      this.maintain = (host: HostView) => {
        const t = this.time('maintain()', this.call('maintain()', () => upkeep(host)));
        if (!(t > host.now)) this.fail(`maintain() returned ${t}, expected a time after now (${host.now}), or Infinity`);
        return t;
      };
    }
    if (typeof inner.connectTimeout === 'function') {
      const timeout = inner.connectTimeout.bind(inner);
      this.connectTimeout = (info: PeerInfo) => {
        const v = this.call('connectTimeout()', () => timeout(info));
        if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) this.fail(`connectTimeout() returned ${describe(v)}, expected seconds > 0`);
        return v;
      };
    }
  }

  get name(): string {
    return this.inner.name;
  }

  private fail(what: string): never {
    throw new PolicyModuleError(`policy module ${this.label}: ${what}`);
  }

  private call<T>(what: CallName, fn: () => T): T {
    callBegins(CALL_INDEX.get(what)!);
    try {
      return fn();
    } catch (e) {
      if (e instanceof PolicyModuleError) throw e;
      const msg = e instanceof Error ? e.message : String(e);
      return this.fail(`${what} threw: ${msg}`);
    } finally {
      callEnds();
    }
  }

  private time(what: string, v: unknown): number {
    if (typeof v !== 'number' || Number.isNaN(v)) this.fail(`${what} returned ${describe(v)}, expected a time in seconds (a number, Infinity for never)`);
    return v;
  }

  get(remote: number): PeerInfo | undefined {
    return this.call('get()', () => this.inner.get(remote));
  }

  size(): number {
    const n = this.call('size()', () => this.inner.size());
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) this.fail(`size() returned ${describe(n)}, expected a whole number ≥ 0`);
    return n;
  }

  learn(remote: number, source: Source, flags: PeerFlags, now: number): PeerInfo | undefined {
    const info = this.call('learn()', () => this.inner.learn(remote, source, flags, now));
    if (info !== undefined && (typeof info !== 'object' || info === null)) {
      this.fail(`learn() returned ${describe(info)}, expected the peer's record or undefined`);
    }
    return info;
  }

  eligibleAt(info: PeerInfo, host: HostView): number {
    return this.time('eligibleAt()', this.call('eligibleAt()', () => this.inner.eligibleAt(info, host)));
  }

  select(host: HostView, budget: number, out: Int32Array): number {
    const n = this.call('select()', () => this.inner.select(host, budget, out));
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) this.fail(`select() returned ${describe(n)}, expected a count from 0 to ${budget}`);
    if (n > budget) this.fail(`select() returned ${n} peers, more than the budget ${budget}`);
    for (let i = 0; i < n; i++) {
      const id = out[i] as number;
      const info = this.call('get()', () => this.inner.get(id));
      if (info === undefined) this.fail(`select() returned unknown peer ${id}`);
      if ((this.inUse.get(id) ?? 0) > 0) this.fail(`select() returned peer ${id}, which is in use`);
      if (info.banned) this.fail(`select() returned peer ${id}, which is banned`);
      for (let j = 0; j < i; j++) if (out[j] === id) this.fail(`select() returned peer ${id} twice`);
    }
    return n;
  }

  private open(info: PeerInfo): void {
    this.inUse.set(info.remote, (this.inUse.get(info.remote) ?? 0) + 1);
  }

  private release(info: PeerInfo): void {
    const n = (this.inUse.get(info.remote) ?? 0) - 1;
    if (n > 0) this.inUse.set(info.remote, n);
    else this.inUse.delete(info.remote);
  }

  onDial(info: PeerInfo, now: number): void {
    this.open(info);
    this.call('onDial()', () => this.inner.onDial(info, now));
  }

  onConnectFailure(info: PeerInfo, now: number, reason: ConnectFailure): void {
    this.release(info);
    this.call('onConnectFailure()', () => this.inner.onConnectFailure(info, now, reason));
  }

  onIncoming(info: PeerInfo, now: number): void {
    this.open(info);
    this.call('onIncoming()', () => this.inner.onIncoming(info, now));
  }

  onHandshakeFailure(info: PeerInfo, now: number, outgoing: boolean, readAnything: boolean): void {
    this.release(info);
    this.call('onHandshakeFailure()', () => this.inner.onHandshakeFailure(info, now, outgoing, readAnything));
  }

  onHandshake(info: PeerInfo, now: number, outgoing: boolean): void {
    this.call('onHandshake()', () => this.inner.onHandshake(info, now, outgoing));
  }

  onRemoteState(info: PeerInfo, now: number, state: RemoteState): void {
    this.call('onRemoteState()', () => this.inner.onRemoteState(info, now, state));
  }

  onPieceData(info: PeerInfo, now: number): void {
    this.call('onPieceData()', () => this.inner.onPieceData(info, now));
  }

  onClose(info: PeerInfo, now: number, close: CloseInfo): void {
    this.release(info);
    this.call('onClose()', () => this.inner.onClose(info, now, close));
  }
}

/** A factory whose instances are GuardedPolicy wrappers; create() errors name the module too. */
export function guardFactory(factory: PolicyFactory, label: string): PolicyFactory {
  return {
    name: factory.name,
    description: factory.description,
    params: factory.params,
    create(params: PolicyParams): ReconnectPolicy {
      let inner: ReconnectPolicy;
      callBegins(CALL_INDEX.get('create()')!);
      try {
        inner = factory.create(params);
      } catch (e) {
        throw new PolicyModuleError(`policy module ${label}: create() threw: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        callEnds();
      }
      if (typeof inner !== 'object' || inner === null) {
        throw new PolicyModuleError(`policy module ${label}: create() returned ${describe(inner)}, expected a policy object`);
      }
      const missing = (['get', 'size', 'learn', 'eligibleAt', 'select', 'onDial', 'onConnectFailure', 'onIncoming', 'onHandshakeFailure', 'onHandshake', 'onRemoteState', 'onPieceData', 'onClose'] as const).filter(
        (m) => typeof (inner as unknown as Record<string, unknown>)[m] !== 'function',
      );
      if (missing.length > 0) {
        throw new PolicyModuleError(`policy module ${label}: create() returned a policy without ${missing.join(', ')}`);
      }
      return new GuardedPolicy(inner, label);
    },
  };
}
