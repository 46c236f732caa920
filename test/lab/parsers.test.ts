import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogEvent, LogParser } from '../../lab/ingest/events.js';
import { detectFormat } from '../../lab/ingest/ingest.js';
import { libtorrentParser } from '../../lab/ingest/libtorrent-log.js';
import { pairSides } from '../../lab/ingest/pair.js';
import { sidesOf } from '../../lab/ingest/sides.js';
import { transmissionParser } from '../../lab/ingest/transmission-log.js';
import { webtorrentParser } from '../../lab/ingest/webtorrent-log.js';

// Excerpts of real lab runs (namespace 198.18.0.0/24): 198.18.0.2-3 libtorrent 2.0.8 seeds,
// .4-.5 Transmission 3.00 seeds, .6 a WebTorrent 3.0.21 seed, .7-.9 leechers of each kind.
const FIX = join(import.meta.dirname, 'fixtures');
const read = (f: string): string => readFileSync(join(FIX, f), 'utf8');
const parse = (p: LogParser, f: string, seed: boolean, subject = 'me') => p.parse(read(f), { subject, tzOffsetMin: 0, seed });
const of = (events: LogEvent[], type: LogEvent['type']) => events.filter((e) => e.type === type);

describe('Transmission 3.00 deep log', () => {
  const r = parse(transmissionParser, 'transmission-3.00-seed.log', true);
  it('accounts for every line', () => {
    expect(r.lines).toBe(61);
    expect(r.used + r.ignored + r.unparsed).toBe(r.lines);
    expect(r.unparsed).toBe(0);
  });
  it('reads the incoming connection of a libtorrent seed, closed from the other end (socket error)', () => {
    const c = r.events.filter((e) => e.conn === 'me#1');
    expect(c.map((e) => e.type)).toEqual(['connected', 'handshake', 'close']);
    expect(c[0]).toMatchObject({ remote: '198.18.0.2', dir: 'in', t: Date.UTC(2026, 11, 3, 9, 1, 51, 231) / 1000 });
    expect(c[2]).toMatchObject({ closeReason: 'peer_left', byUs: false });
    expect(c[2]!.reason).toMatch(/ENOTCONN/);
  });
  it('reads outgoing attempts whose handshake is aborted as handshake failures', () => {
    const attempts = of(r.events, 'attempt');
    expect(attempts.map((e) => e.remote)).toEqual(['198.18.0.8', '198.18.0.8']);
    // the first is aborted 30 s later; the excerpt ends before the second one is
    expect(of(r.events, 'handshake_failed')).toHaveLength(1);
    expect(attempts[1]!.t - attempts[0]!.t).toBeCloseTo(30.059, 3);
  });
  it('turns a local-time stamp into Unix time with the lab offset', () => {
    const shifted = transmissionParser.parse(read('transmission-3.00-seed.log'), { subject: 'me', tzOffsetMin: -60, seed: true });
    expect(shifted.events[0]!.t).toBeCloseTo(r.events[0]!.t - 3600, 6);
  });
  it('counts a line in no known shape as unparsed, never drops it', () => {
    const bad = transmissionParser.parse(read('transmission-3.00-seed.log') + 'garbage without a stamp\n', { subject: 'me', tzOffsetMin: 0, seed: true });
    expect(bad.unparsed).toBe(1);
    expect(bad.unparsedSamples).toEqual(['garbage without a stamp']);
  });
  it('reads blocks and completion of a leecher', () => {
    const l = parse(transmissionParser, 'transmission-3.00-leecher.log', false);
    expect(of(l.events, 'piece').reduce((s, e) => s + e.bytes!, 0)).toBe(10 * 16384);
    expect(of(l.events, 'piece').every((e) => e.up === false)).toBe(true);
    expect(of(l.events, 'completed')).toHaveLength(1);
  });
});

