import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExperimentResult } from '../experiments/experiment.js';
import { EXIT, oneLine } from './errors.js';
import { comparisonTable } from './table.js';

/** The reports module (written by the report work; imported by name so the CLI runs without it). */
const REPORT_MODULE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'reports', 'report.js');

interface ReportApi {
  writeReport(outDir: string): Promise<{ html: string; plots: string[] }>;
}

/**
 * Writes report.html for an output folder. Returns its path, or undefined when the report module
 * is not there. A report that fails leaves the CSVs in place and is reported on stderr.
 */
export async function writeReportFor(outDir: string): Promise<{ html?: string; error?: string }> {
  if (!existsSync(REPORT_MODULE) && !existsSync(REPORT_MODULE.replace(/\.js$/, '.ts'))) return {};
  try {
    const mod = (await import(REPORT_MODULE)) as ReportApi;
    const r = await mod.writeReport(outDir);
    return { html: r.html };
  } catch (e) {
    return { error: oneLine(String((e as Error)?.message ?? e)) };
  }
}

/** After `run` or `sweep`: report, comparison table on stdout, exit status. */
export async function finishExperiment(res: ExperimentResult, opts: { report: boolean; table: boolean }): Promise<void> {
  const out = res.outDir!;
  let status: number = EXIT.ok;
  if (opts.table && res.comparison.length > 0) process.stdout.write(comparisonTable(res.plan, res.comparison));
  if (opts.report) {
    const r = await writeReportFor(out);
    if (r.html) process.stdout.write(`report: ${r.html}\n`);
    else if (r.error) {
      process.stderr.write(`report failed (the CSV files are written): ${r.error}\n`);
      status = EXIT.unexpected;
    }
  }
  process.stdout.write(`output: ${out}\n`);
  if (res.failures.length > 0) {
    process.stderr.write(`${res.failures.length} of ${res.runs.length} runs failed: see ${join(out, 'failures.csv')}\n`);
    status = EXIT.someRunsFailed;
  }
  if (status !== EXIT.ok) process.exitCode = status;
}
