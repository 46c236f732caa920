/**
 * Closed forms that swarm-level validation compares the simulator against
 * (shared/reference/validation.md). Pure functions, no model imports: any consistent units
 * (bits and bits/s, or bytes and bytes/s, or files and files/s) as long as one call uses one.
 *
 * Each function says whether its result is quoted from the literature or derived for swarmsim,
 * as validation.md labels it.
 */

// ---- §1 Kumar & Ross (2006): minimum distribution time — quoted ---------------------------------

export type KumarRossTerm = 'seed' | 'download' | 'aggregate';

export interface KumarRossInput {
  /** File size F. */
  fileSize: number;
  /** Seed upload rate u_s. */
  seedUpload: number;
  /** Upload rate u_i of every leecher (length N). */
  leecherUploads: readonly number[];
  /** Download rate of every leecher (length N); the slowest is d_min. */
  leecherDownloads: readonly number[];
}

export interface KumarRossResult {
  /** T_min = max of the three terms. */
  tMin: number;
  terms: Record<KumarRossTerm, number>;
  /** The term equal to T_min (first in the order seed, download, aggregate when several tie). */
  binding: KumarRossTerm;
  /** Every term within 1e-12 (relative) of T_min. */
  tied: KumarRossTerm[];
  /** max{N·F/u_s, F/d_min}: the client-server distribution time, for comparison. */
  clientServer: number;
}

/** T_min = max{F/u_s, F/d_min, N·F/(u_s + Σu_i)} and which term binds (quoted, Kumar–Ross 2006). */
export function kumarRoss(i: KumarRossInput): KumarRossResult {
  const n = i.leecherUploads.length;
  if (n === 0 || i.leecherDownloads.length !== n) throw new Error('kumarRoss: need N ≥ 1 leechers with one upload and one download rate each');
  const F = i.fileSize;
  const dMin = Math.min(...i.leecherDownloads);
  const sumU = i.leecherUploads.reduce((s, u) => s + u, 0);
  const terms: Record<KumarRossTerm, number> = {
    seed: F / i.seedUpload,
    download: F / dMin,
    aggregate: (n * F) / (i.seedUpload + sumU),
  };
  const order: KumarRossTerm[] = ['seed', 'download', 'aggregate'];
  const tMin = Math.max(terms.seed, terms.download, terms.aggregate);
  const tied = order.filter((k) => Math.abs(terms[k] - tMin) <= 1e-12 * tMin);
  return { tMin, terms, binding: tied[0]!, tied, clientServer: Math.max((n * F) / i.seedUpload, F / dMin) };
}

/** Kumar–Ross for N identical leechers (upload u, download d). */
export function kumarRossHomogeneous(fileSize: number, seedUpload: number, n: number, u: number, d: number): KumarRossResult {
  return kumarRoss({ fileSize, seedUpload, leecherUploads: Array<number>(n).fill(u), leecherDownloads: Array<number>(n).fill(d) });
}

// ---- §2 Qiu & Srikant (2004): fluid model steady state — ODEs quoted, steady state derived ----

export interface QiuSrikantInput {
  /** Leecher arrival rate λ (peers/s). */
  lambda: number;
  /** Per-peer upload bandwidth ÷ F (files/s). */
  mu: number;
  /** Per-peer download bandwidth ÷ F (files/s). */
  c: number;
  /** Seed departure rate γ (1/s); mean seeding time 1/γ. */
  gamma: number;
  /** Leecher abort rate θ (1/s). Default 0. */
  theta?: number;
  /** Share of leecher upload capacity used, η ∈ (0, 1]. Default 1 (many pieces). */
  eta?: number;
  /**
   * Upload of seeds that never leave, ÷ F (files/s). Default 0 (the quoted model). Derived
   * extension for swarmsim runs that keep a permanent seed: it adds μ₀ to the completion flow
   * of the upload-limited branch, μ(ηx + y) + μ₀.
   */
  fixedSeedUpload?: number;
}

export type QiuSrikantBranch = 'download' | 'upload';

export interface QiuSrikantResult {
  /** Which constraint binds: c·x (download) or μ(ηx + y) (upload). */
  branch: QiuSrikantBranch;
  /** 1/β = max{1/c, (1/η)(1/μ − 1/γ)} (files/s)⁻¹, i.e. seconds. */
  invBeta: number;
  beta: number;
  /** Time-averaged leechers x̄. */
  x: number;
  /** Time-averaged seeds ȳ (departing seeds only; permanent seeds not counted). */
  y: number;
  /** Mean time as a leecher T (download time; aborts included when θ > 0). */
  T: number;
}

/**
 * Steady state of dx/dt = λ − θx − min{cx, μ(ηx + y)}, dy/dt = min{cx, μ(ηx + y)} − γy.
 * Derived (validation.md §2): 1/β = max{1/c, (1/η)(1/μ − 1/γ)}, x̄ = λ/(β + θ),
 * ȳ = λ/(γ(1 + θ/β)), T = 1/(θ + β). The download branch wins ties.
 *
 * With fixedSeedUpload μ₀ > 0 (derived here, not in the reference): the upload branch gives
 * x̄ = (λ(1 − μ/γ) − μ₀) / (ημ + θ(1 − μ/γ)), the download branch x̄ = λ/(c + θ); the larger
 * binds; ȳ = (λ − θx̄)/γ, T = x̄/λ. At μ₀ = 0 this is exactly the quoted form.
 */
