import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RandomStream } from '../../sim/engine/random.js';
import { definePolicy } from '../../sim/policies/define.js';
import type { HistoryRecord } from '../../sim/policies/history.js';
import type { HostView, ReconnectPolicy } from '../../sim/policies/policy.js';
import { Source } from '../../sim/policies/source.js';
import { assertBuilt, ROOT, swarmsim } from '../cli/helpers.js';

/** The shipped example: "wait 20·3^k s after k fruitless connections, 6 h for known seeds once done". */
const EXAMPLE = './examples/policies/wait-20-3k.js';

function host(now: number, done = false): HostView {
  return { now, done, pexAllowed: true, connections: 0, peerLimit: 50, rng: new RandomStream('define-test') };
}

describe('definePolicy: the host keeps the history, the rule says when', () => {
  const make = (): ReconnectPolicy<HistoryRecord> =>
    definePolicy({
      name: 'tenfold',
      params: { wait: 10, max: { default: 2, kind: 'integer', min: 1, description: 'per pulse' } },
      perPulse: (p) => p.max,
      eligibleAt: (peer, _host, { wait }) => peer.lastActive + wait * 10 ** peer.fruitless,
    }).create({ wait: 10, max: 2 }) as ReconnectPolicy<HistoryRecord>;

  it('keeps attempts, fruitless and failure counts, the last close and reachability', () => {
    const p = make();
    const a = p.learn(7, Source.Pex, { seed: true }, 5) as HistoryRecord;
    expect([a.firstSeen, a.attempts, a.lastActive, a.seed, a.reachable]).toEqual([5, 0, -Infinity, true, undefined]);
    // Never tried: due when first seen (not at −∞).
    expect(p.eligibleAt(a, host(5))).toBe(5);
    p.onDial(a, 10);
    expect(a.inUse).toBe(true);
    p.onHandshake(a, 11, true);
    p.onClose(a, 12, { reason: 'seed_seed', byUs: true, severity: 'normal', pieceBytes: 0, outgoing: true });
    expect([a.attempts, a.fruitless, a.failures, a.closedAt, a.closedByUs, a.closeReason, a.closeBytes, a.reachable, a.inUse]).toEqual([
      1, 1, 0, 12, true, 'seed_seed', 0, true, false,
    ]);
    expect(p.eligibleAt(a, host(12))).toBe(12 + 100);
    p.onDial(a, 112);
    p.onConnectFailure(a, 113, 'timeout');
    expect([a.failures, a.fruitless, a.unproductive, a.reachable, a.lastActive]).toEqual([1, 1, 2, false, 113]);
    p.onDial(a, 300);
    p.onHandshake(a, 301, true);
    p.onPieceData(a, 302);
    p.onClose(a, 400, { reason: 'idle', byUs: false, severity: 'normal', pieceBytes: 5, outgoing: true });
    expect([a.failures, a.fruitless, a.lastSeen, a.pieceDataAt]).toEqual([0, 0, 400, 302]);
    p.onClose(a, 401, { reason: 'banned', byUs: true, severity: 'peer_error', pieceBytes: 0, outgoing: false });
    expect(p.eligibleAt(a, host(500))).toBe(Infinity);
  });

  it('selects at most perPulse eligible peers, least recently attempted first, and sleeps until the next is due', () => {
    const p = make();
    for (const r of [1, 2, 3]) p.learn(r, Source.Tracker, {}, 0);
    const out = new Int32Array(10);
    const r1 = p.get(1) as HistoryRecord;
    p.onDial(r1, 1);
    p.onConnectFailure(r1, 2, 'refused');
    expect(p.select(host(3), 10, out)).toBe(2);
    expect([...out.slice(0, 2)]).toEqual([2, 3]);
    for (const r of [2, 3]) p.onDial(p.get(r) as HistoryRecord, 3);
    // Peer 1 failed at 2 (no fruitless connection): due at 2 + 10; 2 and 3 are in use.
    expect(p.nextWake?.(host(3))).toBe(12);
    expect(p.select(host(11.9), 10, out)).toBe(0);
    expect(p.select(host(12), 10, out)).toBe(1);
  });

  it('rejects a rule without eligibleAt', () => {
    expect(() => definePolicy({ name: 'x' } as never)).toThrow(/eligibleAt/);
  });
});