describe('libtorrent 2.0.8 alerts', () => {
  const r = parse(libtorrentParser, 'libtorrent-2.0.8-seed.log', true);
  it('accounts for every line', () => {
    expect(r.lines).toBe(47);
    expect(r.used + r.ignored + r.unparsed).toBe(r.lines);
    expect(r.unparsed).toBe(0);
  });
  it('reads an outgoing seed-to-seed connection closed with upload to upload connection', () => {
    const c = r.events.filter((e) => e.conn === 'me#1');
    expect(c.map((e) => e.type)).toEqual(['attempt', 'connected', 'handshake', 'close']);
    expect(c[3]).toMatchObject({ remote: '198.18.0.4', reason: 'upload to upload connection', closeReason: 'seed_seed', byUs: true });
  });
  it('reads an incoming connection closed by the remote (End of file)', () => {
    const c = r.events.filter((e) => e.conn === 'me#2');
    expect(c.map((e) => e.type)).toEqual(['connected', 'handshake', 'close']);
    expect(c[2]).toMatchObject({ dir: 'in', remote: '198.18.0.3', closeReason: 'peer_left', byUs: false });
  });
  it('reads piece lengths in hex (l: 4000 is 16 KiB) and the finish', () => {
    const l = parse(libtorrentParser, 'libtorrent-2.0.8-leecher.log', false);
    const pieces = of(l.events, 'piece');
    expect(pieces).toHaveLength(10);
    expect(pieces[0]!.bytes).toBe(16384);
    expect(of(l.events, 'completed')).toHaveLength(1);
    expect(of(l.events, 'close')[0]).toMatchObject({ reason: 'torrent finished', closeReason: 'seed_seed' });
  });
});

describe('WebTorrent 3.0.21 lab events', () => {
  const r = parse(webtorrentParser('198.18.0.1'), 'webtorrent-3.0.21-seed.jsonl', true);
  it('leaves the tracker sockets out and parses every line', () => {
    expect(r.unparsed).toBe(0);
    expect(r.events.some((e) => e.remote === '198.18.0.1')).toBe(false);
  });
  it('shows the re-dial loop: the libtorrent seed handshakes, closes, and is dialled again about a second later', () => {
    const dials = of(r.events, 'attempt').filter((e) => e.remote === '198.18.0.2');
    expect(dials.length).toBeGreaterThanOrEqual(3);
    const gaps = dials.slice(1).map((d, i) => d.t - dials[i]!.t);
    for (const g of gaps) expect(g).toBeGreaterThan(0.9);
    for (const g of gaps) expect(g).toBeLessThan(2);
    const closes = of(r.events, 'close').filter((e) => e.remote === '198.18.0.2');
    expect(closes.every((e) => e.byUs === false)).toBe(true);
  });
});

describe('formats and pairing', () => {
  it('detects each format and refuses an unknown one', () => {
    expect(detectFormat('a', read('transmission-3.00-seed.log'), null).format).toBe('transmission-3.00-deep-log');
    expect(detectFormat('b', read('libtorrent-2.0.8-seed.log'), null).format).toBe('libtorrent-2.0-alerts');
    expect(detectFormat('c', read('webtorrent-3.0.21-seed.jsonl'), null).format).toBe('webtorrent-lab-events');
    expect(() => detectFormat('d.log', 'hello\nworld\n', null)).toThrow(/d\.log: unknown log format/);
  });
  it('joins the libtorrent dialler and the Transmission acceptor into one connection', () => {
    const lt = parse(libtorrentParser, 'libtorrent-2.0.8-seed.log', true, 'lt-seed-1').events;
    const tr = parse(transmissionParser, 'transmission-3.00-seed.log', true, 'tr-seed-1').events;
    const addr: Record<string, string> = { 'lt-seed-1': '198.18.0.2', 'lt-seed-2': '198.18.0.3', 'tr-seed-1': '198.18.0.4', 'tr-leech-1': '198.18.0.8' };
    const byIp = Object.fromEntries(Object.entries(addr).map(([k, v]) => [v, k]));
    const conns = pairSides([...sidesOf(lt), ...sidesOf(tr)], (ip) => byIp[ip], (id) => addr[id]);
    const c = conns.filter((x) => x.from === 'lt-seed-1' && x.to === 'tr-seed-1');
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({ outcome: 'wasted', closeReason: 'seed_seed', closedBy: 'from' });
    // the Transmission side of that connection is not counted again as a connection of its own
    expect(conns.filter((x) => x.to === 'tr-seed-1' && x.from === 'lt-seed-1')).toHaveLength(1);
  });
});
