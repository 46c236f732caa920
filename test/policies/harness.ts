import { RandomStream } from '../../sim/engine/random.js';
import type { PeerInfo } from '../../sim/policies/peer-info.js';
import type {
  CloseInfo,
  HostView,
  PeerFlags,
  ReconnectPolicy,
  RemoteState,
} from '../../sim/policies/policy.js';
import { Source } from '../../sim/policies/source.js';

/**
 * A tiny event-driven host for policy tests: one client running `policy`, remotes with scripted
 * behaviour, a pulse at the client kind's period (0.5 s Transmission, 1 s libtorrent). At each
 * pulse time, every event due at or before it runs first (in time, then insertion order), then
 * the pulse calls select(). Records every dial time per remote.
 */

/** What a remote does with the n-th dial (0-based) started at time t. */
export type Script =
  | { type: 'timeout'; after?: number } // TCP connect timeout (default: policy.connectTimeout or 30 s)
  | { type: 'refused'; after?: number }
  | { type: 'handshake-fail'; after: number; readAnything: boolean }
  | {
      type: 'connect';
      /** Handshake completes this long after the dial. */
      handshakeAfter: number;
      /** Remote state messages at the handshake, in wire order. */
      states?: RemoteState[];
      /** Offsets after the handshake at which piece data moves. */
      dataAt?: number[];
      /** Close this long after the handshake (Infinity: stays open). */
      closeAfter: number;
      close?: Partial<Omit<CloseInfo, 'outgoing'>>;
    };

export type Behaviour = (dialIndex: number, t: number) => Script;

export const dead: Behaviour = () => ({ type: 'timeout' });

/** Accepts, completes the handshake after `hs`, then the remote closes after `delay` with no data. */
export function closesAfterHandshake(hs = 1, delay = 1): Behaviour {
  return () => ({
    type: 'connect',
    handshakeAfter: hs,
    closeAfter: delay,
    close: { reason: 'dropped', byUs: false, severity: 'normal', pieceBytes: 0 },
  });
}

/** We close right after the handshake, no data (e.g. seed-to-seed, uninteresting). */
export function weCloseAfterHandshake(hs = 1, delay = 1, states: RemoteState[] = []): Behaviour {
  return () => ({
    type: 'connect',
    handshakeAfter: hs,
    states,
    closeAfter: delay,
    close: { reason: 'seed_seed', byUs: true, severity: 'normal', pieceBytes: 0 },
  });
}

/** The LTEP handshake's upload_only of a seed, before its bitfield. */
export const LTEP_UPLOAD_ONLY: RemoteState = { via: 'ltep', seed: false, uploadOnly: true };

/** A seed sending LTEP upload_only before have_all; the finished host closes at once (#7700). */
export function uploadOnlyBeforeHaveAll(d: number): Behaviour {
  return () => ({
    type: 'connect',
    handshakeAfter: d,
    states: [LTEP_UPLOAD_ONLY],
    closeAfter: 0,
    close: { reason: 'seed_seed', byUs: true, severity: 'normal', pieceBytes: 0 },
  });
}

export interface HarnessOptions {
  pulse: number;
  peerLimit?: number;
  done?: boolean;
  pexAllowed?: boolean;
  seed?: string;
  /** Sleep until policy.nextWake() (rounded up to the pulse grid) when select returns nothing. */
  useNextWake?: boolean;
  /** Connect timeout when the policy gives none. */
  connectTimeout?: number;
}

class MutableHost implements HostView {
  now = 0;
  done = false;
  pexAllowed = true;
  connections = 0;
  peerLimit = 50;
  rng: RandomStream;
  constructor(seed: string) {
    this.rng = new RandomStream(seed);
  }
}

interface Ev {
  t: number;
  seq: number;
  fn: () => void;
}

export class Harness {
  readonly host: MutableHost;
  readonly dials = new Map<number, number[]>();
  readonly log: string[] = [];
  selects = 0;
  private readonly behaviours = new Map<number, Behaviour>();
  private events: Ev[] = [];
  private seq = 0;
  private readonly out = new Int32Array(1024);
  private nextPulse = 0;
  private sleepingUntil = -Infinity;

  constructor(
    readonly policy: ReconnectPolicy,
    readonly opts: HarnessOptions,
  ) {
    this.host = new MutableHost(opts.seed ?? 'harness');
    this.host.done = opts.done ?? false;
    this.host.pexAllowed = opts.pexAllowed ?? true;
    this.host.peerLimit = opts.peerLimit ?? 50;
  }

