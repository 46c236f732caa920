import cliProgress from 'cli-progress';
import type { ProgressEvent, ProgressListener } from '../experiments/experiment.js';

/**
 * Progress on stderr: a bar (runs done / total, ETA, failures) when stderr is a terminal, one
 * plain line per finished run otherwise (CI logs, cluster jobs), nothing with --quiet. stdout is
 * left to results.
 */
export function progressReporter(opts: { quiet: boolean; label: string; stream?: NodeJS.WriteStream }): ProgressListener | undefined {
  if (opts.quiet) return undefined;
  const stream = opts.stream ?? process.stderr;
  if (stream.isTTY) return barReporter(stream, opts.label);
  return lineReporter(stream, opts.label);
}

function runName(e: ProgressEvent): string {
  const point = e.point.length ? ` [${e.point.join(', ')}]` : '';
  return `${e.policy} rep ${e.rep} seed ${e.seed}${point}`;
}

function lineReporter(stream: NodeJS.WriteStream, label: string): ProgressListener {
  let width = 1;
  return {
    start({ total, skipped, jobs, outDir }) {
      width = String(total).length;
      const resumed = skipped > 0 ? `, ${skipped} already done` : '';
      stream.write(`${label}: ${total} run${total === 1 ? '' : 's'} on ${jobs} thread${jobs === 1 ? '' : 's'}${resumed}${outDir ? ` → ${outDir}` : ''}\n`);
    },
    run(e) {
      const n = String(e.done).padStart(width);
      const status = e.ok ? `${e.wallSeconds.toFixed(2)} s` : `FAILED: ${e.error ?? ''}`;
      stream.write(`[${n}/${e.total}] ${runName(e)}: ${status}\n`);
    },
  };
}

function barReporter(stream: NodeJS.WriteStream, label: string): ProgressListener {
  let bar: cliProgress.SingleBar | undefined;
  return {
    start({ total, skipped }) {
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: `${label} {bar} {value}/{total} runs | ETA {eta_formatted} | failed {failed}${skipped ? ` | ${skipped} resumed` : ''}`,
          hideCursor: true,
          clearOnComplete: false,
          etaBuffer: 20,
          fps: 5,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { failed: 0 });
    },
    run(e) {
      bar?.update(e.done, { failed: e.failed });
    },
    end() {
      bar?.stop();
      bar = undefined;
    },
  };
}

/**
 * While an experiment runs, Ctrl-C or SIGTERM (a batch job's time limit) stops the progress bar,
 * says how to continue and exits (130 / 143). Finished runs are already journaled.
 */
export function handleInterrupts(listener: ProgressListener | undefined, out: string, command: string): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    listener?.end?.();
    process.stderr.write(`\n${signal === 'SIGINT' ? 'interrupted' : 'terminated'}: finished runs are journaled in ${out}; run ${command} again with --resume to continue\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
