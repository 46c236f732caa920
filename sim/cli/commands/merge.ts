import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { mergeOutputs } from '../../experiments/merge.js';
import { UsageError } from '../errors.js';
import { finishExperiment } from '../finish.js';

interface MergeArgs {
  dirs: string[];
  out?: string;
  report: boolean;
}

/** `swarmsim merge <dir>... --out DIR`: shard outputs → what one unsharded sweep writes. */
export const mergeCommand: CommandModule<object, MergeArgs> = {
  command: 'merge <dirs..>',
  describe: 'join shard outputs (OUT/shard-K-of-N folders, or the OUT folder holding them) into one output',
  builder: (y: Argv) =>
    y
      .positional('dirs', { type: 'string', array: true, describe: 'shard output folders, or a folder holding shard-K-of-N folders', demandOption: true })
      .option('out', { type: 'string', describe: 'where to write the merged output (default: the folder holding the shards, when only that one is given)', requiresArg: true })
      .option('report', { type: 'boolean', default: true, describe: 'write report.html and plots/ (--no-report to skip)' })
      .example('$0 merge out/leechers --out out/leechers', 'after a sharded sweep --out out/leechers') as unknown as Argv<MergeArgs>,
  handler: async (args: ArgumentsCamelCase<MergeArgs>) => {
    const dirs = args.dirs.map(String);
    let out = args.out;
    if (out === undefined) {
      if (dirs.length !== 1) throw new UsageError('merge: --out DIR is required when merging several folders');
      out = dirs[0]!;
    }
    const res = mergeOutputs(dirs, out);
    await finishExperiment(
      { plan: res.plan, outDir: res.outDir, runs: res.runs, failures: res.failures, comparison: res.comparison, files: res.files, skipped: 0 },
      { report: args.report, table: res.plan.points.length <= 12 },
    );
  },
};
