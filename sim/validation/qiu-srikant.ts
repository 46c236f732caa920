import type { Scenario } from '../scenario/schema.js';
import { qiuSrikant, type QiuSrikantResult } from './closed-forms.js';
import { OccupancyObserver } from './occupancy.js';
import { runWith, scenario } from './run.js';

/**
 * §2 of validation.md: Poisson arrivals at λ, exponential seeding time (mean 1/γ), exponential
 * abort time (mean 1/θ), per-peer upload μF and download cF, against the Qiu–Srikant steady
 * state. One permanent seed with upload μF keeps the file alive (without it a swarm whose
 * seeds all leave can lose a piece for good); its upload enters the closed form through the
 * derived `fixedSeedUpload` term, and it is not counted in the simulated seed count.
 */
export interface SteadyStateParams {
  /** Arrivals per second. */
  lambda: number;
  /** Per-peer upload ÷ F (files/s). */
  mu: number;
  /** Per-peer download ÷ F (files/s). */
  c: number;
  /** Seed departure rate (1/s). */
  gamma: number;
  /** Leecher abort rate (1/s); 0 = never. */
  theta: number;
  pieces: number;
  pieceSize: number;
  /** Simulated time (s). */
  horizon: number;
  /** Warm-up discarded from the time averages and from the arrivals whose download time counts (s). */
  warmup: number;
}

export function closedFormOf(p: SteadyStateParams): QiuSrikantResult {
  return qiuSrikant({ lambda: p.lambda, mu: p.mu, c: p.c, gamma: p.gamma, theta: p.theta, fixedSeedUpload: p.mu });
}

/** The quoted form without the permanent seed's term, for reference. */
export function quotedFormOf(p: SteadyStateParams): QiuSrikantResult {
  return qiuSrikant({ lambda: p.lambda, mu: p.mu, c: p.c, gamma: p.gamma, theta: p.theta });
}

export function steadyStateScenario(p: SteadyStateParams): Scenario {
  const F = p.pieces * p.pieceSize;
  const peer = { upload: p.mu * F, download: p.c * F };
  const cf = closedFormOf(p);
  return scenario({
    name: 'validation-qiu-srikant',
    duration: p.horizon,
    torrent: { size: F, piece_size: p.pieceSize },
    discovery: { tracker: { interval: 300 } },
    population: {
      // The permanent seed, and ȳ seeds at t = 0 that leave like every other seed: a start near
      // the steady state shortens the warm-up.
      origin: { count: 1, role: 'seed', ...peer },
      initial: { count: Math.round(cf.y), role: 'seed', ...peer, stay: { exponential: 1 / p.gamma } },
      peers: {
        count: 0,
        role: 'leecher',
        ...peer,
        arrival: { poisson: { rate: p.lambda * 3600 } },
        stay: { exponential: 1 / p.gamma },
        abort: p.theta > 0 ? { exponential: 1 / p.theta } : 'never',
      },
    },
    subject: 'peers',
  });
}

export interface SteadyStateResult {
  seed: number;
  /** Time-averaged leechers over [warmup, horizon]. */
  x: number;
  /** Time-averaged seeds over [warmup, horizon], the permanent seed excluded. */
  y: number;
  /** Mean time as a leecher (download time; an aborting leecher counts until it aborts) of arrivals in [warmup, horizon − tail]. */
  T: number;
  /** Mean download time of those that completed. */
  downloadTime: number;
  /** Arrivals per second over [warmup, horizon]. */
  lambdaRealised: number;
  /** Arrivals counted for T, and those still leeching at the end (censored; should be 0). */
  counted: number;
  censored: number;
  aborted: number;
  /** Completions per second over [warmup, horizon]: the seeds' throughput (Little: ȳ ≈ this × 1/γ). */
  completionRate: number;
  events: number;
}

export function runSteadyState(p: SteadyStateParams, policy: string, seed: number): SteadyStateResult {
  const s = steadyStateScenario(p);
  const obs = new OccupancyObserver([[p.warmup, p.horizon]]);
  const r = runWith(s, policy, seed, [obs]);
  const m = obs.windowMeans(0);
  const cf = closedFormOf(p);
  const tail = 6 * cf.T;
  const leechers = r.swarm.peers.filter((q) => !q.startsAsSeed);
  const counted = leechers.filter((q) => q.arrivedAt >= p.warmup && q.arrivedAt <= p.horizon - tail);
  let sum = 0;
  let dlSum = 0;
  let done = 0;
  let censored = 0;
  let aborted = 0;
  for (const q of counted) {
    if (q.completedAt >= 0) {
      sum += q.completedAt - q.arrivedAt;
      dlSum += q.completedAt - q.arrivedAt;
      done++;
    } else if (q.leftAt >= 0) {
      sum += q.leftAt - q.arrivedAt;
      aborted++;
    } else {
      sum += p.horizon - q.arrivedAt;
      censored++;
    }
  }
  return {
    seed,
    x: m.x,
    y: m.y - 1,
    T: sum / counted.length,
    downloadTime: dlSum / done,
    lambdaRealised: leechers.filter((q) => q.arrivedAt >= p.warmup).length / (p.horizon - p.warmup),
    counted: counted.length,
    censored,
    aborted,
    completionRate: leechers.filter((q) => q.completedAt >= p.warmup).length / (p.horizon - p.warmup),
    events: r.events,
  };
}
