import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, swarmsim } from '../cli/helpers.js';

/**
 * `npm run test:lab`: real libtorrent 2.0.8 and Transmission 3.00 seeds (Debian packages
 * python3-libtorrent and transmission-daemon) for 150 s in the lab's namespace, then ingest.
 * The redial loop this project exists for must show in the ingested metrics: libtorrent seeds
 * close each other with `upload to upload connection` and dial the same seed again about every
 * 60 s; Transmission counts each such connection as a failure of that peer (numFails).
 */
const FILE = join(import.meta.dirname, 'redial.yaml');

type Row = Record<string, string>;
function csv(file: string): Row[] {
  const [head, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const cols = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
}

describe('lab with Transmission 3.00 and libtorrent 2.0.8', () => {
  let dir = '';
  let lab = { status: 0 as number | null, stderr: '' };
  let ingest = { status: 0 as number | null, stderr: '' };
  beforeAll(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'swarmsim-lab-'));
    lab = swarmsim(['lab', FILE, '--out', join(dir, 'lab')]);
    ingest = swarmsim(['ingest', join(dir, 'lab'), '--out', join(dir, 'metrics')]);
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs and ingests every line', () => {
    expect(lab.status, lab.stderr).toBe(0);
    expect(ingest.status, ingest.stderr).toBe(0);
    expect(ingest.stderr).toMatch(/as real:libtorrent-2\.0\.8 rep 0: 5 logs, \d+ lines, 0 unparsed/);
  });

  it('shows wasted seed-to-seed handshakes repeated between the same pairs', () => {
    const s = csv(join(dir, 'metrics', 'summary.csv'))[0]!;
    expect(Number(s.subject_wasted_handshakes_seed_seed)).toBeGreaterThanOrEqual(4);
    expect(Number(s.subject_repeat_wasted)).toBeGreaterThanOrEqual(2);
    expect(Number(s.subject_useful_handshakes)).toBe(0);
  });

  it('libtorrent re-dials the same seed about every 60 s', () => {
    const conns = csv(join(dir, 'metrics', 'connections.csv'));
    const byPair = new Map<string, number[]>();
    for (const c of conns) {
      if (c.from_group !== 'subject' || !c.to_client!.startsWith('libtorrent')) continue;
      const k = `${c.from}>${c.to}`;
      byPair.set(k, [...(byPair.get(k) ?? []), Number(c.t_dial)]);
    }
    const gaps = [...byPair.values()].flatMap((ts) => ts.sort((a, b) => a - b).slice(1).map((t, i) => t - ts[i]!));
    expect(gaps.length).toBeGreaterThanOrEqual(2);
    const sorted = gaps.sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    expect(median).toBeGreaterThan(50);
    expect(median).toBeLessThan(75);
  });

  it('Transmission counts the libtorrent seeds\' connections as failures (numFails ≥ 2)', () => {
    const logs = join(dir, 'lab', 'logs');
    const text = readdirSync(logs)
      .filter((f) => f.endsWith('.transmission.log'))
      .map((f) => readFileSync(join(logs, f), 'latin1'))
      .join('\n');
    const fails = [...text.matchAll(/incremented atom \[198\.18\.0\.\d+\]:\d+ numFails to (\d+)/g)].map((m) => Number(m[1]));
    expect(Math.max(0, ...fails)).toBeGreaterThanOrEqual(2);
    const conns = csv(join(dir, 'metrics', 'connections.csv'));
    const wastedToTr = conns.filter((c) => c.to_client!.startsWith('transmission') && c.outcome === 'wasted');
    expect(wastedToTr.length).toBeGreaterThanOrEqual(2);
  });
});
