import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, swarmsim } from '../cli/helpers.js';

/**
 * One short lab run of real WebTorrent clients (about 30 s of real time), then ingest: the
 * clients find each other through the lab's tracker, the leechers complete, and every log line is
 * accounted for.
 */
const FILE = join(import.meta.dirname, 'fixtures', 'webtorrent-short.yaml');

describe('lab with WebTorrent (npm)', () => {
  let dir = '';
  let lab = { status: 0 as number | null, stderr: '' };
  beforeAll(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'swarmsim-lab-'));
    lab = swarmsim(['lab', FILE, '--out', join(dir, 'lab')]);
  }, 90_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs, stops by itself and writes lab.json with every client on an address of its own', () => {
    expect(lab.stderr).toMatch(/lab webtorrent-short: ok/);
    expect(lab.status).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'lab', 'lab.json'), 'utf8')) as { clients: { address: string; peer_id: string | null }[]; network: string; processes: { exit: unknown }[] };
    expect(m.clients).toHaveLength(4);
    const prefix = m.network === 'namespace' ? '198.18.0.' : '127.0.0.';
    expect(m.clients.every((c) => c.address.startsWith(prefix))).toBe(true);
    expect(new Set(m.clients.map((c) => c.address)).size).toBe(4);
    expect(m.clients.every((c) => c.peer_id !== null)).toBe(true);
    expect(m.processes.every((p) => p.exit !== null)).toBe(true);
  });

  it('ingests into the simulated columns: leechers complete, seeds handshake', () => {
    const r = swarmsim(['ingest', join(dir, 'lab'), '--out', join(dir, 'metrics'), '--interval', '10']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/as real:webtorrent-3\.0\.21 rep 0: 4 logs, \d+ lines, 0 unparsed/);
    const [header, row] = readFileSync(join(dir, 'metrics', 'summary.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const v = (k: string): number => Number(row![header!.indexOf(k)]);
    expect(v('swarm_completed_fraction')).toBe(1);
    expect(v('swarm_handshakes')).toBeGreaterThan(0);
    const conns = readFileSync(join(dir, 'metrics', 'connections.csv'), 'utf8').trim().split('\n');
    // WebTorrent keeps its connections open: piece bytes show in connections.csv (open rows);
    // the summary counts useful handshakes and piece bytes when a connection closes, as simulated runs do.
    const cols = conns[0]!.split(',');
    const bytes = conns.slice(1).map((l) => l.split(',')).reduce((s, c) => s + Number(c[cols.indexOf('bytes_from_to')]) + Number(c[cols.indexOf('bytes_to_from')]), 0);
    expect(bytes).toBeGreaterThanOrEqual(2 * 128 * 1024);
    expect(conns[0]).toBe('scenario,policy,rep,seed,t_dial,t_connect,t_handshake,t_close,from,to,from_group,to_group,from_client,to_client,outcome,close_reason,closed_by,bytes_from_to,bytes_to_from');
    expect(conns.length).toBeGreaterThan(1);
  });
});

describe('lab: missing clients and bad input', () => {
  it('names the Debian package of a missing client and exits 2', () => {
    assertBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'swarmsim-lab-'));
    try {
      const f = join(dir, 'tr.yaml');
      const text = 'duration: 10\ntorrent: { size: 64KiB, piece_length: 16KiB }\ngroups:\n  - { name: s, kind: transmission, count: 1, role: seed }\n';
      writeFileSync(f, text);
      const r = swarmsim(['lab', f, '--out', join(dir, 'out')], { env: { PATH: '/nonexistent' } });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/transmission-daemon is not installed.*apt-get install -y transmission-daemon/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('refuses a log in an unknown format with exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'swarmsim-ingest-'));
    try {
      writeFileSync(join(dir, 'lab.json'), JSON.stringify({ lab: 'x', start_ms: 0, end_ms: 1, duration_s: 1, tracker: { address: '198.18.0.1' }, clients: [{ id: 'a', group: 'g', kind: 'libtorrent', version: '2.0.8', role: 'seed', subject: true, address: '198.18.0.2', port: 1, logs: ['a.log'] }] }));
      writeFileSync(join(dir, 'a.log'), 'this is not a client log\n');
      const r = swarmsim(['ingest', dir, '--out', join(dir, 'out')]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/a\.log: unknown log format/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
