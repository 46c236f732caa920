import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { ingest } from '../../../lab/ingest/ingest.js';
import { UsageError } from '../errors.js';

interface IngestArgs {
  paths: string[];
  out: string;
  interval: number;
}

/** `swarmsim ingest <lab-dir|log>... --out DIR`: real client logs → swarmsim's CSVs. */
export const ingestCommand: CommandModule<object, IngestArgs> = {
  command: 'ingest <paths..>',
  describe: 'read real client logs (lab output folders) into connections.csv, summary.csv and timeseries.csv, runs named real:<client>-<version>',
  builder: (y: Argv) =>
    y
      .positional('paths', { type: 'string', array: true, describe: 'lab output folders (with lab.json), their logs/ folders, or log files in them', demandOption: true })
      .option('out', { type: 'string', describe: 'output folder', demandOption: true, requiresArg: true })
      .option('interval', { type: 'number', default: 60, describe: 'time-series sampling interval, seconds' })
      .example('$0 ingest lab/runs/two-seeds-libtorrent-* --out out/real', '') as unknown as Argv<IngestArgs>,
  handler: (args: ArgumentsCamelCase<IngestArgs>) => {
    if (!(args.interval > 0)) throw new UsageError(`ingest: --interval: expected a number of seconds > 0, got ${String(args.interval)}`);
    ingest(args.paths.map(String), String(args.out), args.interval, (s) => process.stderr.write(s + '\n'));
  },
};
