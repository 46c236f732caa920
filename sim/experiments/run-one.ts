import { RandomStreams } from '../engine/random.js';
import { MetricsRecorder } from '../metrics/recorder.js';
import { buildPopulation } from '../model/population.js';
import type { SwarmObserver } from '../model/observer.js';
import { ObserverFanout } from '../model/observers.js';
import { Swarm } from '../model/swarm.js';
import { getPolicyFactory } from '../policies/registry.js';
import type { RunRequest, RunResult } from './run-types.js';

/**
 * Runs one simulation to its end. Deterministic: the result depends only on the request (the
 * one exception is wallSeconds, which goes to timing.json only).
 */
export function runOne(req: RunRequest, clock: () => number = () => 0): RunResult {
  const started = clock();
  const { swarm, recorder } = buildRun(req);
  swarm.run();
  const summary = recorder.finish(req.scenario.duration, swarm.conns);
  return {
    policy: req.policy,
    rep: req.rep,
    seed: req.seed,
    summary,
    timeseries: recorder.timeseries,
    connections: recorder.trace,
    events: swarm.env.eventsProcessed,
    wallSeconds: clock() - started,
  };
}

/** Builds the swarm and its recorder without running it (tests and benchmarks step it). */
export function buildRun(req: RunRequest, extra: readonly SwarmObserver[] = []): { swarm: Swarm; recorder: MetricsRecorder } {
  const s = req.scenario;
  const streams = new RandomStreams(req.seed);
  const pop = buildPopulation(s, streams, { factory: req.factory, params: req.params }, getPolicyFactory);
  const recorder = new MetricsRecorder(pop.peers, pop.groupNames, req.trace, s.duration, s.sample_interval, req.traceSink);
  const observer = extra.length === 0 ? recorder : new ObserverFanout([recorder, ...extra]);
  const swarm = new Swarm(s, pop.peers, pop.arrivals, streams, observer);
  swarm.stayOf = (p) => pop.stays[p.id]!;
  swarm.groupNames = pop.groupNames;
  return { swarm, recorder };
}
