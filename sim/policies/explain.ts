import { RandomStream } from '../engine/random.js';
import type { PeerInfo } from './peer-info.js';
import type { CloseInfo, HostView, PolicyFactory, PolicyParams, ReconnectPolicy, RemoteState } from './policy.js';
import { canonicalPolicyName } from './naming.js';
import { Source } from './source.js';

/**
 * `swarmsim explain <policy>`: the retry schedule read off the policy's own code. Each row
 * drives a fresh policy instance through a synthetic host and one remote (learned from a
 * tracker at t = 1000 s) and reads `eligibleAt()`. Each dial happens at the eligible time, after
 * a `select()` call so that the policy's own select path runs (caches, salts, random draws).
 *
 * Schedule rows give, for n = 0…8, the wait in seconds after the n-th event until the peer is
 * eligible again (n = 0: after it was learned), Infinity = never (or forgotten):
 * - fruitless connection, remote closed: handshake, then the remote closes 1 s later, no data;
 * - fruitless connection, we closed: the same, closed by this side (reason `idle`);
 * - connect timeout (after `connectTimeout(info)`, or 30 s): measured from the failure, and from
 *   the attempt start (dial to next eligibility, as Transmission's table counts).
 * Done rows say how soon a done host may dial a seed or upload-only peer, with PEX allowed and
 * not: known from a PEX flag; seen as a seed on a connection (LTEP upload_only, then have-all;
 * this side closes); seen as upload-only only (LTEP upload_only, closed before the bitfield:
 * libtorrent #7700).
 */
export interface ExplainRow {
  section: 'schedule' | 'done';
  label: string;
  /** schedule: waits after 0…8 events; done: [PEX allowed, PEX not allowed]. Infinity = never. */
  values: number[];
}

export interface ExplainOptions {
  /** Connect timeout when the policy sets none (the Transmission kind's 30 s by default). */
  connectTimeout?: number;
  /** Events per schedule row after the first (default 8). */
  steps?: number;
}

const T0 = 1000;
const REMOTE = 1;

class ExplainHost implements HostView {
  now = T0;
  done = false;
  pexAllowed = true;
  connections = 0;
  peerLimit = 50;
  constructor(readonly rng: RandomStream) {}
}

interface Probe {
  policy: ReconnectPolicy;
  host: ExplainHost;
  out: Int32Array;
}

function probe(factory: PolicyFactory, params: PolicyParams, done = false, pex = true): Probe {
  const host = new ExplainHost(new RandomStream(`explain:${canonicalPolicyName(factory, params)}`));
  host.done = done;
  host.pexAllowed = pex;
  return { policy: factory.create(params), host, out: new Int32Array(64) };
}

/** Advances to the peer's eligible time and dials it; returns the info or undefined if never. */
function dialWhenEligible(p: Probe): PeerInfo | undefined {
  const info = p.policy.get(REMOTE);
  if (info === undefined) return undefined;
  const e = p.policy.eligibleAt(info, p.host);
  if (!(e < Infinity)) return undefined;
  if (e > p.host.now) p.host.now = e;
  p.policy.select(p.host, 50, p.out); // runs the policy's own select path (caches, salts, draws)
  p.policy.onDial(info, p.host.now);
  return info;
}

function waitFrom(p: Probe, from: number): number {
  const info = p.policy.get(REMOTE);
  if (info === undefined) return Infinity;
  const e = p.policy.eligibleAt(info, p.host);
  if (!(e < Infinity)) return Infinity;
  const w = e - from;
  return w > 0 ? w : 0;
}

function closeInfo(byUs: boolean, reason: CloseInfo['reason']): CloseInfo {
  return { reason, byUs, severity: 'normal', pieceBytes: 0, outgoing: true };
}

function scheduleRow(
  factory: PolicyFactory,
  params: PolicyParams,
  steps: number,
  label: string,
  event: (p: Probe, info: PeerInfo) => { from: number },
): ExplainRow {
  const p = probe(factory, params);
  p.policy.learn(REMOTE, Source.Tracker, {}, T0);
  const values = [waitFrom(p, T0)];
  for (let n = 1; n <= steps; n++) {
    const info = dialWhenEligible(p);
    if (info === undefined) {
      values.push(Infinity);
      continue;
    }
    const { from } = event(p, info);
    values.push(waitFrom(p, from));
  }
  return { section: 'schedule', label, values };
}

