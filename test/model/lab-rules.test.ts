import { describe, expect, it } from 'vitest';
import { runTraced, testScenario } from './run-helpers.js';

/**
 * The model rules the lab's real runs called for (docs/real-clients.md): a client that closes its
 * seed links on completion before the last `have` goes out (libtorrent 2.0.8; Transmission 3.00
 * without PEX), Transmission 3.00's refusal of a known seed and its plaintext retry.
 */
const tiny = { size: 64 * 1024, piece_size: 16 * 1024, public: false };

function seedAndLeecher(client: 'libtorrent' | 'transmission-3', policy: string) {
  return testScenario({
    duration: 200,
    torrent: tiny,
    discovery: { tracker: { interval: 60, min_interval: 60 }, pex: { enabled: false } },
    population: {
      subject: { count: 1, role: 'seed', client, policy },
      leecher: { count: 1, role: 'leecher', client, policy, arrival: { at: 5 }, download: 20000 },
    },
    policies: [policy],
  });
}

describe('the last have is lost on a link closed at completion', () => {
  it('libtorrent: the seed never learns the leecher completed and re-dials it 60 s after each close', () => {
    const r = runTraced(seedAndLeecher('libtorrent', 'libtorrent-2.0'), 'libtorrent-2.0');
    const dials = r.rows.filter((x) => x.from_group === 'subject').map((x) => Math.round(Number(x.t_dial)));
    const closedAt = Number(r.rows.find((x) => x.from_group === 'leecher')!.t_close);
    expect(dials.length).toBeGreaterThanOrEqual(2);
    expect(dials[0]! - closedAt).toBeGreaterThanOrEqual(59);
    expect(dials[0]! - closedAt).toBeLessThanOrEqual(62);
    expect(r.rows.filter((x) => x.from_group === 'subject').every((x) => x.outcome === 'wasted' && x.close_reason === 'seed_seed')).toBe(true);
  });

  it('Transmission 3.00 without PEX: the seed re-dials the completed leecher, which refuses it as a known seed; the plaintext retry is a connection of its own', () => {
    const r = runTraced(seedAndLeecher('transmission-3', 'transmission-3.0'), 'transmission-3.0');
    const out = r.rows.filter((x) => x.from_group === 'subject');
    expect(out.length).toBeGreaterThanOrEqual(2);
    expect(out.every((x) => x.outcome === 'handshake_failed')).toBe(true);
    // The dropped encrypted handshake and its plaintext retry start together; the first fails at the 30 s timeout.
    const [a, b] = [...out].sort((x, y) => Number(x.t_close) - Number(y.t_close));
    expect(Number(b!.t_close) - Number(b!.t_dial)).toBeCloseTo(0.05 + 30, 6); // TCP (1 RTT), then the handshake timeout
    expect(Number(a!.t_close)).toBe(Number(a!.t_dial));
    expect(Number(r.summary.subject_wasted_handshakes)).toBe(0);
  });
});
