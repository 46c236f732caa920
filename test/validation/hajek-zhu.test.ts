import { describe, expect, it } from 'vitest';
import { hajekZhuGrowthRate, hajekZhuPrediction, stabilityVerdict } from '../../sim/validation/closed-forms.js';
import { HZ_GROWTH_THRESHOLD, HZ_OTHER_POLICY, HZ_POLICY, HZ_SEEDING, HZ_STABLE, HZ_UNSTABLE } from '../../sim/validation/config.js';
import { runMissingPiece, type MissingPieceParams } from '../../sim/validation/hajek-zhu.js';

/**
 * §3 of shared/reference/validation.md against the swarm model (the other sections are in
 * validation.test.ts); scripts/validation.ts runs it with more seeds for docs/validation.md.
 */

function verdictOf(p: MissingPieceParams, policy: string, seed: number) {
  const r = runMissingPiece(p, policy, seed);
  const v = stabilityVerdict({ lastQuarterH: r.lastQuarterH, lastQuarter2H: r.lastQuarter2H, horizon: p.horizon }, HZ_GROWTH_THRESHOLD);
  console.log(
    `Hajek–Zhu λ=${p.lambda} U_s=${p.seedPiecesPerSecond} stay=${p.stay} ${policy}/${seed}: last quarter H ${r.lastQuarterH.toFixed(1)}, 2H ${r.lastQuarter2H.toFixed(1)}, implied growth ${v.growth.toFixed(3)}/s, fitted over [H, 2H] ${r.growth.toFixed(3)}/s, missing share ${r.missingShare.toFixed(2)} → ${v.verdict}`,
  );
  return { r, v };
}

describe('§3 Hajek–Zhu: missing-piece stability with departure on completion', () => {
  it('λ = 0.8·U_s: the last-quarter leecher count does not grow with the horizon (stable)', () => {
    expect(hajekZhuPrediction(HZ_STABLE.lambda, HZ_STABLE.seedPiecesPerSecond)).toBe('stable');
    const { v } = verdictOf(HZ_STABLE, HZ_POLICY, 1);
    expect(v.verdict).toBe('stable');
  });

  it('λ = 1.2·U_s: it grows about linearly at ≈ λ − U_s, and most leechers lack the same piece (unstable)', () => {
    expect(hajekZhuPrediction(HZ_UNSTABLE.lambda, HZ_UNSTABLE.seedPiecesPerSecond)).toBe('unstable');
    const { r, v } = verdictOf(HZ_UNSTABLE, HZ_POLICY, 1);
    expect(v.verdict).toBe('unstable');
    expect(r.missingShare).toBeGreaterThan(0.5);
    const predicted = hajekZhuGrowthRate(HZ_UNSTABLE.lambda, HZ_UNSTABLE.seedPiecesPerSecond);
    expect(r.growth).toBeGreaterThan(0.5 * predicted);
    expect(r.growth).toBeLessThan(2 * predicted);
  });

  it(`another reconnect policy (${HZ_OTHER_POLICY}) does not flip the unstable verdict`, () => {
    expect(verdictOf(HZ_UNSTABLE, HZ_OTHER_POLICY, 1).v.verdict).toBe('unstable');
  });

  it('λ = 1.2·U_s with peers seeding ~one piece after completion: stable', () => {
    expect(verdictOf(HZ_SEEDING, HZ_POLICY, 1).v.verdict).toBe('stable');
  });

  it("a run's first H seconds do not depend on its horizon (so one 2H run gives both windows)", () => {
    const p = { ...HZ_UNSTABLE, horizon: 100 };
    const short = runMissingPiece(p, HZ_POLICY, 3, p.horizon);
    const long = runMissingPiece(p, HZ_POLICY, 3);
    expect(long.lastQuarterH).toBe(short.lastQuarterH);
  });
});

