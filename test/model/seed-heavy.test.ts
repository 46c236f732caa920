import { describe, expect, it } from 'vitest';
import { runFile } from './run-helpers.js';

/**
 * The default scenario (scenarios/seed-heavy.yaml), the setting of Transmission #6910: the
 * subject seeds' reconnect loop under main-2023 against 4.1, with the same seeds (common random
 * numbers: the swarm they meet is the same).
 */
const FILE = 'scenarios/seed-heavy.yaml';

describe('seed-heavy default scenario', () => {
  const seeds = [1, 2];
  const results = seeds.map((seed) => ({
    main: runFile(FILE, 'transmission-main-2023', { seed, trace: 'none' }).summary,
    v41: runFile(FILE, 'transmission-4.1', { seed, trace: 'none' }).summary,
  }));

  it("main-2023's repeat_wasted for the subject is at least 5× 4.1's on the same seeds", () => {
    for (const { main, v41 } of results) {
      expect(main.subject_repeat_wasted!).toBeGreaterThanOrEqual(5 * v41.subject_repeat_wasted!);
      expect(main.subject_wasted_handshakes_seed_seed!).toBeGreaterThan(0.9 * main.subject_wasted_handshakes!);
    }
  });

  it('the policy changes churn, not the swarm the leechers see (common random numbers)', () => {
    for (const { main, v41 } of results) {
      expect(main.swarm_completed_fraction).toBe(1);
      expect(v41.swarm_completed_fraction).toBe(1);
      // Subject seeds are a small share of upload capacity: convergence moves by little.
      expect(Math.abs(main.swarm_convergence_s! - v41.swarm_convergence_s!) / v41.swarm_convergence_s!).toBeLessThan(0.1);
    }
  });
});
