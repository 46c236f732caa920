import { RandomStreams } from '../engine/random.js';
import { MetricsRecorder } from '../metrics/recorder.js';
import { buildPopulation } from '../model/population.js';
import type { SwarmObserver } from '../model/observer.js';
import { ObserverFanout } from '../model/observers.js';
import { Swarm } from '../model/swarm.js';
import { getPolicyFactory } from '../policies/registry.js';
import type { RunRequest, RunResult } from './run-types.js';
import { modelScenario, runWithStop } from './stop-rule.js';

/**
 * Runs one simulation to its end. Deterministic: the result depends only on the request (the
 * one exception is wallSeconds, which goes to timing.json only).
 */
export function runOne(req: RunRequest, clock: () => number = () => 0): RunResult {
  const started = clock();
  const { swarm, recorder } = buildRun(req);
  const stop = runWithStop(swarm, recorder, req.scenario);
  const summary = recorder.finish(stop ? stop.time : req.scenario.duration, swarm.conns);
  return {
    policy: req.policy,
    rep: req.rep,
    seed: req.seed,
    summary,
    timeseries: recorder.timeseries,
    connections: recorder.trace,
    peers: recorder.peerRows(),
    ...(stop ? { stop } : {}),
    events: swarm.env.eventsProcessed,
    wallSeconds: clock() - started,
  };
}

/**
 * Builds the swarm and its recorder without running it (tests and benchmarks step it). A stop
 * rule's `max` shorter than `duration` cuts the model's duration (modelScenario).
 */
export function buildRun(req: RunRequest, extra: readonly SwarmObserver[] = []): { swarm: Swarm; recorder: MetricsRecorder } {
  const s = modelScenario(req.scenario);
  const streams = new RandomStreams(req.seed);
  const pop = buildPopulation(s, streams, { factory: req.factory, params: req.params }, getPolicyFactory);
  const recorder = new MetricsRecorder(pop.peers, pop.groupNames, req.trace, s.sample_interval, req.traceSink);
  const observer = extra.length === 0 ? recorder : new ObserverFanout([recorder, ...extra]);
  const swarm = new Swarm(s, pop.peers, pop.arrivals, streams, observer);
  swarm.stayOf = (p) => pop.stays[p.id]!;
  swarm.groupNames = pop.groupNames;
  return { swarm, recorder };
}
