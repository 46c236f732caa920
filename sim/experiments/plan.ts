import { dirname, resolve } from 'node:path';
import { InputError } from '../input-error.js';
import { getPolicyFactory } from '../policies/registry.js';
import { positionOf, resolveScenario, type Override, type ScenarioSource } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import { canonicalJson, hashOf } from './canonical.js';
import { formatNumber } from './format.js';
import { VERSION } from './package-info.js';
import { displayPath, resolvePolicy, type PolicyRef } from './policy-ref.js';
import type { TraceMode } from './run-types.js';
import type { RunTask } from './task.js';

/**
 * The run list of an experiment: grid points × policies × replications, in that order (rep
 * fastest), with seed = base seed + rep for every policy (common random numbers). Everything here
 * is validated before anything is run or written, and everything written into the output comes
 * from the plan's serialisable form (PlanFile), so shards, resumed sweeps and merges produce the
 * same bytes as one uninterrupted sweep.
 */

/** Which runs record connections.csv and for which peers. */
export interface TraceSpec {
  mode: TraceMode;
  /** 'first': replication 0 of every policy and point only; 'all': every run. */
  reps: 'first' | 'all';
}

export const NO_TRACE: TraceSpec = { mode: 'none', reps: 'first' };

/** One axis of a sweep grid. */
export interface GridAxis {
  path: string;
  values: unknown[];
  /** How messages name one value of the axis, e.g. `sweeps/a.yaml: grid population.leechers.count=50`. */
  origin?: (value: unknown) => string;
}

export interface PlanInput {
  kind: 'run' | 'sweep';
  source: ScenarioSource;
  /** Fixed overrides applied to every point (`--set`, `--duration`, a sweep's `set`). */
  fixed?: readonly Override[];
  grid?: readonly GridAxis[];
  /** Policy specs; default the scenario's `policies` (module paths relative to the scenario file). */
  policies?: readonly string[];
  /** Folder that module paths in `policies` are relative to (default the working directory). */
  policiesDir?: string;
  reps?: number;
  seed?: number;
  trace?: TraceSpec;
  /** The normalised command line recorded in manifest.json. */
  command?: readonly string[];
  /** The sweep file, if any (recorded in manifest.json). */
  sweepFile?: string;
  cwd?: string;
  /** Module exporting runOne (tests). */
  runner?: string;
}

export interface PlanPoint {
  index: number;
  /** Override column values as written to CSV cells. */
  cells: string[];
  /** Override column values as resolved (numbers in base units). */
  values: Record<string, unknown>;
  scenario_sha256: string;
  scenario: Scenario;
}

export interface PlanRun {
  index: number;
  point: number;
  policy: number;
  rep: number;
  seed: number;
  trace: TraceMode;
  /** Hash of everything the run's result depends on: a resumed sweep reuses a record only when it matches. */
  key: string;
}

export interface PlanPolicy {
  label: string;
  spec: string;
  kind: 'builtin' | 'module';
  module?: string;
  module_sha256?: string;
}

/** The serialisable plan: stored in OUT/.runs/plan.json; manifest.json is derived from it. */
export interface PlanFile {
  format: 1;
  swarmsim: string;
  kind: 'run' | 'sweep';
  command: string[];
  scenario_file: string;
  sweep_file?: string;
  scenario: string;
  columns: string[];
  policies: PlanPolicy[];
  replications: number;
  base_seed: number;
  trace: TraceSpec;
  points: PlanPoint[];
  runs: PlanRun[];
  runner?: string;
  /** sha256 of everything above. */
  hash: string;
}

export interface Plan {
  file: PlanFile;
  /** Resolved policies, by PlanRun.policy. */
  refs: PolicyRef[];
  /** Absolute path of the runner module (tests), if any. */
  runner?: string;
}

