import { describe, expect, it } from 'vitest';
import { listPolicies } from '../../sim/policies/registry.js';
import {
  doubled,
  HZ_STABLE,
  KR_HARD,
  KR_HARD_SEEDS,
  KR_SOFT,
  KR_SOFT_LIMIT,
  KR_SOFT_POLICY,
  QS_ABORT,
  QS_DOWNLOAD,
  QS_POLICY,
  QS_TOLERANCE,
  QS_UPLOAD,
  WHOLE_FILE,
} from '../../sim/validation/config.js';
import { runWholeFile } from '../../sim/validation/flash-crowd.js';
import { runFlashCrowd } from '../../sim/validation/kumar-ross.js';
import { checkLittle } from '../../sim/validation/little.js';
import { closedFormOf, runSteadyState, steadyStateScenario, type SteadyStateParams } from '../../sim/validation/qiu-srikant.js';
import { missingPieceScenario } from '../../sim/validation/hajek-zhu.js';
import { flashCrowdScenario } from '../../sim/validation/kumar-ross.js';
import { mean } from '../../sim/statistics.js';
import { relErr } from '../../sim/validation/closed-forms.js';

/**
 * The swarm model against the closed forms of shared/reference/validation.md (§3, Hajek–Zhu, is
 * hajek-zhu.test.ts, so the two halves run on both cores). Sized for about half a minute of CPU; scripts/validation.ts runs the same checks with more seeds and longer
 * horizons and writes docs/validation.md.
 */

const POLICIES = listPolicies().map((p) => p.name);

describe('§1 Kumar–Ross: a flash crowd never completes before T_min', () => {
  for (const [term, params] of Object.entries(KR_HARD)) {
    it(`${term} term binding: every built-in policy, seeds ${KR_HARD_SEEDS.join(', ')}`, () => {
      const lines: string[] = [];
      for (const policy of POLICIES) {
        for (const seed of KR_HARD_SEEDS) {
          const r = runFlashCrowd(params, policy, seed);
          expect(r.binding).toBe(term);
          expect(r.tSim, `${policy} seed ${seed} did not converge`).not.toBeNull();
          expect(r.tSim!, `${policy} seed ${seed}`).toBeGreaterThanOrEqual(r.tMin);
          lines.push(`${policy}/${seed}: ${r.ratio.toFixed(3)}`);
        }
      }
      console.log(`Kumar–Ross ${term} binding, T_sim/T_min: ${lines.join(', ')}`);
    });
  }

  it(`aggregate term binding, ideal network, 512 pieces: within ${KR_SOFT_LIMIT}× of T_min`, () => {
    const rs = [1, 2, 3].map((seed) => runFlashCrowd(KR_SOFT.aggregate, KR_SOFT_POLICY, seed));
    const ratio = mean(rs.map((r) => r.ratio));
    console.log(`Kumar–Ross soft (aggregate binds): ratios ${rs.map((r) => r.ratio.toFixed(3)).join(', ')}`);
    expect(rs.every((r) => r.ratio >= 1)).toBe(true);
    expect(ratio).toBeLessThanOrEqual(KR_SOFT_LIMIT);
  });

  // When the seed term binds the seed must send each piece about once: this holds only because
  // pickRarest breaks ties uniformly among the rarest (a coarser tie-break gave ~1.75×).
  it(`seed term binding, ideal network, 512 pieces: within ${KR_SOFT_LIMIT}× of T_min`, () => {
    const rs = [1, 2, 3].map((seed) => runFlashCrowd(KR_SOFT.seed, KR_SOFT_POLICY, seed));
    console.log(`Kumar–Ross soft (seed binds): ratios ${rs.map((r) => r.ratio.toFixed(3)).join(', ')}`);
    expect(rs.every((r) => r.ratio >= 1)).toBe(true);
    expect(mean(rs.map((r) => r.ratio))).toBeLessThanOrEqual(KR_SOFT_LIMIT);
  });
});

