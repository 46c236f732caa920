import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';

interface ReportArgs {
  dir: string;
}

/**
 * `swarmsim report DIR`: regenerates report.html and plots/*.svg|png from the CSV files of an
 * output folder. Prints the report's path on stdout. A missing or malformed CSV is an InputError
 * (one line on stderr, exit 2), and nothing is written then.
 */
export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <dir>',
  describe: 'CSV → report.html + plots/*.svg + plots/*.png for an output folder',
  builder: (y: Argv) =>
    y
      .positional('dir', { type: 'string', describe: 'output folder of run, sweep or merge (holds summary.csv, timeseries.csv)', demandOption: true })
      .example('$0 report out/seed-heavy', 'rewrite out/seed-heavy/report.html and its plots') as unknown as Argv<ReportArgs>,
  handler: async (args: ArgumentsCamelCase<ReportArgs>) => {
    const { writeReport } = await import('../../../reports/report.js');
    const r = await writeReport(String(args.dir));
    process.stdout.write(`report: ${r.html}\n`);
  },
};

export default reportCommand;
