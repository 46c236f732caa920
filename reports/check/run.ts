import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ExperimentOptions, ExperimentResult } from '../../sim/experiments/experiment.js';
import { InputError } from '../../sim/input-error.js';
import { SUMMARY_COLUMNS } from '../../sim/metrics/columns.js';
import { writeFileAtomic } from '../fs-atomic.js';
import { loadBaseline, serializeBaseline, type Baseline, type ScenarioResults, type SuiteResults } from './baseline.js';
import { compareToBaseline, metricStats, type CheckReport } from './compare.js';
import { junit, markdown, textTable } from './format.js';
import { loadSuite, type Suite } from './suite.js';

/** `swarmsim check`: run a suite, compare with the baseline, write table / JUnit / step summary. */

export interface CheckOptions {
  suite: string;
  baseline: string;
  /** Write the baseline from this run instead of failing on differences. */
  update?: boolean;
  /** JUnit XML path. */
  junit?: string;
  /** Keep each scenario's outputs and report.html under OUT/<scenario name>/ (default: in memory only). */
  out?: string;
  jobs?: number;
  /** Markdown summary file to append to (the CLI passes $GITHUB_STEP_SUMMARY). */
  stepSummary?: string;
  stdout?: (s: string) => void;
  stderr?: (s: string) => void;
  /** The experiment runner (default: sim/experiments/experiment.ts runExperiment). */
  experiment?: (o: ExperimentOptions) => Promise<ExperimentResult>;
  /** Command line recorded in the outputs' manifest. */
  command?: string[];
}

export interface CheckOutcome {
  exitCode: 0 | 1 | 2;
  /** For exit 2 (stale baseline): the one-line message for stderr. */
  message?: string;
  report: CheckReport;
  results: SuiteResults;
}

async function defaultExperiment(o: ExperimentOptions): Promise<ExperimentResult> {
  const { runExperiment } = await import('../../sim/experiments/experiment.js');
  return runExperiment(o);
}

/** Runs every scenario of the suite with the suite's policies and collects per-slot metric statistics. */
export async function runSuite(suite: Suite, o: Pick<CheckOptions, 'out' | 'jobs' | 'experiment' | 'command'>): Promise<SuiteResults> {
  const experiment = o.experiment ?? defaultExperiment;
  const scenarios: Record<string, ScenarioResults> = {};
  let version = '';
  for (const sc of suite.scenarios) {
    const out = o.out ? join(o.out, sc.name) : null;
    const res = await experiment({
      scenario: sc.file,
      fixed: sc.set,
      policies: suite.policies.map((p) => p.spec),
      reps: sc.replications,
      seed: suite.seed,
      out,
      jobs: o.jobs ?? 1,
      cwd: dirname(resolve(suite.file)),
      command: o.command ?? ['swarmsim', 'check', suite.file],
      ...(out ? { trace: { mode: 'subject', reps: 'first' } as const } : {}),
    });
    version = res.plan.swarmsim;
    if (res.failures.length > 0) {
      const f = res.failures[0]!;
      const run = res.plan.runs[f.index]!;
      throw new InputError(`${suite.file}: scenario ${sc.name}: policy ${res.plan.policies[run.policy]!.label} rep ${run.rep} failed: ${f.error ?? 'unknown error'}`);
    }
    const policies: ScenarioResults['policies'] = {};
    suite.policies.forEach((p, pi) => {
      const runs = res.runs.filter((r) => res.plan.runs[r.index]!.policy === pi);
      const metrics: Record<string, ReturnType<typeof metricStats>> = {};
      for (const m of SUMMARY_COLUMNS) metrics[m] = metricStats(runs.map((r) => r.summary?.[m] ?? null));
      policies[p.slot] = { policy: res.plan.policies[pi]!.label, metrics };
    });
    scenarios[sc.name] = { scenario_sha256: res.plan.points[0]!.scenario_sha256, file: res.plan.scenario_file, replications: sc.replications, seed: suite.seed, policies };
    if (out) {
      const { writeReport } = await import('../report.js');
      await writeReport(out);
    }
  }
  return { swarmsim: version, suite: suite.name, scenarios };
}

/**
 * The whole check. Input problems (suite, baseline, scenario, policy) throw InputError before
 * anything is written; the result's exitCode is 0 pass, 1 regression, 2 stale baseline (with a message).
 */
export async function runCheck(o: CheckOptions): Promise<CheckOutcome> {
  const stdout = o.stdout ?? ((s: string) => void process.stdout.write(s));
  const stderr = o.stderr ?? ((s: string) => void process.stderr.write(s));
  const suite = loadSuite(o.suite);
  let baseline: Baseline | null = null;
  if (!o.update) baseline = loadBaseline(o.baseline);
  else if (existsSync(o.baseline)) {
    try {
      baseline = loadBaseline(o.baseline);
    } catch {
      baseline = null; // replaced anyway
    }
  }
  if (o.out) mkdirSync(o.out, { recursive: true });
  const results = await runSuite(suite, o);
  const report = compareToBaseline(suite, baseline, results);
  stdout(textTable(report));
  if (o.junit) writeFileAtomic(o.junit, junit(report, suite.name));
  if (o.stepSummary) {
    try {
      appendFileSync(o.stepSummary, markdown(report, suite.name));
    } catch (e) {
      stderr(`swarmsim check: cannot append to the step summary ${o.stepSummary}: ${(e as Error).message}\n`);
    }
  }
  if (o.update) {
    mkdirSync(dirname(resolve(o.baseline)), { recursive: true });
    writeFileAtomic(o.baseline, serializeBaseline(results));
    stdout(`baseline written: ${o.baseline}\n`);
    return { exitCode: 0, report, results };
  }
  if (report.exitCode === 2) {
    const message = `${o.baseline}: baseline does not match the suite (${report.changedScenarios.join(', ')} changed): review and accept with --update`;
    return { exitCode: 2, message, report, results };
  }
  return { exitCode: report.exitCode, report, results };
}