/** Builds and validates the whole run list; throws InputError before any side effect. */
export async function buildPlan(input: PlanInput): Promise<Plan> {
  const cwd = input.cwd ?? process.cwd();
  const fixed = input.fixed ?? [];
  const grid = input.grid ?? [];
  for (const axis of grid) {
    if (axis.values.length === 0) throw new InputError(`${axis.origin?.('') ?? `grid ${axis.path}`}: expected at least one value`);
  }
  const gridPaths = new Set(grid.map((a) => a.path));
  const columns: string[] = [];
  for (const o of fixed) if (!gridPaths.has(o.path) && !columns.includes(o.path)) columns.push(o.path);
  for (const a of grid) if (!columns.includes(a.path)) columns.push(a.path);

  // Cartesian product, last axis fastest.
  let combos: Override[][] = [[]];
  for (const axis of grid) {
    const next: Override[][] = [];
    for (const c of combos) {
      for (const v of axis.values) {
        const o: Override = { path: axis.path, parsed: v, origin: axis.origin?.(v) ?? `grid ${axis.path}=${JSON.stringify(v)}` };
        next.push([...c, o]);
      }
    }
    combos = next;
  }

  const points: PlanPoint[] = combos.map((combo, index) => {
    const overrides = [...fixed.filter((o) => !gridPaths.has(o.path)), ...combo];
    const { scenario } = resolveScenario(input.source, overrides);
    const values: Record<string, unknown> = {};
    const cells: string[] = [];
    for (const path of columns) {
      const o = [...overrides].reverse().find((x) => x.path === path)!;
      const v = resolvedAt(scenario, path, o);
      values[path] = v;
      cells.push(cellOf(v));
    }
    return { index, cells, values, scenario_sha256: hashOf(scenario), scenario };
  });
  const first = points[0]!.scenario;
  for (const pt of points) checkGroupPolicies(input.source, pt.scenario);

  const fromInput = input.policies !== undefined && input.policies.length > 0;
  const specs = fromInput ? [...input.policies!] : [...first.policies];
  const base = fromInput ? (input.policiesDir ?? cwd) : dirname(resolve(cwd, input.source.file));
  const refs: PolicyRef[] = [];
  for (const spec of specs) {
    const ref = await resolvePolicy(spec, cwd, base);
    if (refs.some((r) => r.label === ref.label)) throw new InputError(`--policy: ${ref.label} is listed twice`);
    refs.push(ref);
  }
  const reps = input.reps ?? first.replications;
  const baseSeed = input.seed ?? first.seed;
  if (!Number.isInteger(reps) || reps < 1) throw new InputError(`--reps: expected a whole number ≥ 1, got ${reps}`);
  if (!Number.isSafeInteger(baseSeed) || baseSeed < 0) throw new InputError(`--seed: expected a whole number ≥ 0, got ${baseSeed}`);
  const trace = input.trace ?? NO_TRACE;

  const policies: PlanPolicy[] = refs.map((r) => {
    const p: PlanPolicy = { label: r.label, spec: r.spec, kind: r.kind };
    if (r.module) p.module = displayPath(r.module, cwd);
    if (r.moduleHash) p.module_sha256 = r.moduleHash;
    return p;
  });
  const runner = input.runner ? displayPath(input.runner, cwd) : undefined;

  const runs: PlanRun[] = [];
  for (const pt of points) {
    for (let pi = 0; pi < refs.length; pi++) {
      for (let rep = 0; rep < reps; rep++) {
        const seed = baseSeed + rep;
        const t: TraceMode = trace.mode !== 'none' && (trace.reps === 'all' || rep === 0) ? trace.mode : 'none';
        const key = hashOf({ v: VERSION, scenario: pt.scenario_sha256, policy: policies[pi], rep, seed, trace: t, runner });
        runs.push({ index: runs.length, point: pt.index, policy: pi, rep, seed, trace: t, key });
      }
    }
  }

  const body: Omit<PlanFile, 'hash'> = {
    format: 1,
    swarmsim: VERSION,
    kind: input.kind,
    command: [...(input.command ?? [])],
    scenario_file: displayPath(input.source.file, cwd),
    ...(input.sweepFile ? { sweep_file: displayPath(input.sweepFile, cwd) } : {}),
    scenario: first.name ?? '',
    columns,
    policies,
    replications: reps,
    base_seed: baseSeed,
    trace,
    points,
    runs,
    ...(runner ? { runner } : {}),
  };
  const file: PlanFile = { ...body, hash: hashOf(body) };
  const plan: Plan = { file, refs };
  if (input.runner) plan.runner = input.runner;
  return plan;
}

/**
 * The policies of the non-subject groups must exist, too: a typo there is a user error before any
 * run, not a failure of every run.
 */
function checkGroupPolicies(src: ScenarioSource, scenario: Scenario): void {
  for (const [name, group] of Object.entries(scenario.population)) {
    if (name === scenario.subject || group.policy === undefined) continue;
    try {
      getPolicyFactory(group.policy);
    } catch (e) {
      const path = ['population', name, 'policy'];
      const pos = positionOf(src.doc.contents, { path, code: 'custom' }, src.lines);
      throw new InputError(`${src.file}${pos}: ${path.join('.')}: ${(e as Error).message}`);
    }
  }
}

/** The value a column shows for a point: the validated value at the path (in base units). */
function resolvedAt(scenario: Scenario, path: string, o: Override): unknown {
  let v: unknown = scenario;
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object') return o.parsed ?? o.value;
    v = (v as Record<string, unknown>)[k];
  }
  return v === undefined ? (o.parsed ?? o.value) : v;
}

function cellOf(v: unknown): string {
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return '';
  return canonicalJson(v);
}

/** The task of a planned run, ready for a worker. */
export function taskOf(plan: Plan, run: PlanRun): RunTask {
  const f = plan.file;
  const pt = f.points[run.point]!;
  const t: RunTask = {
    index: run.index,
    scenario: pt.scenario,
    policy: plan.refs[run.policy]!,
    rep: run.rep,
    seed: run.seed,
    trace: run.trace,
    prefix: [pt.scenario.name ?? f.scenario, f.policies[run.policy]!.label, String(run.rep), String(run.seed), ...pt.cells],
  };
  if (plan.runner) t.runner = plan.runner;
  return t;
}

/** Shard K of N (1-based): runs whose index ≡ K−1 (mod N), so every shard gets a mix of points and policies. */
export interface Shard {
  index: number;
  count: number;
}

export function shardRuns(runs: readonly PlanRun[], shard: Shard | undefined): PlanRun[] {
  if (!shard) return [...runs];
  return runs.filter((r) => r.index % shard.count === shard.index - 1);
}
