import { RandomStream } from '../sim/engine/random.js';
import type { PeerInfo } from '../sim/policies/peer-info.js';
import type { HostView, PeerFlags, PolicyFactory, PolicyParams, ReconnectPolicy } from '../sim/policies/policy.js';
import { getPolicyFactory } from '../sim/policies/registry.js';
import { Source } from '../sim/policies/source.js';
import { row, timed, type BenchRow } from './bench-row.js';

/**
 * Policy throughput without the swarm model: one policy instance per synthetic host, driven as
 * sim/model/swarm.ts drives it (pulse grid of the client kind, select within the budget, the
 * pulse parked until nextWake and woken by learns and ends), against N known remotes with
 * fixed behaviours: dead (connect timeout), refusing, fruitless (handshake, closed after a few
 * seconds), useful (piece data, closed after minutes). PEX-like re-learns with flags arrive at
 * `pexPerSecond` in one message every 2 s, a tracker re-lists 50 peers every 30 min, and the
 * host finishes halfway through.
 * `events` counts policy calls (learn, select, nextWake, on…); `events_per_s` is calls/s.
 *
 * `policy-learn-*` rows measure learn alone over many hosts at once (the flash crowd's memory
 * footprint: ~1 000 hosts × ~800 records, where each learn is mostly cache misses), in PEX-like
 * messages of 50 peers to one receiver.
 *
 * Run: `npx tsc -p tsconfig.build.json && node dist/bench/policies.js [--json] [--only=name]`.
 * Pass `resolve` to benchPolicies to measure another build's policies in the same process.
 */
export interface PolicyBenchOptions {
  /** Policies to drive (default: the two client families and naive). */
  policies?: readonly string[];
  /** Known remotes per host. */
  sizes?: readonly number[];
  /** Simulated seconds per run. */
  duration?: number;
  /** Re-learns per simulated second (PEX/tracker traffic). */
  pexPerSecond?: number;
  /** How to make a policy (default: this build's registry). */
  resolve?: (spec: string) => { factory: PolicyFactory; params: PolicyParams };
  /** Hosts and records of the learn rows. */
  learnHosts?: number;
  learnRecords?: number;
  learnCalls?: number;
  /** Timed runs per row; the best is kept. */
  repeats?: number;
  want?: (name: string) => boolean;
}

const DEFAULT_POLICIES = ['transmission-4.0', 'transmission-4.1', 'transmission-main-2023', 'libtorrent-2.0', 'libtorrent-2.1', 'naive'];

class BenchHost implements HostView {
  now = 0;
  done = false;
  pexAllowed = true;
  connections = 0;
  constructor(
    readonly peerLimit: number,
    readonly rng: RandomStream,
  ) {}
}

/** A binary min-heap of (time, remote, kind) in typed arrays; ties by insertion order. */
class EventHeap {
  private t = new Float64Array(1024);
  private seq = new Float64Array(1024);
  private payload = new Int32Array(1024);
  private n = 0;
  private counter = 0;

  get size(): number {
    return this.n;
  }

  peekTime(): number {
    return this.n === 0 ? Infinity : (this.t[0] as number);
  }

  push(time: number, payload: number): void {
    if (this.n === this.t.length) {
      const grow = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.t = grow(this.t, (n) => new Float64Array(n));
      this.seq = grow(this.seq, (n) => new Float64Array(n));
      this.payload = grow(this.payload, (n) => new Int32Array(n));
    }
    let i = this.n++;
    const s = this.counter++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.less(p, time, s)) break;
      this.move(p, i);
      i = p;
    }
    this.t[i] = time;
    this.seq[i] = s;
    this.payload[i] = payload;
  }

  /** Removes the earliest event and returns its payload. */
  pop(): number {
    const top = this.payload[0] as number;
    const n = --this.n;
    if (n > 0) {
      const time = this.t[n] as number;
      const s = this.seq[n] as number;
      const pl = this.payload[n] as number;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && this.before(c + 1, c)) c++;
        if (this.less(c, time, s) === false) break;
        this.move(c, i);
        i = c;
      }
      this.t[i] = time;
      this.seq[i] = s;
      this.payload[i] = pl;
    }
    return top;
  }

  private less(i: number, time: number, s: number): boolean {
    const ti = this.t[i] as number;
    return ti < time || (ti === time && (this.seq[i] as number) < s);
  }

  private before(i: number, j: number): boolean {
    return this.less(i, this.t[j] as number, this.seq[j] as number);
  }

  private move(from: number, to: number): void {
    this.t[to] = this.t[from] as number;
    this.seq[to] = this.seq[from] as number;
    this.payload[to] = this.payload[from] as number;
  }
}

