import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs, { type CommandModule } from 'yargs';
import { VERSION } from '../experiments/package-info.js';
import { explainCommand } from './commands/explain.js';
import { ingestCommand } from './commands/ingest.js';
import { labCommand } from './commands/lab.js';
import { listCommand } from './commands/list.js';
import { mergeCommand } from './commands/merge.js';
import { runCommand } from './commands/run.js';
import { schemaCommand } from './commands/schema.js';
import { sweepCommand } from './commands/sweep.js';
import { EXIT, isUserError, oneLine, UsageError } from './errors.js';

/**
 * The swarmsim command line. Exit status: 0 success, 1 unexpected error (a bug; stack trace with
 * SWARMSIM_DEBUG=1), 2 user error (one line on stderr naming the cause, nothing written),
 * 3 some runs of a run/sweep failed (failures.csv). `check` uses 1 for a regression.
 */

const here = dirname(fileURLToPath(import.meta.url));

const COMMANDS = ['run', 'sweep', 'merge', 'report', 'check', 'schema', 'list', 'explain', 'lab', 'ingest'];

/**
 * Commands provided by the report work (`report`, `check`): registered when their module is
 * there, so the CLI builds and runs without them.
 */
async function optionalCommand(name: string): Promise<CommandModule | undefined> {
  const file = join(here, 'commands', `${name}.js`);
  if (!existsSync(file) && !existsSync(file.replace(/\.js$/, '.ts'))) return undefined;
  const mod = (await import(file)) as Record<string, unknown>;
  const cmd = (mod[`${name}Command`] ?? mod.default ?? Object.values(mod).find((v) => typeof v === 'object' && v !== null && 'command' in v && 'handler' in v)) as
    | CommandModule
    | undefined;
  return cmd;
}

export async function main(argv: readonly string[]): Promise<number> {
  process.exitCode = undefined;
  try {
    const extra = (await Promise.all(['report', 'check'].map(optionalCommand))).filter((c): c is CommandModule => c !== undefined);
    let parser = yargs([...argv])
      .scriptName('swarmsim')
      .usage('$0 <command> [options]\n\nDeterministic simulator of BitTorrent swarms comparing reconnect policies.')
      .command(runCommand as unknown as CommandModule)
      .command(sweepCommand as unknown as CommandModule)
      .command(mergeCommand as unknown as CommandModule);
    for (const c of extra) parser = parser.command(c);
    await parser
      .command(schemaCommand as unknown as CommandModule)
      .command(listCommand as unknown as CommandModule)
      .command(explainCommand as unknown as CommandModule)
      .command(labCommand as unknown as CommandModule)
      .command(ingestCommand as unknown as CommandModule)
      .demandCommand(1, 'expected a command (run, sweep, merge, report, check, schema, list, explain, lab, ingest); see swarmsim --help')
      .strict()
      .version(VERSION)
      .help()
      .alias('h', 'help')
      .wrap(Math.min(110, process.stdout.columns || 100))
      .exitProcess(false)
      .fail((msg, err) => {
        if (err) throw err;
        const first = argv[0];
        if (first !== undefined && !first.startsWith('-') && msg?.startsWith('Unknown argument') && !COMMANDS.includes(first)) {
          throw new UsageError(`unknown command '${first}' (expected one of ${COMMANDS.join(', ')})`);
        }
        throw new UsageError(msg ?? 'bad command line');
      })
      .parseAsync();
    return Number(process.exitCode ?? EXIT.ok);
  } catch (e) {
    return reportError(e);
  }
}

/** Prints an error the way SPEC "Bad input" says and returns the exit status. */
export function reportError(e: unknown): number {
  const msg = oneLine(String((e as Error)?.message ?? e));
  if (isUserError(e)) {
    const usage = (e as Error)?.name === 'UsageError' || (e as Error)?.name === 'YError';
    process.stderr.write(`${msg}${usage && !/--help/.test(msg) ? ' (see swarmsim --help)' : ''}\n`);
    return EXIT.usage;
  }
  process.stderr.write(`swarmsim: unexpected error: ${msg}\n`);
  if (process.env.SWARMSIM_DEBUG === '1' && (e as Error)?.stack) process.stderr.write(`${(e as Error).stack}\n`);
  else process.stderr.write('(set SWARMSIM_DEBUG=1 for the stack trace)\n');
  return EXIT.unexpected;
}