/** Reads the policy's retry schedule and seed handling off its own code. */
export function explainPolicy(factory: PolicyFactory, params: PolicyParams, opts: ExplainOptions = {}): ExplainRow[] {
  const steps = opts.steps ?? 8;
  const fallbackTimeout = opts.connectTimeout ?? 30;
  const rows: ExplainRow[] = [];
  const fruitless = (byUs: boolean) => (p: Probe, info: PeerInfo) => {
    const t = p.host.now;
    p.host.now = t + 1;
    p.policy.onHandshake(info, t + 1, true);
    p.host.now = t + 2;
    p.policy.onClose(info, t + 2, closeInfo(byUs, byUs ? 'idle' : 'peer_left'));
    return { from: t + 2 };
  };
  rows.push(scheduleRow(factory, params, steps, 'fruitless connection, remote closed', fruitless(false)));
  rows.push(scheduleRow(factory, params, steps, 'fruitless connection, we closed', fruitless(true)));
  const timeout = (fromDial: boolean) => (p: Probe, info: PeerInfo) => {
    const t = p.host.now;
    const after = p.policy.connectTimeout?.(info) ?? fallbackTimeout;
    p.host.now = t + after;
    p.policy.onConnectFailure(info, t + after, 'timeout');
    return { from: fromDial ? t : t + after };
  };
  rows.push(scheduleRow(factory, params, steps, 'connect timeout, from the failure', timeout(false)));
  rows.push(scheduleRow(factory, params, steps, 'connect timeout, from the attempt start', timeout(true)));

  const doneRow = (label: string, setup: (p: Probe) => number): ExplainRow => {
    const values = [true, false].map((pex) => {
      const p = probe(factory, params, true, pex);
      const from = setup(p);
      return waitFrom(p, from);
    });
    return { section: 'done', label, values };
  };
  rows.push(
    doneRow('seed known from a PEX flag', (p) => {
      p.policy.learn(REMOTE, Source.Pex, { seed: true, uploadOnly: true }, T0);
      return T0;
    }),
  );
  const metOnConnection = (states: RemoteState[]) => (p: Probe) => {
    p.policy.learn(REMOTE, Source.Tracker, {}, T0);
    const info = p.policy.get(REMOTE) as PeerInfo;
    p.policy.onDial(info, T0);
    p.host.now = T0 + 1;
    p.policy.onHandshake(info, T0 + 1, true);
    for (const s of states) p.policy.onRemoteState(info, T0 + 1, s);
    p.policy.onClose(info, T0 + 1, { reason: 'seed_seed', byUs: true, severity: 'normal', pieceBytes: 0, outgoing: true });
    return T0 + 1;
  };
  const ltep: RemoteState = { via: 'ltep', seed: false, uploadOnly: true };
  const haveAll: RemoteState = { via: 'bitfield', seed: true, uploadOnly: true };
  rows.push(doneRow('seed seen on a connection (have-all), we closed', metOnConnection([ltep, haveAll])));
  rows.push(doneRow('upload_only seen, closed before the bitfield', metOnConnection([ltep])));
  return rows;
}

function cell(v: number): string {
  if (!(v < Infinity)) return 'never';
  if (Number.isInteger(v)) return String(v);
  return v.toFixed(1);
}

/** An aligned text table of explainPolicy's rows. */
export function formatExplain(rows: ExplainRow[], title?: string): string {
  const lines: string[] = [];
  if (title !== undefined) lines.push(title, '');
  const sched = rows.filter((r) => r.section === 'schedule');
  const done = rows.filter((r) => r.section === 'done');
  const table = (head: string[], body: string[][]): void => {
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
    const fmt = (r: string[]): string =>
      r
        .map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
        .join('  ')
        .trimEnd();
    lines.push(fmt(head));
    for (const r of body) lines.push(fmt(r));
  };
  if (sched.length > 0) {
    const n = Math.max(...sched.map((r) => r.values.length));
    table(
      ['wait (s) after n events', ...Array.from({ length: n }, (_, i) => String(i))],
      sched.map((r) => [r.label, ...r.values.map(cell)]),
    );
  }
  if (done.length > 0) {
    if (sched.length > 0) lines.push('');
    table(
      ['done host: wait (s) before dialling', 'PEX on', 'PEX off'],
      done.map((r) => [r.label, ...r.values.map(cell)]),
    );
  }
  return lines.join('\n') + '\n';
}
