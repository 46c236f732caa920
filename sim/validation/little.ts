import { TIMESERIES_METRICS } from '../metrics/columns.js';
import type { Scenario } from '../scenario/schema.js';
import { OccupancyObserver, perPeerOnline, perPeerTimes } from './occupancy.js';
import { runWith } from './run.js';

/**
 * §4 of validation.md, sample-path form: over a run [0, H], ∫x dt equals the sum over peers of
 * the time each spent as a leecher, and likewise for seeds. The integrals come from the observer
 * events; the per-peer sums from the peers' own arrival, completion and departure times; the
 * recorder's peer_seconds and its sampled leecher and seed counts are checked against both.
 */
export interface LittleResult {
  intLeechers: number;
  sumLeecherTime: number;
  intSeeds: number;
  sumSeedTime: number;
  /** The recorder's swarm_peer_seconds and Σ per-peer online time. */
  recorderPeerSeconds: number;
  sumOnlineTime: number;
  /** Sample instants where the recorder's swarm leechers/seeds differ from the observer's x/y. */
  sampleMismatches: number;
  samples: number;
  /** Largest |a − b| / max(1, |b|) over the three identities. */
  worstRelError: number;
  peers: number;
  completed: number;
  aborted: number;
}

export function checkLittle(s: Scenario, policy: string, seed: number): LittleResult {
  const obs = new OccupancyObserver();
  const r = runWith(s, policy, seed, [obs]);
  const H = s.duration;
  const per = perPeerTimes(r.swarm.peers, H);
  const online = perPeerOnline(r.swarm.peers, H);
  const peerSeconds = r.summary.swarm_peer_seconds ?? NaN;
  // The recorder's time series: [t, subject metrics…, swarm metrics…].
  const m = TIMESERIES_METRICS.length;
  const iSeeds = 1 + m + TIMESERIES_METRICS.indexOf('seeds');
  const iLeechers = 1 + m + TIMESERIES_METRICS.indexOf('leechers');
  let mismatches = 0;
  const ts = r.timeseriesRows;
  for (let k = 0; k < ts.length; k++) {
    const row = ts[k]!;
    const o = obs.samples[k];
    if (!o || o.t !== row[0] || o.x !== row[iLeechers] || o.y !== row[iSeeds]) mismatches++;
  }
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));
  return {
    intLeechers: obs.intX,
    sumLeecherTime: per.leecher,
    intSeeds: obs.intY,
    sumSeedTime: per.seed,
    recorderPeerSeconds: peerSeconds,
    sumOnlineTime: online,
    sampleMismatches: mismatches + Math.abs(obs.samples.length - ts.length),
    samples: ts.length,
    worstRelError: Math.max(rel(obs.intX, per.leecher), rel(obs.intY, per.seed), rel(peerSeconds, online)),
    peers: r.swarm.peers.filter((p) => p.arrivedAt >= 0).length,
    completed: r.swarm.peers.filter((p) => !p.startsAsSeed && p.completedAt >= 0).length,
    aborted: r.swarm.peers.filter((p) => p.aborted).length,
  };
}