  /** A remote known from `source` at time `at` (default now) with the given behaviour. */
  addRemote(remote: number, behaviour: Behaviour, source: Source = Source.Tracker, flags: PeerFlags = {}, at?: number): void {
    this.behaviours.set(remote, behaviour);
    const when = at ?? this.host.now;
    this.at(when, () => {
      this.policy.learn(remote, source, flags, this.host.now);
    });
  }

  /** Runs fn at time t (before the pulse at t). */
  at(t: number, fn: () => void): void {
    this.events.push({ t, seq: this.seq++, fn });
    this.events.sort((a, b) => a.t - b.t || a.seq - b.seq);
    this.sleepingUntil = -Infinity; // any new event wakes the host
  }

  info(remote: number): PeerInfo {
    const i = this.policy.get(remote);
    if (i === undefined) throw new Error(`remote ${remote} unknown to the policy`);
    return i;
  }

  dialTimes(remote: number): number[] {
    return this.dials.get(remote) ?? [];
  }

  private runEventsUntil(t: number): void {
    while (this.events.length > 0 && (this.events[0] as Ev).t <= t) {
      const ev = this.events.shift() as Ev;
      this.host.now = ev.t;
      ev.fn();
      this.sleepingUntil = -Infinity;
    }
  }

  /** Runs pulses until `until` (inclusive). */
  run(until: number): this {
    const period = this.opts.pulse;
    while (this.nextPulse <= until + 1e-9) {
      const p = this.nextPulse;
      this.runEventsUntil(p);
      this.host.now = p;
      if (p >= this.sleepingUntil) this.pulse();
      this.nextPulse = Math.round((p + period) * 1e6) / 1e6;
    }
    this.runEventsUntil(until);
    this.host.now = until;
    return this;
  }

  private pulse(): void {
    const host = this.host;
    const budget = host.peerLimit - host.connections;
    this.selects++;
    const n = this.policy.select(host, budget, this.out);
    if (n > budget) throw new Error(`select returned ${n} > budget ${budget}`);
    for (let i = 0; i < n; i++) this.dial(this.out[i] as number);
    if (n === 0 && this.opts.useNextWake && this.policy.nextWake) {
      const w = this.policy.nextWake(host);
      if (w > host.now) {
        const period = this.opts.pulse;
        this.sleepingUntil = w === Infinity ? Infinity : Math.ceil(w / period - 1e-9) * period;
      }
    }
  }

  private dial(remote: number): void {
    const host = this.host;
    const policy = this.policy;
    const info = policy.get(remote);
    if (info === undefined) throw new Error(`select returned unknown remote ${remote}`);
    if (info.inUse) throw new Error(`select returned in-use remote ${remote}`);
    if (info.banned) throw new Error(`select returned banned remote ${remote}`);
    const t = host.now;
    const list = this.dials.get(remote) ?? [];
    list.push(t);
    this.dials.set(remote, list);
    const behaviour = this.behaviours.get(remote) ?? dead;
    const script = behaviour(list.length - 1, t);
    policy.onDial(info, t);
    host.connections++;
    const end = (): void => {
      host.connections--;
    };
    switch (script.type) {
      case 'timeout':
      case 'refused': {
        const after =
          script.after ?? (script.type === 'refused' ? 0 : policy.connectTimeout?.(info) ?? this.opts.connectTimeout ?? 30);
        this.at(t + after, () => {
          end();
          policy.onConnectFailure(info, host.now, script.type);
        });
        break;
      }
      case 'handshake-fail':
        this.at(t + script.after, () => {
          end();
          policy.onHandshakeFailure(info, host.now, true, script.readAnything);
        });
        break;
      case 'connect': {
        const hsAt = t + script.handshakeAfter;
        let bytes = 0;
        this.at(hsAt, () => {
          policy.onHandshake(info, host.now, true);
          for (const s of script.states ?? []) policy.onRemoteState(info, host.now, s);
        });
        for (const d of script.dataAt ?? []) {
          this.at(hsAt + d, () => {
            bytes += 16384;
            policy.onPieceData(info, host.now);
          });
        }
        if (script.closeAfter !== Infinity) {
          this.at(hsAt + script.closeAfter, () => {
            end();
            policy.onClose(info, host.now, {
              reason: script.close?.reason ?? 'peer_left',
              byUs: script.close?.byUs ?? false,
              severity: script.close?.severity ?? 'normal',
              pieceBytes: script.close?.pieceBytes ?? bytes,
              outgoing: true,
            });
          });
        }
        break;
      }
    }
  }
}

/** A HostView for direct calls. */
export function hostView(over: Partial<HostView> = {}): HostView {
  return {
    now: 0,
    done: false,
    pexAllowed: true,
    connections: 0,
    peerLimit: 50,
    rng: new RandomStream('host'),
    ...over,
  };
}
