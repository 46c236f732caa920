import { describe, expect, it } from 'vitest';
import {
  ceilLog2,
  flashCrowdChunksCeil,
  flashCrowdChunksFloor,
  flashCrowdMaxCompleted,
  flashCrowdWholeFile,
  floorLog2,
  hajekZhuGrowthRate,
  hajekZhuPrediction,
  kumarRoss,
  kumarRossHomogeneous,
  qiuSrikant,
  stabilityVerdict,
} from '../../sim/validation/closed-forms.js';
import { ci95, mean, sd, slope } from '../../sim/statistics.js';

/** Closed forms of shared/reference/validation.md, checked against hand-worked numbers. */

describe('Kumar–Ross T_min (§1)', () => {
  it('is the seed term F/u_s when every node uploads at u (flash crowd with equal rates)', () => {
    // F = 8e6 bits, u = 1e6 bit/s, N = 3, d = 4e6: seed 8, download 2, aggregate 3·8/4 = 6.
    const r = kumarRossHomogeneous(8e6, 1e6, 3, 1e6, 4e6);
    expect(r.terms).toEqual({ seed: 8, download: 2, aggregate: 6 });
    expect(r.tMin).toBe(8);
    expect(r.binding).toBe('seed');
    expect(r.clientServer).toBe(24);
  });

  it('is the aggregate term when the seed is fast: N·F/(u_s + Σu_i)', () => {
    // N = 20, u_s = 4u: aggregate 20F/24u > F/4u.
    const r = kumarRossHomogeneous(1, 4, 20, 1, 100);
    expect(r.binding).toBe('aggregate');
    expect(r.tMin).toBeCloseTo(20 / 24, 15);
    expect(r.terms.seed).toBe(0.25);
  });

  it('is the slowest downloader when one leecher is slow; heterogeneous uploads sum', () => {
    const r = kumarRoss({ fileSize: 10, seedUpload: 10, leecherUploads: [1, 2, 3], leecherDownloads: [100, 0.5, 100] });
    expect(r.terms).toEqual({ seed: 1, download: 20, aggregate: 30 / 16 });
    expect(r.binding).toBe('download');
  });

  it('reports ties and names the first tied term as binding', () => {
    // N = 2, u_s = 2, u = 1: seed F/2, aggregate 2F/4.
    const r = kumarRossHomogeneous(1, 2, 2, 1, 10);
    expect(r.tied).toEqual(['seed', 'aggregate']);
    expect(r.binding).toBe('seed');
  });

  it('rejects an empty swarm or mismatched rate lists', () => {
    expect(() => kumarRoss({ fileSize: 1, seedUpload: 1, leecherUploads: [], leecherDownloads: [] })).toThrow();
    expect(() => kumarRoss({ fileSize: 1, seedUpload: 1, leecherUploads: [1], leecherDownloads: [] })).toThrow();
  });
});

/** RK4 integration of the Qiu–Srikant ODEs to check the derived steady state. */
function integrate(p: { lambda: number; mu: number; c: number; gamma: number; theta: number; eta: number; mu0?: number }, horizon: number, dt: number) {
  const f = (x: number, y: number): [number, number] => {
    const done = Math.min(p.c * x, p.mu * (p.eta * x + y) + (p.mu0 ?? 0));
    return [p.lambda - p.theta * x - done, done - p.gamma * y];
  };
  let x = 0;
  let y = 0;
  for (let t = 0; t < horizon; t += dt) {
    const [a1, b1] = f(x, y);
    const [a2, b2] = f(x + (dt / 2) * a1, y + (dt / 2) * b1);
    const [a3, b3] = f(x + (dt / 2) * a2, y + (dt / 2) * b2);
    const [a4, b4] = f(x + dt * a3, y + dt * b3);
    x += (dt / 6) * (a1 + 2 * a2 + 2 * a3 + a4);
    y += (dt / 6) * (b1 + 2 * b2 + 2 * b3 + b4);
  }
  return { x, y };
}