/** Deterministic 32-bit mix (behaviour of a remote, PEX picks). */
function mix(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

// Event kinds (payload = remote * 8 + kind).
const EV_TIMEOUT = 0;
const EV_REFUSED = 1;
const EV_HANDSHAKE = 2;
const EV_DATA = 3;
const EV_CLOSE = 4;

const CLOSE_FRUITLESS = { reason: 'peer_left', byUs: false, severity: 'normal', pieceBytes: 0, outgoing: true } as const;
const CLOSE_USEFUL = { reason: 'idle', byUs: true, severity: 'normal', pieceBytes: 1 << 20, outgoing: true } as const;
const SEED_STATE = { via: 'bitfield', seed: true, uploadOnly: true } as const;

/** Runs one synthetic host for `duration` s; returns the number of policy calls. */
export function drivePolicy(policy: ReconnectPolicy, n: number, duration: number, pexPerSecond: number, libtorrent: boolean): number {
  const period = libtorrent ? 1 : 0.5;
  const host = new BenchHost(libtorrent ? 200 : 50, new RandomStream(`bench:${policy.name}:${n}`));
  const heap = new EventHeap();
  const out = new Int32Array(256);
  const infos: (PeerInfo | undefined)[] = new Array<PeerInfo | undefined>(n).fill(undefined);
  const flags: PeerFlags = { seed: false, uploadOnly: false, connectable: undefined };
  let calls = 0;
  let sleepUntil = -Infinity;
  let pexAcc = 0;
  let pexCursor = 1;
  const learn = (remote: number, source: Source, f: PeerFlags): void => {
    calls++;
    infos[remote] = policy.learn(remote, source, f, host.now);
    sleepUntil = -Infinity;
  };
  for (let r = 0; r < n; r++) learn(r, Source.Tracker, flags);
  const steps = Math.round(duration / period);
  for (let step = 0; step <= steps; step++) {
    const t = step * period;
    // Events due by this pulse, in time order.
    while (heap.peekTime() <= t) {
      host.now = heap.peekTime();
      const pl = heap.pop();
      const remote = pl >>> 3;
      const info = infos[remote] ?? policy.get(remote);
      if (info === undefined) continue;
      calls++;
      switch (pl & 7) {
        case EV_TIMEOUT:
        case EV_REFUSED:
          host.connections--;
          policy.onConnectFailure(info, host.now, (pl & 7) === EV_TIMEOUT ? 'timeout' : 'refused');
          break;
        case EV_HANDSHAKE:
          policy.onHandshake(info, host.now, true);
          if (mix(remote + 7) % 10 < 3) {
            calls++;
            policy.onRemoteState(info, host.now, SEED_STATE);
          }
          break;
        case EV_DATA:
          policy.onPieceData(info, host.now);
          break;
        case EV_CLOSE:
          host.connections--;
          policy.onClose(info, host.now, mix(remote + 3) % 5 === 0 ? CLOSE_USEFUL : CLOSE_FRUITLESS);
          break;
      }
      sleepUntil = -Infinity;
    }
    host.now = t;
    if (t >= duration / 2) host.done = true;
    // PEX-like re-learns in a message every 2 s (flags: seed for a fixed 30 %, connectable for
    // half), a tracker listing every 30 min.
    pexAcc += pexPerSecond * period;
    while (step % (2 / period) === 0 && pexAcc >= 1) {
      pexAcc -= 1;
      pexCursor = (pexCursor * 1103515245 + 12345) >>> 0;
      const r = pexCursor % n;
      flags.seed = flags.uploadOnly = mix(r + 7) % 10 < 3;
      flags.connectable = (r & 1) === 0 ? true : undefined;
      learn(r, Source.Pex, flags);
    }
    if (step > 0 && t % 1800 === 0) {
      flags.seed = flags.uploadOnly = false;
      flags.connectable = undefined;
      for (let i = 0; i < 50; i++) learn(mix(i + step) % n, Source.Tracker, flags);
    }
    if (t < sleepUntil) continue;
    const budget = host.peerLimit - host.connections;
    if (budget <= 0) continue;
    calls++;
    const k = policy.select(host, budget, out);
    for (let i = 0; i < k; i++) {
      const remote = out[i] as number;
      const info = infos[remote] ?? (policy.get(remote) as PeerInfo);
      calls++;
      policy.onDial(info, t);
      host.connections++;
      const b = mix(remote) % 100;
      if (b < 25) heap.push(t + (policy.connectTimeout?.(info) ?? 30), remote * 8 + EV_TIMEOUT);
      else if (b < 35) heap.push(t + 0.1, remote * 8 + EV_REFUSED);
      else {
        heap.push(t + 0.2, remote * 8 + EV_HANDSHAKE);
        const useful = mix(remote + 3) % 5 === 0;
        if (useful) heap.push(t + 1, remote * 8 + EV_DATA);
        heap.push(t + 0.2 + (useful ? 120 + (b % 7) * 30 : 2 + (b % 11)), remote * 8 + EV_CLOSE);
      }
    }
    if (k === 0 && policy.nextWake) {
      calls++;
      const w = policy.nextWake(host);
      if (w > t + period) sleepUntil = w === Infinity ? Infinity : Math.ceil(w / period - 1e-9) * period;
    }
  }
  return calls;
}

/** learn() alone: `hosts` policies of `records` known peers each, re-learned in random order with PEX flags. */
export function benchLearn(spec: string, hosts: number, records: number, calls: number, resolve = getPolicyFactory): BenchRow {
  const { factory, params } = resolve(spec);
  const policies: ReconnectPolicy[] = [];
  const none: PeerFlags = {};
  for (let h = 0; h < hosts; h++) {
    const p = factory.create(params);
    // Remote ids spread over a swarm-sized range, as a host knows a sample of the swarm.
    for (let i = 0; i < records; i++) p.learn(mix(h * 7919 + i) % (records * 2), Source.Tracker, none, 0);
    policies.push(p);
  }
  const flags: PeerFlags = { seed: false, uploadOnly: false, connectable: true };
  let counter = 0;
  const run = (): number => {
    let found = 0;
    let p = policies[0] as ReconnectPolicy;
    for (let i = 0; i < calls; i++) {
      // PEX messages of 50 peers, each to a random receiver (hashed draws: no short LCG cycles).
      if (i % 50 === 0) p = policies[mix(counter++) % hosts] as ReconnectPolicy;
      const remote = mix(0x5bd1e995 ^ counter++) % (records * 2);
      flags.seed = flags.uploadOnly = (remote & 7) === 0;
      if (p.learn(remote, Source.Pex, flags, 1) !== undefined) found++;
    }
    return found;
  };
  run();
  let seconds = Infinity;
  for (let i = 0; i < 3; i++) seconds = Math.min(seconds, timed(run).seconds);
  return row(`policy-learn-${spec}-${hosts}x${records}`, calls, seconds);
}

export function benchPolicies(opts: PolicyBenchOptions = {}): BenchRow[] {
  const resolve = opts.resolve ?? getPolicyFactory;
  const want = opts.want ?? (() => true);
  const duration = opts.duration ?? 7200;
  const pex = opts.pexPerSecond ?? 20;
  const rows: BenchRow[] = [];
  for (const spec of opts.policies ?? DEFAULT_POLICIES) {
    for (const n of opts.sizes ?? [300, 1000, 3000]) {
      const name = `policy-${spec}-${n}`;
      if (!want(name)) continue;
      const { factory, params } = resolve(spec);
      const lt = spec.startsWith('libtorrent');
      drivePolicy(factory.create(params), n, Math.min(duration, 600), pex, lt); // warm-up
      // Best of `repeats` (machines here are shared and noisy).
      let best: BenchRow | undefined;
      for (let i = 0; i < (opts.repeats ?? 3); i++) {
        const { value, seconds } = timed(() => drivePolicy(factory.create(params), n, duration, pex, lt));
        const r = row(name, value, seconds);
        if (best === undefined || r.events_per_s > best.events_per_s) best = r;
      }
      rows.push(best as BenchRow);
    }
    const learnName = `policy-learn-${spec}`;
    if (want(learnName)) rows.push(benchLearn(spec, opts.learnHosts ?? 500, opts.learnRecords ?? 800, opts.learnCalls ?? 2_000_000, resolve));
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const json = process.argv.includes('--json');
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
  for (const r of benchPolicies({ want: (name) => !only || name.includes(only) })) {
    if (json) console.log(JSON.stringify(r));
    else console.log(`${r.name.padEnd(44)} ${String(r.events).padStart(10)} calls ${r.seconds.toFixed(3).padStart(8)} s ${(r.events_per_s / 1e6).toFixed(2).padStart(6)} M calls/s`);
  }
}
