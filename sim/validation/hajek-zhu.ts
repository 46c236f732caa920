import type { Scenario } from '../scenario/schema.js';
import { commonMissingPiece, OccupancyObserver } from './occupancy.js';
import { runWith, scenario } from './run.js';
import { slope } from '../statistics.js';

/**
 * §3 of validation.md: peers arrive empty at rate λ and leave when they complete (or after a
 * short seeding time); one fixed seed uploads U_s pieces/s. Hajek–Zhu: stable iff U_s > λ.
 */
export interface MissingPieceParams {
  /** U_s, pieces/s. */
  seedPiecesPerSecond: number;
  /** Arrivals per second. */
  lambda: number;
  pieces: number;
  pieceSize: number;
  /** Leecher upload capacity, pieces/s. */
  leecherUpload: number;
  /** Leecher download capacity, pieces/s. */
  leecherDownload: number;
  /** Seeding time after completion (s); 0 = depart on completion. */
  stay: number;
  /** H (s). One run over 2H gives both verdict windows: a run's first H seconds do not depend on its horizon. */
  horizon: number;
}

/** The scenario over `duration` (2H for the verdict). */
export function missingPieceScenario(p: MissingPieceParams, duration: number): Scenario {
  const B = p.pieceSize;
  return scenario({
    name: 'validation-hajek-zhu',
    duration,
    sample_interval: Math.max(1, p.horizon / 200),
    torrent: { size: p.pieces * B, piece_size: B },
    discovery: { tracker: { interval: 300 } },
    population: {
      seed: { count: 1, role: 'seed', upload: p.seedPiecesPerSecond * B, download: p.leecherDownload * B },
      peers: {
        count: 0,
        role: 'leecher',
        upload: p.leecherUpload * B,
        download: p.leecherDownload * B,
        arrival: { poisson: { rate: p.lambda * 3600 } },
        stay: { fixed: p.stay },
      },
    },
    subject: 'peers',
  });
}

export interface MissingPieceResult {
  seed: number;
  horizon: number;
  /** Mean leecher count over [3H/4, H] and over [7H/4, 2H]. */
  lastQuarterH: number;
  lastQuarter2H: number;
  /** Least-squares growth of the sampled leecher count over [H, 2H] (peers/s). */
  growth: number;
  /** At 2H: share of online leechers lacking the piece most of them lack. */
  missingShare: number;
  leechersAtEnd: number;
  /** (t, x) samples for plots and tables. */
  samples: { t: number; x: number }[];
  events: number;
}

/** Runs over 2H (or over `duration`, to check that the first H does not depend on the horizon). */
export function runMissingPiece(p: MissingPieceParams, policy: string, seed: number, duration = 2 * p.horizon): MissingPieceResult {
  const H = p.horizon;
  const s = missingPieceScenario(p, duration);
  const obs = new OccupancyObserver([
    [0.75 * H, H],
    [1.75 * H, 2 * H],
  ]);
  const r = runWith(s, policy, seed, [obs]);
  const late = obs.samples.filter((q) => q.t >= H);
  const miss = commonMissingPiece(r.swarm.peers, p.pieces);
  return {
    seed,
    horizon: H,
    lastQuarterH: obs.windowMeans(0).x,
    lastQuarter2H: duration >= 2 * H ? obs.windowMeans(1).x : NaN,
    growth: late.length >= 2 ? slope(late.map((q) => q.t), late.map((q) => q.x)) : NaN,
    missingShare: miss.share,
    leechersAtEnd: miss.leechers,
    samples: obs.samples.map((q) => ({ t: q.t, x: q.x })),
    events: r.events,
  };
}