describe('Qiu–Srikant steady state (§2)', () => {
  it('download-limited: γ ≤ μ gives T = 1/c, x̄ = λT, ȳ = λ/γ', () => {
    const r = qiuSrikant({ lambda: 0.1, mu: 1 / 200, c: 1 / 100, gamma: 1 / 300 });
    expect(r.branch).toBe('download');
    expect(r.invBeta).toBeCloseTo(100, 12);
    expect(r.T).toBeCloseTo(100, 12);
    expect(r.x).toBeCloseTo(10, 12);
    expect(r.y).toBeCloseTo(30, 12);
  });

  it('upload-limited: 1/β = (1/η)(1/μ − 1/γ) when that exceeds 1/c', () => {
    const r = qiuSrikant({ lambda: 0.2, mu: 1 / 200, c: 1 / 20, gamma: 1 / 50 });
    expect(r.branch).toBe('upload');
    expect(r.invBeta).toBeCloseTo(150, 12);
    expect(r.T).toBeCloseTo(150, 12);
    expect(r.x).toBeCloseTo(30, 12);
    expect(r.y).toBeCloseTo(10, 12);
    // Little: x̄ = λT; balance: completions μ(x̄ + ȳ) = γȳ = λ.
    expect(r.x).toBeCloseTo(0.2 * r.T, 12);
    expect((r.x + r.y) / 200).toBeCloseTo(0.2, 12);
    const half = qiuSrikant({ lambda: 0.2, mu: 1 / 200, c: 1 / 20, gamma: 1 / 50, eta: 0.5 });
    expect(half.invBeta).toBeCloseTo(300, 12);
  });

  it('T does not depend on λ (scalability)', () => {
    const a = qiuSrikant({ lambda: 0.1, mu: 1 / 200, c: 1 / 20, gamma: 1 / 50 });
    const b = qiuSrikant({ lambda: 0.4, mu: 1 / 200, c: 1 / 20, gamma: 1 / 50 });
    expect(b.T).toBe(a.T);
    expect(b.x).toBeCloseTo(4 * a.x, 12);
  });

  it('with aborts: x̄ = λ/(β + θ), ȳ = λ/(γ(1 + θ/β)), T = 1/(θ + β)', () => {
    const r = qiuSrikant({ lambda: 0.2, mu: 1 / 200, c: 1 / 20, gamma: 1 / 50, theta: 1 / 600 });
    const beta = 1 / 150;
    expect(r.x).toBeCloseTo(0.2 / (beta + 1 / 600), 10);
    expect(r.y).toBeCloseTo(0.2 / ((1 / 50) * (1 + 1 / 600 / beta)), 10);
    expect(r.T).toBeCloseTo(1 / (beta + 1 / 600), 10);
  });

  it('agrees with a numerical integration of the ODEs in both branches, with and without aborts', () => {
    const cases = [
      { lambda: 0.1, mu: 1 / 200, c: 1 / 100, gamma: 1 / 300, theta: 0, eta: 1 },
      { lambda: 0.2, mu: 1 / 200, c: 1 / 20, gamma: 1 / 50, theta: 0, eta: 1 },
      { lambda: 0.2, mu: 1 / 200, c: 1 / 20, gamma: 1 / 50, theta: 1 / 600, eta: 0.8 },
      { lambda: 0.5, mu: 1 / 100, c: 1 / 150, gamma: 1 / 40, theta: 1 / 1000, eta: 1 },
    ];
    for (const p of cases) {
      const r = qiuSrikant(p);
      const s = integrate(p, 40_000, 0.5);
      expect(s.x / r.x).toBeCloseTo(1, 6);
      expect(s.y / r.y).toBeCloseTo(1, 6);
    }
  });

  it('a permanent seed (derived extension) lowers the upload-limited x̄ by μ₀/(ημ) and matches the ODEs', () => {
    const p = { lambda: 0.2, mu: 1 / 200, c: 1 / 20, gamma: 1 / 50, theta: 0, eta: 1 };
    const r = qiuSrikant({ ...p, fixedSeedUpload: 1 / 200 });
    expect(r.branch).toBe('upload');
    expect(r.x).toBeCloseTo(29, 10);
    expect(r.y).toBeCloseTo(10, 10);
    expect(r.T).toBeCloseTo(145, 10);
    const s = integrate({ ...p, mu0: 1 / 200 }, 40_000, 0.5);
    expect(s.x / r.x).toBeCloseTo(1, 6);
    // Download branch unaffected by the permanent seed.
    const d = qiuSrikant({ lambda: 0.1, mu: 1 / 200, c: 1 / 100, gamma: 1 / 300, fixedSeedUpload: 1 / 200 });
    expect(d.branch).toBe('download');
    expect(d.T).toBeCloseTo(100, 10);
  });

  it('rejects parameters outside the model', () => {
    expect(() => qiuSrikant({ lambda: 0, mu: 1, c: 1, gamma: 1 })).toThrow();
    expect(() => qiuSrikant({ lambda: 1, mu: 1, c: 1, gamma: 1, eta: 1.5 })).toThrow();
  });
});