export function qiuSrikant(i: QiuSrikantInput): QiuSrikantResult {
  const theta = i.theta ?? 0;
  const eta = i.eta ?? 1;
  const mu0 = i.fixedSeedUpload ?? 0;
  const { lambda, mu, c, gamma } = i;
  if (!(lambda > 0 && mu > 0 && c > 0 && gamma > 0 && eta > 0 && eta <= 1 && theta >= 0 && mu0 >= 0)) {
    throw new Error('qiuSrikant: need λ, μ, c, γ > 0, η ∈ (0, 1], θ ≥ 0, μ₀ ≥ 0');
  }
  const uploadTerm = (1 / eta) * (1 / mu - 1 / gamma);
  if (mu0 === 0) {
    const branch: QiuSrikantBranch = 1 / c >= uploadTerm ? 'download' : 'upload';
    const invBeta = Math.max(1 / c, uploadTerm);
    const beta = 1 / invBeta;
    return { branch, invBeta, beta, x: lambda / (beta + theta), y: lambda / (gamma * (1 + theta / beta)), T: 1 / (theta + beta) };
  }
  const xDown = lambda / (c + theta);
  const a = 1 - mu / gamma;
  const xUp = (lambda * a - mu0) / (eta * mu + theta * a);
  const branch: QiuSrikantBranch = xDown >= xUp ? 'download' : 'upload';
  const x = Math.max(xDown, xUp);
  const T = x / lambda;
  const beta = 1 / T - theta;
  return { branch, invBeta: 1 / beta, beta, x, y: (lambda - theta * x) / gamma, T };
}

// ---- §5 flash crowd — bounds derived -------------------------------------------------------

/** Whole file, holders double every F/u: T = (F/u)·⌈log₂(N + 1)⌉ (derived). */
export function flashCrowdWholeFile(fileSize: number, u: number, n: number): number {
  return (fileSize / u) * ceilLog2(n + 1);
}

/** C chunks, pipelined, floor form (preferred): T = (F/u)(1 + ⌊log₂ N⌋/C) (derived). */
export function flashCrowdChunksFloor(fileSize: number, u: number, n: number, chunks: number): number {
  return (fileSize / u) * (1 + floorLog2(n) / chunks);
}

/** C chunks, pipelined, ceiling form: T ≈ (F/u)(1 + ⌈log₂ N⌉/C); overstates when N is not a power of two (derived). */
export function flashCrowdChunksCeil(fileSize: number, u: number, n: number, chunks: number): number {
  return (fileSize / u) * (1 + ceilLog2(n) / chunks);
}

/**
 * Most leechers that can hold the whole file at time t when transfers are whole-file from one
 * source and every node uploads at most u in total: 2^⌊t·u/F⌋ − 1 (derived). Holds for any way a
 * node shares its upload among several downloads (proof in docs/validation.md §5), so it also
 * applies to swarmsim's multi-slot uploaders with one-piece torrents.
 */
export function flashCrowdMaxCompleted(fileSize: number, u: number, t: number): number {
  if (t < 0) return 0;
  const k = Math.floor((t * u) / fileSize + 1e-12);
  return 2 ** k - 1;
}

/** ⌈log₂ n⌉ for whole n ≥ 1, exact (no floating-point log). */
export function ceilLog2(n: number): number {
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`ceilLog2: expected a whole number ≥ 1, got ${n}`);
  let k = 0;
  while (2 ** k < n) k++;
  return k;
}

/** ⌊log₂ n⌋ for whole n ≥ 1, exact. */
export function floorLog2(n: number): number {
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`floorLog2: expected a whole number ≥ 1, got ${n}`);
  let k = 0;
  while (2 ** (k + 1) <= n) k++;
  return k;
}

// ---- §3 Hajek & Zhu: missing-piece stability — quoted ------------------------------------------

export type Stability = 'stable' | 'unstable';

/** Quoted: stable if U_s > λ, unstable if U_s < λ (undefined at equality). */
export function hajekZhuPrediction(lambda: number, seedPiecesPerSecond: number): Stability | 'boundary' {
  if (seedPiecesPerSecond > lambda) return 'stable';
  if (seedPiecesPerSecond < lambda) return 'unstable';
  return 'boundary';
}

/** Long-run growth rate of the leecher count in the unstable case, λ − U_s (derived, heuristic). */
export function hajekZhuGrowthRate(lambda: number, seedPiecesPerSecond: number): number {
  return Math.max(0, lambda - seedPiecesPerSecond);
}

export interface StabilityEvidence {
  /** Mean leecher count over the last quarter of a run of horizon H. */
  lastQuarterH: number;
  /** The same over a run of horizon 2H (same seed, so the first H is the same sample path). */
  lastQuarter2H: number;
  /** H in seconds. */
  horizon: number;
}

export interface StabilityVerdict {
  verdict: Stability;
  /** lastQuarter2H / lastQuarterH. */
  ratio: number;
  /** (lastQuarter2H − lastQuarterH) / (7H/8): the linear growth rate the two windows imply (peers/s); their midpoints are 7H/8 apart. */
  growth: number;
}

/**
 * Verdict from the last-quarter means over H and 2H: growing when the growth rate they imply
 * exceeds `threshold` (peers/s), flat otherwise. A count growing linearly at r from any
 * offset implies r; a stationary one implies 0 plus noise. Choose the threshold before
 * looking at the runs, the same for every case compared, e.g. half of the λ − U_s growth
 * expected in the unstable case, so that both verdicts have the same margin.
 */
export function stabilityVerdict(e: StabilityEvidence, threshold: number): StabilityVerdict {
  const ratio = e.lastQuarter2H / Math.max(e.lastQuarterH, 1e-9);
  const growth = (e.lastQuarter2H - e.lastQuarterH) / ((7 * e.horizon) / 8);
  return { verdict: growth > threshold ? 'unstable' : 'stable', ratio, growth };
}

/** |sim − theory| / theory. */
export function relErr(sim: number, theory: number): number {
  return Math.abs(sim - theory) / Math.abs(theory);
}
