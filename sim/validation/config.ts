import type { WholeFileParams } from './flash-crowd.js';
import type { MissingPieceParams } from './hajek-zhu.js';
import type { FlashCrowdParams } from './kumar-ross.js';
import type { SteadyStateParams } from './qiu-srikant.js';

/**
 * The parameter sets of every validation, shared by test/validation (sized to run in well under
 * a minute of CPU) and scripts/validation.ts (more seeds and longer horizons, for the figures in
 * docs/validation.md). Sizes in bytes, rates in bytes/s unless a field says otherwise.
 */

export const PIECE = 65536;

// ---- §1 Kumar–Ross -----------------------------------------------------------------------------

/** Hard bound: one configuration per binding term, default network (latency, encryption). */
const krBase: FlashCrowdParams = { leechers: 20, pieces: 128, pieceSize: PIECE, seedUpload: 1e6, upload: 1e6, download: 5e6, idealNetwork: false };
export const KR_HARD: Record<'seed' | 'aggregate' | 'download', FlashCrowdParams> = {
  // u_s = u: F/u_s binds (N·F/((N + 1)u) is smaller).
  seed: krBase,
  // u_s = 4u: N·F/(u_s + N·u) = 20F/24u binds.
  aggregate: { ...krBase, seedUpload: 4e6 },
  // d = u/2: F/d binds.
  download: { ...krBase, download: 5e5 },
};
export const KR_HARD_SEEDS = [1, 2, 3];

/** Soft check: zero latency, no encryption, 512 pieces, every leecher connected to every other (N < peer limit). */
const krSoft: FlashCrowdParams = { leechers: 20, pieces: 512, pieceSize: PIECE, seedUpload: 1e6, upload: 1e6, download: 5e6, idealNetwork: true };
export const KR_SOFT: Record<'seed' | 'aggregate', FlashCrowdParams> = {
  seed: krSoft,
  aggregate: { ...krSoft, seedUpload: 4e6 },
};
export const KR_SOFT_LIMIT = 1.3;
export const KR_SOFT_POLICY = 'transmission-4.1';

// ---- §2 Qiu–Srikant ------------------------------------------------------------------------------

/** Download-limited: μ = 2c, so 1/μ − 1/γ < 1/c for any γ: T = 1/c = 100 s. */
export const QS_DOWNLOAD: SteadyStateParams = {
  lambda: 0.1,
  mu: 1 / 50,
  c: 1 / 100,
  gamma: 1 / 100,
  theta: 0,
  pieces: 256,
  pieceSize: PIECE,
  horizon: 8000,
  warmup: 1000,
};

/** Upload-limited: γ = 4μ, c = 10μ: 1/β = 1/μ − 1/γ = 150 s > 1/c = 20 s (140 s with the permanent seed). */
export const QS_UPLOAD: SteadyStateParams = {
  lambda: 0.1,
  mu: 1 / 200,
  c: 1 / 20,
  gamma: 1 / 50,
  theta: 0,
  pieces: 512,
  pieceSize: PIECE,
  horizon: 8000,
  warmup: 1000,
};

/**
 * Aborts (θ = 1/2000 s⁻¹, ~5 % of leechers) in the download-limited setting. The fluid model
 * treats a download as memoryless (completions c·x), so with a near-fixed download time D it
 * gives T = 1/(θ + c) where the sample path has E[min(D, abort)] = (1 − e^{−θD})/θ: 2.4 % apart
 * at θ = 1/2000, 4.7 % at 1/1000. A small θ keeps that modelling gap small beside the 15 %.
 */
export const QS_ABORT: SteadyStateParams = { ...QS_DOWNLOAD, theta: 1 / 2000 };

export const QS_TOLERANCE = 0.15;
export const QS_POLICY = 'transmission-4.1';

/** λ doubled; with `sameArrivals`, the measured span is halved so about as many arrivals count. */
export function doubled(p: SteadyStateParams, sameArrivals = false): SteadyStateParams {
  return { ...p, lambda: 2 * p.lambda, horizon: sameArrivals ? p.warmup + (p.horizon - p.warmup) / 2 : p.horizon };
}

// ---- §3 Hajek–Zhu ------------------------------------------------------------------------------

/** U_s = 1 piece/s; leechers upload 4 and download 40 pieces/s; 16 pieces of 64 KiB. */
const hz: MissingPieceParams = {
  seedPiecesPerSecond: 1,
  lambda: 0.8,
  pieces: 16,
  pieceSize: PIECE,
  leecherUpload: 4,
  leecherDownload: 40,
  stay: 0,
  horizon: 1500,
};
export const HZ_STABLE: MissingPieceParams = hz;
export const HZ_UNSTABLE: MissingPieceParams = { ...hz, lambda: 1.2, horizon: 400 };
/**
 * λ = 1.2·U_s with a seeding time after completion of 2 s: the time one of a peer's 8 upload
 * flows (u/8 each) takes to deliver one piece, i.e. "about one piece" in this model.
 */
export const HZ_SEEDING: MissingPieceParams = { ...hz, lambda: 1.2, stay: 2 };
/**
 * Growth rate (peers/s) above which the last-quarter means over H and 2H count as growing: half
 * of λ − U_s at λ = 1.2·U_s, fixed in advance and used for every case.
 */
export const HZ_GROWTH_THRESHOLD = 0.5 * (1.2 - 1) * hz.seedPiecesPerSecond;
export const HZ_POLICY = 'transmission-4.1';
export const HZ_OTHER_POLICY = 'transmission-main-2023';

// ---- §5 flash-crowd bounds ---------------------------------------------------------------------

/** One-piece torrent: F = 1 MiB, every node uploads 1 MiB/s, F/u = 1 s; N = 31 → bound 5 s. */
export const WHOLE_FILE: WholeFileParams = { leechers: 31, fileSize: 1 << 20, upload: 1 << 20 };

// ---- docs/validation.md (scripts/validation.ts): more seeds, longer horizons --------------------

export const DOCS = {
  krHardSeeds: [1, 2, 3, 4, 5],
  krSoftSeeds: [1, 2, 3, 4, 5, 6, 7, 8],
  qsSeeds: [1, 2, 3, 4],
  /** Horizon of the Qiu–Srikant runs at λ; at 2λ and 4λ the measured span shrinks so that about as many arrivals count. */
  qsHorizon: 16_000,
  hzStableSeeds: [1, 2, 3, 4],
  hzUnstableSeeds: [1, 2],
  /** H for λ = 0.8·U_s and for the seeding case (the unstable case keeps HZ_UNSTABLE.horizon: its cost grows with H²). */
  hzStableHorizon: 2000,
  hzOtherPolicies: ['transmission-main-2023', 'libtorrent-2.1', 'naive'],
  wholeFileSeeds: [1, 2, 3],
};