describe('flash-crowd bounds (§5)', () => {
  it('N = 3, C = 1: whole file and floor form give 2F/u, the ceiling form overstates with 3F/u', () => {
    expect(flashCrowdWholeFile(1, 1, 3)).toBe(2);
    expect(flashCrowdChunksFloor(1, 1, 3, 1)).toBe(2);
    expect(flashCrowdChunksCeil(1, 1, 3, 1)).toBe(3);
  });

  it('the floor form reduces to the whole-file result at C = 1 for every N (⌊log₂N⌋ + 1 = ⌈log₂(N + 1)⌉)', () => {
    for (let n = 1; n <= 300; n++) expect(flashCrowdChunksFloor(8, 2, n, 1)).toBe(flashCrowdWholeFile(8, 2, n));
  });

  it('powers of two: floor and ceiling forms agree; C → ∞ tends to F/u (Kumar–Ross seed term)', () => {
    expect(flashCrowdChunksFloor(1, 1, 8, 4)).toBe(1.75);
    expect(flashCrowdChunksCeil(1, 1, 8, 4)).toBe(1.75);
    expect(flashCrowdChunksFloor(1, 1, 1000, 1e12)).toBeCloseTo(1, 10);
    expect(flashCrowdWholeFile(1e6, 1e5, 7)).toBe(30);
    expect(flashCrowdWholeFile(1e6, 1e5, 8)).toBe(40);
  });

  it('completed leechers at time t ≤ 2^⌊tu/F⌋ − 1', () => {
    expect(flashCrowdMaxCompleted(10, 1, 9.99)).toBe(0);
    expect(flashCrowdMaxCompleted(10, 1, 10)).toBe(1);
    expect(flashCrowdMaxCompleted(10, 1, 25)).toBe(3);
    expect(flashCrowdMaxCompleted(10, 1, 30)).toBe(7);
  });

  it('exact integer logarithms', () => {
    expect([1, 2, 3, 4, 5, 8, 9].map(ceilLog2)).toEqual([0, 1, 2, 2, 3, 3, 4]);
    expect([1, 2, 3, 4, 5, 8, 9].map(floorLog2)).toEqual([0, 1, 1, 2, 2, 3, 3]);
    expect(() => ceilLog2(0)).toThrow();
    expect(() => floorLog2(2.5)).toThrow();
  });
});

describe('Hajek–Zhu verdict helpers (§3)', () => {
  it('predicts stable iff U_s > λ, and the heuristic growth λ − U_s', () => {
    expect(hajekZhuPrediction(0.8, 1)).toBe('stable');
    expect(hajekZhuPrediction(1.2, 1)).toBe('unstable');
    expect(hajekZhuPrediction(1, 1)).toBe('boundary');
    expect(hajekZhuGrowthRate(1.2, 1)).toBeCloseTo(0.2, 12);
    expect(hajekZhuGrowthRate(0.8, 1)).toBe(0);
  });

  it('calls a linearly growing count unstable and a flat one stable', () => {
    // x(t) = x0 + r t: last-quarter means x0 + r·7H/8 and x0 + r·14H/8, whatever the offset x0.
    const r = 0.05;
    const H = 4000;
    for (const x0 of [0, 150]) {
      const grow = stabilityVerdict({ lastQuarterH: x0 + (r * 7 * H) / 8, lastQuarter2H: x0 + (r * 14 * H) / 8, horizon: H }, r / 2);
      expect(grow.verdict).toBe('unstable');
      expect(grow.growth).toBeCloseTo(r, 12);
    }
    expect(stabilityVerdict({ lastQuarterH: 0.05 * 3500, lastQuarter2H: 0.05 * 7000, horizon: H }, 0.025).ratio).toBeCloseTo(2, 12);
    // Flat within noise: 12 → 13.5 peers over 3500 s is 0.0004 peers/s.
    expect(stabilityVerdict({ lastQuarterH: 12, lastQuarter2H: 13.5, horizon: H }, r / 2).verdict).toBe('stable');
    expect(stabilityVerdict({ lastQuarterH: 60, lastQuarter2H: 20, horizon: H }, r / 2).verdict).toBe('stable');
  });
});

describe('statistics helpers', () => {
  it('mean, sd, 95 % CI with Student t, slope', () => {
    const xs = [1, 2, 3, 4, 5];
    expect(mean(xs)).toBe(3);
    expect(sd(xs)).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(ci95(xs)).toBeCloseTo((2.7764451 * Math.sqrt(2.5)) / Math.sqrt(5), 6); // t(0.975, 4), exact
    expect(slope([0, 1, 2, 3], [1, 3, 5, 7])).toBeCloseTo(2, 12);
  });
});
