import type { Scenario } from '../scenario/schema.js';
import { flashCrowdMaxCompleted, flashCrowdWholeFile, kumarRossHomogeneous } from './closed-forms.js';
import { clientFor, runWith, scenario } from './run.js';

/**
 * §5 of validation.md: one seed and N leechers at t = 0, every node uploading u, downloads not
 * limiting, a one-piece torrent (whole-file transfers, each from one source: a piece arrives on
 * one flow, and a flow cut short starts over). The model has no one-slot setting (every client
 * kind unchokes uploadSlots = 8 peers), so the doubling schedule the bound describes is not
 * reachable; the bounds still apply, because each node's upload stays ≤ u whatever it shares
 * (docs/validation.md §5 gives the argument).
 */
export interface WholeFileParams {
  leechers: number;
  /** F = one piece, bytes. */
  fileSize: number;
  /** Upload of every node, bytes/s. */
  upload: number;
}

export function wholeFileScenario(p: WholeFileParams, policy: string): Scenario {
  const client = clientFor(policy);
  const node = { upload: p.upload, download: 100 * p.upload, client };
  return scenario({
    name: 'validation-flash-crowd-whole-file',
    duration: Math.ceil(4 * p.leechers * (p.fileSize / p.upload)),
    torrent: { size: p.fileSize, piece_size: p.fileSize },
    network: { rtt: { median: 0, min: 0, sigma: 0 }, encryption: false },
    discovery: { tracker: { numwant: Math.max(50, p.leechers + 1) } },
    population: {
      seed: { count: 1, role: 'seed', ...node },
      leechers: { count: p.leechers, role: 'leecher', ...node },
    },
    subject: 'leechers',
  });
}

export interface WholeFileResult {
  policy: string;
  seed: number;
  tSim: number | null;
  /** (F/u)·⌈log₂(N + 1)⌉. */
  bound: number;
  /** Kumar–Ross T_min (F/u here). */
  tMin: number;
  /** Completions that came earlier than 2^⌊tu/F⌋ − 1 allows (must be 0). */
  countViolations: number;
  /** Sorted completion times. */
  completions: number[];
}

export function runWholeFile(p: WholeFileParams, policy: string, seed: number): WholeFileResult {
  const r = runWith(wholeFileScenario(p, policy), policy, seed);
  const completions = r.swarm.peers
    .filter((q) => !q.startsAsSeed && q.completedAt >= 0)
    .map((q) => q.completedAt)
    .sort((a, b) => a - b);
  let violations = 0;
  completions.forEach((t, k) => {
    if (k + 1 > flashCrowdMaxCompleted(p.fileSize, p.upload, t)) violations++;
  });
  return {
    policy,
    seed,
    tSim: r.summary.swarm_convergence_s ?? null,
    bound: flashCrowdWholeFile(p.fileSize, p.upload, p.leechers),
    tMin: kumarRossHomogeneous(p.fileSize, p.upload, p.leechers, p.upload, 100 * p.upload).tMin,
    countViolations: violations,
    completions,
  };
}
