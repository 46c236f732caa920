import { pathToFileURL } from 'node:url';
import { CONNECTION_COLUMNS, PEER_COLUMNS, SUMMARY_COLUMNS } from '../metrics/columns.js';
import { InputError } from '../input-error.js';
import type { Scenario } from '../scenario/schema.js';
import { csvLines, type Cell } from './format.js';
import { instantiate, type PolicyRef } from './policy-ref.js';
import { DISCARD_TRACE } from '../metrics/trace-sink.js';
import { TraceFile } from './trace-file.js';
import { isDiskFull } from './atomic.js';
import type { MetricValue, RunRequest, RunResult, TraceMode } from './run-types.js';
import type { StopRecord } from './stop-rule.js';

/**
 * One run as it travels to a worker thread (plain data) and the outcome that comes back. The
 * worker formats the CSV rows itself, so what crosses back is a few strings, not arrays of numbers.
 */
export interface RunTask {
  index: number;
  scenario: Scenario;
  policy: PolicyRef;
  rep: number;
  seed: number;
  trace: TraceMode;
  /** Cells before the metric columns of every row: scenario, policy, rep, seed, override values. */
  prefix: string[];
  /** Module exporting `runOne(req, clock)`; default the swarm model. Tests swap in a fake. */
  runner?: string;
  /**
   * Where a traced run writes its connections.csv rows as it goes (the journal's file for this
   * run); null drops them (nothing is written); absent keeps them in `connectionsCsv`.
   */
  traceFile?: string | null;
}

export interface RunOutcome {
  index: number;
  ok: boolean;
  /** One line saying why the run failed (deterministic: no stack, no timing). */
  error: string | null;
  /** The failure is the user's (a policy module that throws or breaks the seam), not a bug. */
  userError?: boolean;
  /** The run failed writing its trace to a full disk: the experiment stops (DiskFullError). */
  diskFull?: boolean;
  /** The run's thread reached its heap cap (RunTasksOptions.memoryMb): the experiment stops. */
  outOfMemory?: boolean;
  /** Keyed by SUMMARY_COLUMNS; null when the run failed. */
  summary: Record<string, MetricValue> | null;
  summaryCsv: string;
  timeseriesCsv: string;
  connectionsCsv: string;
  /** The run's peers.csv rows ('' when failed; absent in journals of older versions). */
  peersCsv?: string;
  /** Why and when the run ended, when its scenario has a stop rule (manifest.json). */
  stop?: StopRecord;
  /** The trace went to RunTask.traceFile (committed), not into connectionsCsv. */
  connectionsInFile?: boolean;
  events: number;
  wallSeconds: number;
}

type RunFn = (req: RunRequest, clock?: () => number) => RunResult;

const runners = new Map<string, Promise<RunFn>>();

function runnerFor(module: string | undefined): Promise<RunFn> {
  const key = module ?? '';
  let p = runners.get(key);
  if (!p) {
    p = (module ? import(pathToFileURL(module).href) : import('./run-one.js')).then((m: { runOne?: RunFn; default?: RunFn }) => {
      const fn = m.runOne ?? m.default;
      if (typeof fn !== 'function') throw new Error(`runner module ${module}: exports no runOne function`);
      return fn;
    });
    runners.set(key, p);
  }
  return p;
}

/** Runs one task to an outcome; never throws: a failing run is an outcome with ok = false. */
export async function executeTask(task: RunTask, clock: () => number): Promise<RunOutcome> {
  let started = clock();
  let file: TraceFile | undefined;
  try {
    const run = await runnerFor(task.runner);
    const { factory, params } = await instantiate(task.policy);
    // A run's wall time: the simulation and formatting its rows (module loading is start-up).
    started = clock();
    const req: RunRequest = {
      scenario: task.scenario,
      policy: task.policy.label,
      factory,
      params,
      rep: task.rep,
      seed: task.seed,
      trace: task.trace,
    };
    const to = task.traceFile;
    if (task.trace !== 'none' && to === null) req.traceSink = DISCARD_TRACE;
    else if (task.trace !== 'none' && typeof to === 'string') req.traceSink = file = new TraceFile(to, task.prefix, CONNECTION_COLUMNS.length);
    const result = run(req, clock);
    // A runner that keeps its rows (one that ignores traceSink) still has them written.
    if (req.traceSink) for (const row of result.connections) req.traceSink.row(row);
    const outcome = outcomeOf(task, result);
    if (file) {
      file.commit();
      file = undefined;
      outcome.connectionsInFile = true;
    }
    outcome.wallSeconds = clock() - started;
    return outcome;
  } catch (e) {
    file?.abort();
    return failedOutcome(task, e, clock() - started);
  }
}

export function outcomeOf(task: RunTask, r: RunResult): RunOutcome {
  const pre = task.prefix;
  const summary: Record<string, MetricValue> = {};
  const row: Cell[] = [...pre];
  for (const c of SUMMARY_COLUMNS) {
    const v = r.summary[c];
    const value = v === undefined || v === null || !Number.isFinite(v) ? null : v;
    summary[c] = value;
    row.push(value);
  }
  const ts = r.timeseries.map((t) => [...pre, ...t] as Cell[]);
  const conns = task.trace === 'none' || task.traceFile !== undefined ? [] : r.connections.map((c) => [...pre, ...c.slice(0, CONNECTION_COLUMNS.length)] as Cell[]);
  return {
    index: task.index,
    ok: true,
    error: null,
    summary,
    summaryCsv: csvLines([row]),
    timeseriesCsv: csvLines(ts),
    connectionsCsv: csvLines(conns),
    peersCsv: csvLines((r.peers ?? []).map((p) => [...pre, ...p.slice(0, PEER_COLUMNS.length)] as Cell[])),
    ...(r.stop ? { stop: { reason: r.stop.reason, time: r.stop.time } } : {}),
    events: r.events,
    wallSeconds: r.wallSeconds,
  };
}

export function failedOutcome(task: RunTask, e: unknown, wallSeconds: number): RunOutcome {
  return {
    index: task.index,
    ok: false,
    error: errorLine(e),
    ...(isUserFault(e) ? { userError: true } : {}),
    ...(isDiskFull(e) ? { diskFull: true } : {}),
    ...((e as { code?: string } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY' ? { outOfMemory: true } : {}),
    summary: null,
    summaryCsv: '',
    timeseriesCsv: '',
    connectionsCsv: '',
    peersCsv: '',
    events: 0,
    wallSeconds,
  };
}

/** A policy module's fault (PolicyModuleError and other InputErrors), as opposed to a model bug. */
export function isUserFault(e: unknown): boolean {
  if (e instanceof InputError) return true;
  const name = (e as { name?: string } | null)?.name;
  return name === 'PolicyModuleError' || name === 'InputError' || name === 'PolicySpecError';
}

/** `Name: first line of the message`, without stack or paths that vary between machines. */
export function errorLine(e: unknown): string {
  const err = e as { name?: string; message?: string };
  const msg = String(err?.message ?? e).split('\n')[0]!.trim();
  const name = err?.name && err.name !== 'Error' ? `${err.name}: ` : '';
  return `${name}${msg}`;
}