describe(`the example ${EXAMPLE} through the CLI`, () => {
  let dir = '';
  beforeAll(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'swarmsim-define-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is at most 40 lines of JavaScript', () => {
    const text = readFileSync(join(ROOT, EXAMPLE), 'utf8');
    expect(text.trimEnd().split('\n').length).toBeLessThanOrEqual(40);
  });

  it('explain shows 20·3^k after k fruitless connections and 6 h for a seed once done', () => {
    const r = swarmsim(['explain', EXAMPLE]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const row = (label: string): string[] => {
      const line = r.stdout.split('\n').find((l) => l.startsWith(label));
      expect(line, label).toBeDefined();
      return (line as string).slice(label.length).trim().split(/\s+/);
    };
    expect(row('fruitless connection, remote closed')).toEqual(['0', '60', '180', '540', '1620', '4860', '14580', '43740', '131220']);
    expect(row('seed seen on a connection (have-all), we closed')).toEqual(['21600', '21600']);
    const slower = swarmsim(['explain', `${EXAMPLE}:base=10,growth=2`]);
    expect(slower.stdout).toMatch(/fruitless connection, remote closed\s+0\s+20\s+40\s+80\s/);
  });

  /** Rows of connections.csv as objects. */
  function rows(file: string): Record<string, string>[] {
    const [head, ...lines] = readFileSync(file, 'utf8').trimEnd().split('\n');
    const cols = (head as string).split(',');
    return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
  }

  it('in a run, no subject re-dials a peer before 20·3^k s after k fruitless connections', () => {
    // Subjects never finish (a 20 GiB torrent), so only the fruitless rule applies; peers that
    // drop after the handshake make fruitless connections.
    const out = join(dir, 'waits');
    const r = swarmsim([
      'run', 'scenarios/misbehaving-clients.yaml', '--policy', EXAMPLE, '--reps', '1', '--duration', '40m', '--out', out,
      '--no-report', '--quiet', '--set', 'torrent.size=20GiB', '--set', 'torrent.piece_size=8MiB',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const byPair = new Map<string, Record<string, string>[]>();
    for (const c of rows(join(out, 'connections.csv'))) {
      if (c.from_group !== 'subject' && c.to_group !== 'subject') continue;
      const s = c.from_group === 'subject' ? c.from : c.to;
      const other = s === c.from ? c.to : c.from;
      const key = `${s}>${other}`;
      const list = byPair.get(key) ?? [];
      list.push(c);
      byPair.set(key, list);
      if (c.from_group === 'subject' && c.to_group === 'subject') {
        const back = `${c.to}>${c.from}`;
        byPair.set(back, [...(byPair.get(back) ?? []), c]);
      }
    }
    let redials = 0;
    let afterFruitless = 0;
    let tight = 0;
    for (const [key, list] of byPair) {
      const s = key.split('>')[0];
      const dials = list.filter((c) => c.from === s).sort((a, b) => Number(a.t_dial) - Number(b.t_dial));
      for (const d of dials) {
        const t = Number(d.t_dial);
        // The history as of this dial: every attempt or connection with the peer that ended before it.
        let last = -Infinity;
        let k = 0;
        const ended = list.filter((c) => c.t_close !== '' && Number(c.t_close) <= t && c !== d).sort((a, b) => Number(a.t_close) - Number(b.t_close));
        for (const c of ended) {
          // (The subject knows nothing of a remote's attempt that never reached it.)
          if (c.from !== s && c.t_connect === '') continue;
          if (c.from === s) last = Math.max(last, Number(c.t_dial));
          last = Math.max(last, Number(c.t_close));
          if (c.t_handshake === '') continue;
          const bytes = Number(c.bytes_from_to) + Number(c.bytes_to_from);
          const closedByS = (c.closed_by === 'from' ? c.from : c.to) === s;
          if (bytes > 0) k = 0;
          else if (!(closedByS && (c.close_reason === 'local_left' || c.close_reason === 'duplicate'))) k++;
        }
        if (last === -Infinity) continue;
        redials++;
        const due = last + 20 * 3 ** k;
        expect(t, `${key} dialled at ${t} after ${k} fruitless, last active ${last}`).toBeGreaterThanOrEqual(due - 1e-6);
        if (k > 0) afterFruitless++;
        if (k > 0 && t - due < 1) tight++;
      }
    }
    // The rule was exercised: re-dials after fruitless connections, some of them as soon as due.
    expect(afterFruitless).toBeGreaterThan(10);
    expect(tight).toBeGreaterThan(0);
    expect(redials).toBeGreaterThan(afterFruitless);
  }, 120_000);

  it('a done subject leaves known seeds alone for 6 h (and re-dials them at once with seedWait=0)', () => {
    // seed-heavy: the subjects are seeds from the start, as are most of the swarm.
    const seedRedials = (spec: string, name: string): number => {
      const out = join(dir, name);
      const r = swarmsim(['run', 'scenarios/seed-heavy.yaml', '--policy', spec, '--reps', '1', '--duration', '20m', '--out', out, '--no-report', '--quiet']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      // When each subject last closed a seed-to-seed connection with a seed (bitfields exchanged: both know).
      const all = rows(join(out, 'connections.csv'));
      const closed = new Map<string, number>();
      for (const c of all) {
        if (c.close_reason !== 'seed_seed') continue;
        const key = c.from_group === 'subject' ? `${c.from}>${c.to}` : `${c.to}>${c.from}`;
        closed.set(key, Math.min(closed.get(key) ?? Infinity, Number(c.t_close)));
      }
      let n = 0;
      for (const c of all) {
        if (c.from_group !== 'subject' || !c.to_group.endsWith('seeds')) continue;
        if (Number(c.t_dial) >= (closed.get(`${c.from}>${c.to}`) ?? Infinity)) n++;
      }
      return n;
    };
    expect(seedRedials(EXAMPLE, 'six-hours')).toBe(0);
    expect(seedRedials(`${EXAMPLE}:seedWait=0`, 'no-wait')).toBeGreaterThan(100);
  }, 120_000);
});
