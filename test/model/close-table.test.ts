import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { severityOf } from '../../sim/model/close-rules.js';
import { LIBTORRENT, TRANSMISSION } from '../../sim/model/client-kind.js';
import { CLOSE_REASONS, type CloseReason, type ReconnectPolicy, type SeenReason } from '../../sim/policies/policy.js';
import type { PeerInfo } from '../../sim/policies/peer-info.js';
import { getPolicyFactory } from '../../sim/policies/registry.js';
import { RqbitPolicy } from '../../sim/policies/clients/rqbit.js';
import { Source } from '../../sim/policies/source.js';
import { hostView } from '../policies/harness.js';

/** The `which`-th table (0-based) of docs/model.md's close-reason section: reason → column → cell. */
function closeTable(which = 0): { columns: string[]; rows: Map<string, string[]> } {
  const md = readFileSync(new URL('../../docs/model.md', import.meta.url), 'utf8');
  const start = md.indexOf('### Close reasons');
  const end = md.indexOf('\n#', start + 1);
  const section = md.slice(start, end < 0 ? undefined : end);
  const tables = section.split('\n\n').filter((b) => b.startsWith('|'));
  const lines = tables[which]!.split('\n').filter((l) => l.startsWith('|'));
  const cells = (l: string): string[] => l.split('|').slice(1, -1).map((c) => c.trim());
  const columns = cells(lines[0]!);
  const rows = new Map<string, string[]>();
  for (const l of lines.slice(2)) {
    const c = cells(l);
    rows.set(c[0]!.replace(/`/g, ''), c);
  }
  return { columns, rows };
}

const counter = (info: PeerInfo): number => {
  const r = info as unknown as { fails?: number; failcount?: number };
  return (r.fails ?? r.failcount)!;
};

/** What the policy's counter does on a fruitless close with `reason` as this end sees it. */
function effect(policy: ReconnectPolicy, reason: SeenReason, dropsUnrecorded: boolean): string {
  const info = policy.learn(1, Source.Tracker, {}, 0)!;
  policy.onDial(info, 100);
  if (dropsUnrecorded) {
    const before = counter(info);
    policy.onAbandoned!(info, 101);
    return counter(info) === before && !info.inUse ? 'untouched' : 'changed';
  }
  policy.onHandshake(info, 101, true);
  const before = counter(info);
  const decided = reason !== 'peer_left';
  policy.onClose(info, 102, {
    reason,
    byUs: decided,
    severity: decided ? severityOf(reason) : 'normal',
    pieceBytes: 0,
    outgoing: true,
  });
  if (policy.eligibleAt(info, hostView({ now: 1e6 })) === Infinity) return 'ban';
  const d = counter(info) - before;
  return d === 0 ? '=' : d === 1 ? '+1' : `${d}`;
}

describe('docs/model.md close-reason table', () => {
  const { columns, rows } = closeTable();

  it('lists every reason the model decides, plus peer_left, and nothing else', () => {
    expect([...rows.keys()].sort()).toEqual([...CLOSE_REASONS, 'peer_left'].sort());
  });

  const policies = columns.slice(3);
  it('has a column for every mirrored client with a fail counter', () => {
    expect(policies).toEqual(['transmission-4.0', 'transmission-main-2023', 'transmission-4.1', 'libtorrent-2.0', 'libtorrent-2.1', 'libtorrent-1.2.12']);
  });

  for (const [reason, cells] of rows) {
    for (let k = 0; k < policies.length; k++) {
      const name = policies[k]!;
      it(`${name}: ${reason} → ${cells[3 + k]}`, () => {
        const { factory, params } = getPolicyFactory(name);
        const policy = factory.create(params);
        const kind = factory.client === 'libtorrent' ? LIBTORRENT : TRANSMISSION;
        const unrecorded = reason === 'too_many_peers' && !kind.recordsRefusedHandshake;
        if (unrecorded) expect(typeof policy.onAbandoned).toBe('function');
        expect(effect(policy, reason as CloseReason, unrecorded)).toBe(cells[3 + k]);
      });
    }
  }
});

/** What a fruitless close with `reason` does to the next dial of a counter-less mirror. */
function nextDial(policy: ReconnectPolicy, reason: SeenReason): string {
  const info = policy.learn(1, Source.Tracker, {}, 0)!;
  const host = hostView({ now: 100 });
  expect(policy.select(host, 10, new Int32Array(10))).toBe(1);
  policy.onDial(info, 100);
  policy.onHandshake(info, 101, true);
  const decided = reason !== 'peer_left';
  policy.onClose(info, 102, { reason, byUs: decided, severity: decided ? severityOf(reason) : 'normal', pieceBytes: 0, outgoing: true });
  const at = policy.eligibleAt(info, hostView({ now: 1e6 }));
  if (at < Infinity) return `wait ${at - 102}`;
  policy.learn(1, Source.Tracker, {}, 200);
  return policy.get(1) !== undefined && policy.eligibleAt(policy.get(1)!, hostView({ now: 1e6 })) < Infinity ? 'relist' : 'never';
}

describe('docs/model.md next-dial table of the counter-less mirrors', () => {
  const { columns, rows } = closeTable(1);
  const policies = columns.slice(1);

  it('lists every reason and the reserve and backoff mirrors', () => {
    expect([...rows.keys()].sort()).toEqual([...CLOSE_REASONS, 'peer_left'].sort());
    expect(policies).toEqual(['biglybt', 'rqbit', 'anacrolix-torrent']);
  });

  for (const [reason, cells] of rows) {
    policies.forEach((name, k) => {
      it(`${name}: ${reason} → ${cells[1 + k]}`, () => {
        const { factory, params } = getPolicyFactory(name);
        // rqbit without jitter: the first wait is exactly its 10 s minimum.
        const policy = name === 'rqbit' ? new RqbitPolicy(false) : factory.create(params);
        expect(nextDial(policy, reason as SeenReason)).toBe(cells[1 + k]);
      });
    });
  }
});
