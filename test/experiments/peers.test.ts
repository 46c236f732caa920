import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runExperiment } from '../../sim/experiments/experiment.js';
import { PEER_COLUMNS } from '../../sim/metrics/columns.js';
import { cleanupTempDirs, tempDir, TINY } from './helpers.js';

afterAll(cleanupTempDirs);

function rows(dir: string, name: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(join(dir, name), 'utf8').trimEnd().split('\n');
  const cols = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
}

const num = (v: string | undefined): number => Number(v);
const near = (a: number, b: number): void => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(b)) + 0.01);

describe('peers.csv', () => {
  it('holds one row per peer and run whose times and bytes agree with summary.csv and connections.csv', async () => {
    // tiny.yaml's leechers leave 20 s after completing, so departures show; 2 minutes, every connection traced.
    const f = join(tempDir(), 'tiny-leave.yaml');
    writeFileSync(f, readFileSync(TINY, 'utf8').replace('arrival: { uniform: [0, 60] } }', 'arrival: { uniform: [0, 60] }, stay: { fixed: 20s } }').replace('duration: 5m', 'duration: 2m'));
    const out = join(tempDir(), 'peers');
    await runExperiment({ scenario: f, out, reps: 2, jobs: 1, trace: { mode: 'all', reps: 'all' }, command: ['run', 'tiny-leave.yaml'] });
    const head = readFileSync(join(out, 'peers.csv'), 'utf8').split('\n')[0];
    expect(head).toBe(['scenario', 'policy', 'rep', 'seed', ...PEER_COLUMNS].join(','));
    const peers = rows(out, 'peers.csv');
    const summary = rows(out, 'summary.csv');
    const conns = rows(out, 'connections.csv');
    expect(summary).toHaveLength(4);
    expect(peers).toHaveLength(9 * summary.length);
    let departures = 0;
    for (const s of summary) {
      const same = (r: Record<string, string>) => r.policy === s.policy && r.rep === s.rep && r.seed === s.seed && r.scenario === s.scenario;
      const mine = peers.filter(same);
      expect(mine.map((p) => num(p.peer))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      expect(mine.map((p) => p.group)).toEqual(['subject', 'subject', 'others', 'others', 'others', 'others', 'leechers', 'leechers', 'leechers']);
      for (const p of mine) {
        expect(p.arrival).not.toBe('');
        if (p.role === 'seed') expect(p.completion).toBe('');
        else if (p.completion !== '') {
          expect(num(p.completion)).toBeGreaterThanOrEqual(num(p.arrival));
          if (p.departure !== '') {
            departures++;
            near(num(p.departure), num(p.completion) + 20);
          } else expect(num(p.completion) + 20).toBeGreaterThan(120 - 1e-6);
        }
        if (p.role === 'seed') expect(num(p.bytes_down)).toBe(0);
      }
      // Leechers' completions are those of completion_s (max) and convergence_s.
      const done = mine.filter((p) => p.completion !== '');
      expect(done.length).toBe(Math.round(num(s.swarm_completed_fraction) * 3));
      if (s.swarm_convergence_s !== '') near(Math.max(...done.map((p) => num(p.completion))), num(s.swarm_convergence_s));
      if (s.swarm_completion_s_max !== '') near(Math.max(...done.map((p) => num(p.completion) - num(p.arrival))), num(s.swarm_completion_s_max));
      // Every piece byte is sent once and received once; summary's piece_bytes counts closed
      // connections, the connections still open at the end hold the rest.
      const up = mine.reduce((a, p) => a + num(p.bytes_up), 0);
      const down = mine.reduce((a, p) => a + num(p.bytes_down), 0);
      expect(down).toBeGreaterThan(0);
      near(up, down);
      const open = conns.filter((c) => same(c) && c.outcome === 'open').reduce((a, c) => a + num(c.bytes_from_to) + num(c.bytes_to_from), 0);
      near(down, num(s.swarm_piece_bytes) + open);
      // connections: handshaked connections at either end.
      expect(mine.reduce((a, p) => a + num(p.connections), 0)).toBe(2 * num(s.swarm_handshakes));
      const subject = mine.filter((p) => p.group === 'subject');
      const subjectHandshakes = conns.filter((c) => same(c) && c.t_handshake !== '' && (c.from_group === 'subject' || c.to_group === 'subject'));
      expect(subject.reduce((a, p) => a + num(p.connections), 0)).toBeGreaterThanOrEqual(subjectHandshakes.length);
    }
    expect(departures).toBeGreaterThan(0);
  });
});
