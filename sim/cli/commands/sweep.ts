import { dirname, join, resolve } from 'node:path';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { runExperiment } from '../../experiments/experiment.js';
import { parseShard, shardDirName } from '../../experiments/shard.js';
import { readSweepFile } from '../../experiments/sweep-file.js';
import { readScenarioFile } from '../../scenario/load.js';
import { finishExperiment } from '../finish.js';
import { experimentOptions, normalisedCommand, overridesOf, parseJobs, parseMaxMemory, parseTrace, splitPolicies, wholeNumber, type ExperimentArgs } from '../options.js';
import { handleInterrupts, progressReporter } from '../progress.js';
import { runnerHook } from './run.js';

interface SweepArgs extends ExperimentArgs {
  sweep: string;
  shard?: string;
  resume: boolean;
}

/** `swarmsim sweep <sweep-file>`: a grid of overrides × policies × replications. */
export const sweepCommand: CommandModule<object, SweepArgs> = {
  command: 'sweep <sweep>',
  describe: 'run a grid of scenario overrides × policies × replications (a sweep file)',
  builder: (y: Argv) =>
    experimentOptions(y)
      .positional('sweep', { type: 'string', describe: 'sweep file (YAML: base, grid, policies, replications, seed, set)', demandOption: true })
      .option('shard', {
        type: 'string',
        describe: 'run only shard K of N (K/N), or auto from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT or JOB_COMPLETION_INDEX/JOB_COMPLETIONS; output goes to OUT/shard-K-of-N',
        requiresArg: true,
      })
      .option('resume', { type: 'boolean', default: false, describe: 'skip runs already finished in OUT (after a crash or kill)' })
      .option('trace', { type: 'string', describe: 'connections.csv for every run: subject peers (--trace) or every peer (--trace all); default none' })
      .example('$0 sweep sweeps/leechers.yaml --jobs 8', '')
      .example('$0 sweep sweeps/leechers.yaml --shard auto --out results/leechers', 'one task of a cluster array job') as unknown as Argv<SweepArgs>,
  handler: async (args: ArgumentsCamelCase<SweepArgs>) => {
    const overrides = overridesOf(args);
    const reps = wholeNumber('reps', args.reps, 1);
    const seed = wholeNumber('seed', args.seed, 0);
    const jobs = parseJobs(args.jobs);
    const trace = parseTrace(args.trace, { mode: 'none', reps: 'first' });
    const shard = args.shard !== undefined ? parseShard(args.shard) : undefined;
    const sweep = readSweepFile(args.sweep);
    const source = readScenarioFile(sweep.base);
    const cliPolicies = splitPolicies(args.policy);
    const policies = cliPolicies ?? sweep.policies;
    const base = args.out ?? join('out', sweep.name);
    const out = shard ? join(base, shardDirName(shard)) : base;
    const progress = progressReporter({ quiet: args.quiet, label: shard ? `${sweep.name} shard ${shard.index}/${shard.count}` : sweep.name });
    const release = handleInterrupts(progress, out, 'the same swarmsim sweep');
    const res = await runExperiment({
      kind: 'sweep',
      scenario: source,
      sweepFile: sweep.file,
      fixed: [...sweep.fixed, ...overrides],
      grid: sweep.grid,
      ...(policies ? { policies } : {}),
      ...(!cliPolicies && sweep.policies ? { policiesDir: dirname(resolve(sweep.file)) } : {}),
      ...((reps ?? sweep.replications) !== undefined ? { reps: (reps ?? sweep.replications)! } : {}),
      ...((seed ?? sweep.seed) !== undefined ? { seed: (seed ?? sweep.seed)! } : {}),
      trace,
      jobs,
      maxMemoryMb: parseMaxMemory(args.maxMemory),
      out,
      resume: args.resume,
      ...(shard ? { shard } : {}),
      command: normalisedCommand('sweep', args.sweep, args),
      ...runnerHook(),
      progress,
    }).finally(release);
    if (shard) {
      process.stdout.write(`shard ${shard.index}/${shard.count}: ${res.runs.length} runs → ${out}\n`);
      process.stdout.write(`when every shard is done: swarmsim merge ${base} --out ${base}\n`);
      if (res.failures.length > 0) {
        process.stderr.write(`${res.failures.length} of ${res.runs.length} runs failed: see ${join(out, 'failures.csv')}\n`);
        process.exitCode = 3;
      }
      return;
    }
    await finishExperiment(res, { report: args.report, table: res.plan.points.length <= 12 });
  },
};
