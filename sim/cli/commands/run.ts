import { basename, extname, join, resolve } from 'node:path';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { runExperiment } from '../../experiments/experiment.js';
import { readScenarioFile } from '../../scenario/load.js';
import { finishExperiment } from '../finish.js';
import { experimentOptions, normalisedCommand, overridesOf, parseJobs, parseMaxMemory, parseTrace, splitPolicies, wholeNumber, type ExperimentArgs } from '../options.js';
import { handleInterrupts, progressReporter } from '../progress.js';

interface RunArgs extends ExperimentArgs {
  scenario: string;
  resume: boolean;
}

/** `swarmsim run <scenario>`: every policy × replication of one scenario. */
export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <scenario>',
  describe: 'run every policy × replication of a scenario and compare them',
  builder: (y: Argv) =>
    experimentOptions(y)
      .positional('scenario', { type: 'string', describe: 'scenario file (YAML)', demandOption: true })
      .option('resume', { type: 'boolean', default: false, describe: 'skip runs already finished in OUT (after a crash or kill)' })
      .option('trace', {
        type: 'string',
        describe: 'connections.csv: by default rep 0 of every policy, subject peers; --trace: every rep; --trace all: every peer; --trace none',
      })
      .example('$0 run scenarios/seed-heavy.yaml', 'the default comparison')
      .example('$0 run scenarios/seed-heavy.yaml --policy transmission-4.1,naive --reps 10 --set population.leechers.count=20', '') as unknown as Argv<RunArgs>,
  handler: async (args: ArgumentsCamelCase<RunArgs>) => {
    const overrides = overridesOf(args);
    const reps = wholeNumber('reps', args.reps, 1);
    const seed = wholeNumber('seed', args.seed, 0);
    const jobs = parseJobs(args.jobs);
    const trace = parseTrace(args.trace, { mode: 'subject', reps: 'first' });
    const policies = splitPolicies(args.policy);
    const source = readScenarioFile(args.scenario);
    const name = typeof source.raw.name === 'string' && source.raw.name !== '' ? source.raw.name : basename(args.scenario, extname(args.scenario));
    const out = args.out ?? join('out', name);
    const progress = progressReporter({ quiet: args.quiet, label: name });
    const release = handleInterrupts(progress, out, 'the same swarmsim run');
    const res = await runExperiment({
      kind: 'run',
      scenario: source,
      fixed: overrides,
      ...(policies ? { policies } : {}),
      ...(reps !== undefined ? { reps } : {}),
      ...(seed !== undefined ? { seed } : {}),
      trace,
      jobs,
      maxMemoryMb: parseMaxMemory(args.maxMemory),
      out,
      command: normalisedCommand('run', args.scenario, args),
      stopOnUserError: true,
      ...runnerHook(),
      resume: args.resume,
      progress,
    }).finally(release);
    await finishExperiment(res, { report: args.report, table: true });
  },
};

/**
 * SWARMSIM_RUNNER=path/to/module.mjs swaps the swarm model for a module exporting runOne (the
 * test suite uses a fake model to test crash recovery and failures). Not for normal use.
 */
export function runnerHook(): { runner?: string } {
  const r = process.env.SWARMSIM_RUNNER;
  return r ? { runner: resolve(r) } : {};
}
