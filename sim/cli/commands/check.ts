import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { InputError } from '../../input-error.js';

interface CheckArgs {
  suite: string;
  baseline: string;
  update: boolean;
  junit?: string;
  out?: string;
  jobs: number;
}

/**
 * `swarmsim check SUITE --baseline FILE`: the CI gate. Exit 0 pass (improvements included),
 * 1 regression, 2 usage or input error (also a baseline made from a different scenario).
 */
export const checkCommand: CommandModule<object, CheckArgs> = {
  command: 'check <suite>',
  describe: 'run a scenario suite and compare its metrics with a committed baseline (exit 0 pass, 1 regression, 2 input error)',
  builder: (y: Argv) =>
    y
      .positional('suite', { type: 'string', describe: 'suite file (YAML): scenarios, policies, replications, tolerances', demandOption: true })
      .option('baseline', { type: 'string', describe: 'baseline JSON to compare with (written by --update)', demandOption: true, requiresArg: true })
      .option('update', { type: 'boolean', default: false, describe: 'write the baseline from this run (and still print the table)' })
      .option('junit', { type: 'string', describe: 'also write a JUnit XML report here', requiresArg: true })
      .option('out', { type: 'string', describe: 'keep outputs and report.html of each scenario under OUT/<scenario>/', requiresArg: true })
      .option('jobs', { type: 'number', default: 1, describe: 'worker threads (results do not depend on it)', requiresArg: true })
      .example('$0 check scenarios/ci-suite.yaml --baseline ci/baseline.json', 'gate a change')
      .example('$0 check scenarios/ci-suite.yaml --baseline ci/baseline.json --update', 'accept the current numbers') as unknown as Argv<CheckArgs>,
  handler: async (args: ArgumentsCamelCase<CheckArgs>) => {
    if (!Number.isInteger(args.jobs) || args.jobs < 1) throw new InputError(`--jobs: expected a whole number ≥ 1, got ${args.jobs}`);
    const summary = process.env.GITHUB_STEP_SUMMARY;
    // The report stack (d3, the PNG renderer) loads only when asked for: every other command
    // starts 1.7 s of CPU sooner.
    const { runCheck } = await import('../../../reports/check/run.js');
    const r = await runCheck({
      suite: String(args.suite),
      baseline: String(args.baseline),
      update: args.update,
      ...(args.junit ? { junit: String(args.junit) } : {}),
      ...(args.out ? { out: String(args.out) } : {}),
      jobs: args.jobs,
      ...(summary ? { stepSummary: summary } : {}),
      command: ['swarmsim', 'check', String(args.suite), '--baseline', String(args.baseline)],
    });
    if (r.exitCode === 2) throw new InputError(r.message ?? 'baseline does not match the suite');
    process.exitCode = r.exitCode;
  },
};

export default checkCommand;
