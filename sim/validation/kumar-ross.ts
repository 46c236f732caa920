import type { Scenario } from '../scenario/schema.js';
import { kumarRossHomogeneous, type KumarRossResult } from './closed-forms.js';
import { clientFor, runWith, scenario } from './run.js';

/**
 * §1 of validation.md: a flash crowd (one seed that stays, N leechers present at t = 0, all
 * staying) against the Kumar–Ross minimum distribution time.
 */
export interface FlashCrowdParams {
  /** N leechers. */
  leechers: number;
  pieces: number;
  /** Bytes per piece; F = pieces × pieceSize. */
  pieceSize: number;
  /** u_s, bytes/s. */
  seedUpload: number;
  /** u_i of every leecher, bytes/s. */
  upload: number;
  /** Download capacity of every leecher (and the seed), bytes/s. */
  download: number;
  /** Zero round-trip time and no encryption (the idealised network of the soft check); else the schema's defaults. */
  idealNetwork: boolean;
}

export function fileSize(p: { pieces: number; pieceSize: number }): number {
  return p.pieces * p.pieceSize;
}

export function kumarRossOf(p: FlashCrowdParams): KumarRossResult {
  return kumarRossHomogeneous(fileSize(p), p.seedUpload, p.leechers, p.upload, p.download);
}

/** The scenario: tracker answers list everyone; a horizon of 30 × T_min so convergence is reached. */
export function flashCrowdScenario(p: FlashCrowdParams, policy: string): Scenario {
  const client = clientFor(policy);
  return scenario({
    name: 'validation-kumar-ross',
    duration: Math.ceil(30 * kumarRossOf(p).tMin),
    torrent: { size: fileSize(p), piece_size: p.pieceSize },
    network: p.idealNetwork ? { rtt: { median: 0, min: 0, sigma: 0 }, encryption: false } : {},
    discovery: { tracker: { numwant: Math.max(50, p.leechers + 1) } },
    population: {
      seed: { count: 1, role: 'seed', upload: p.seedUpload, download: p.download, client },
      leechers: { count: p.leechers, role: 'leecher', upload: p.upload, download: p.download, client },
    },
    subject: 'leechers',
  });
}

export interface FlashCrowdResult {
  policy: string;
  seed: number;
  /** All-complete time (the recorder's swarm_convergence_s), null when not reached. */
  tSim: number | null;
  tMin: number;
  binding: KumarRossResult['binding'];
  ratio: number;
  /** Bytes the seed uploaded ÷ F by the end of the run. */
  seedCopies: number;
  events: number;
}

export function runFlashCrowd(p: FlashCrowdParams, policy: string, seed: number): FlashCrowdResult {
  const kr = kumarRossOf(p);
  const r = runWith(flashCrowdScenario(p, policy), policy, seed);
  const tSim = r.summary.swarm_convergence_s ?? null;
  return {
    policy,
    seed,
    tSim,
    tMin: kr.tMin,
    binding: kr.binding,
    ratio: tSim === null ? Infinity : tSim / kr.tMin,
    seedCopies: r.swarm.peers[0]!.pieceBytesUp / fileSize(p),
    events: r.events,
  };
}