function expectSteadyState(p: SteadyStateParams, seeds: number[]) {
  const cf = closedFormOf(p);
  const rs = seeds.map((seed) => runSteadyState(p, QS_POLICY, seed));
  const x = mean(rs.map((r) => r.x));
  const y = mean(rs.map((r) => r.y));
  const T = mean(rs.map((r) => r.T));
  console.log(
    `Qiu–Srikant λ=${p.lambda} θ=${p.theta} (${cf.branch}-limited): x ${x.toFixed(2)}/${cf.x.toFixed(2)}, y ${y.toFixed(2)}/${cf.y.toFixed(2)}, T ${T.toFixed(1)}/${cf.T.toFixed(1)}`,
  );
  for (const r of rs) {
    expect(r.censored).toBe(0);
    // Little's law on the stationary run (§4 item 2): x̄ ≈ λ·T, ȳ ≈ throughput × 1/γ.
    expect(relErr(r.x, r.lambdaRealised * r.T)).toBeLessThanOrEqual(0.05);
    expect(relErr(r.y, r.completionRate / p.gamma)).toBeLessThanOrEqual(0.05);
  }
  expect(relErr(x, cf.x)).toBeLessThanOrEqual(QS_TOLERANCE);
  expect(relErr(y, cf.y)).toBeLessThanOrEqual(QS_TOLERANCE);
  expect(relErr(T, cf.T)).toBeLessThanOrEqual(QS_TOLERANCE);
  return { T, cf };
}

describe('§2 Qiu–Srikant: steady state of Poisson arrivals with exponential seeding', () => {
  for (const [name, p] of [
    ['download', QS_DOWNLOAD],
    ['upload', QS_UPLOAD],
  ] as const) {
    it(`${name}-limited: x̄, ȳ and T within ${QS_TOLERANCE * 100} %, T flat when λ doubles`, () => {
      expect(closedFormOf(p).branch).toBe(name);
      const one = expectSteadyState(p, [1, 2]);
      const two = expectSteadyState(doubled(p, true), [1]);
      expect(relErr(two.T, one.T)).toBeLessThanOrEqual(QS_TOLERANCE);
    });
  }

  it('with aborts (θ = 1/2000 s⁻¹, download-limited): x̄, ȳ and T within 15 %', () => {
    expectSteadyState(QS_ABORT, [1]);
  });
});

describe("§4 Little's law", () => {
  const cases = [
    ['steady state with aborts', steadyStateScenario({ ...QS_ABORT, horizon: 2500 })],
    ['departure on completion', missingPieceScenario(HZ_STABLE, 600)],
    ['flash crowd', flashCrowdScenario(KR_HARD.seed, QS_POLICY)],
  ] as const;
  for (const [name, s] of cases) {
    it(`sample path, ${name}: ∫x dt = Σ leecher time and ∫y dt = Σ seed time to floating-point precision`, () => {
      const r = checkLittle(s, QS_POLICY, 7);
      expect(r.peers).toBeGreaterThan(10);
      expect(Math.abs(r.intLeechers - r.sumLeecherTime)).toBeLessThanOrEqual(1e-9 * Math.max(1, r.sumLeecherTime));
      expect(Math.abs(r.intSeeds - r.sumSeedTime)).toBeLessThanOrEqual(1e-9 * Math.max(1, r.sumSeedTime));
      expect(Math.abs(r.recorderPeerSeconds - r.sumOnlineTime)).toBeLessThanOrEqual(1e-9 * Math.max(1, r.sumOnlineTime));
      expect(r.sampleMismatches).toBe(0);
    });
  }
  it('the steady-state run has aborted and completed leechers (the identity covers both)', () => {
    const r = checkLittle(cases[0][1], QS_POLICY, 7);
    expect(r.aborted).toBeGreaterThan(0);
    expect(r.completed).toBeGreaterThan(0);
  });
});

describe('§5 flash crowd, one-piece torrent (whole-file transfers from one source)', () => {
  it('all-complete time ≥ (F/u)·⌈log₂(N + 1)⌉ and completions by t ≤ 2^⌊tu/F⌋ − 1, every built-in policy', () => {
    const lines: string[] = [];
    for (const policy of POLICIES) {
      const r = runWholeFile(WHOLE_FILE, policy, 1);
      expect(r.tSim, policy).not.toBeNull();
      expect(r.tSim!, policy).toBeGreaterThanOrEqual(r.bound);
      expect(r.countViolations, policy).toBe(0);
      lines.push(`${policy}: ${(r.tSim! / r.bound).toFixed(2)}`);
    }
    console.log(`whole-file flash crowd, T_sim / bound (${WHOLE_FILE.leechers} leechers): ${lines.join(', ')}`);
  });
});
