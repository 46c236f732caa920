import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../input-error.js';
import { removeStaleTemps, syncDir, writeFileAtomic } from './atomic.js';
import type { PlanFile, PlanRun, Shard } from './plan.js';
import type { RunOutcome } from './task.js';

/**
 * The journal of finished runs: OUT/.runs/plan.json (the plan and shard) and one file per finished
 * run, written atomically and flushed before the next run is counted as done. The final CSVs are
 * assembled from these files in run order, so a sweep resumed after `kill -9` (--resume skips the
 * recorded runs) or split into shards (merge reads the shards' journals) writes the same bytes.
 */

export const JOURNAL_DIR = '.runs';

export interface RunRecord extends RunOutcome {
  key: string;
  /** The run's connections.csv rows, when they went to a file of the journal (set on reading). */
  connectionsPath?: string;
}

interface JournalHead {
  plan: PlanFile;
  shard: Shard | null;
}

export class Journal {
  readonly dir: string;
  private constructor(
    readonly outDir: string,
    readonly plan: PlanFile,
    readonly shard: Shard | null,
  ) {
    this.dir = join(outDir, JOURNAL_DIR);
  }

  /**
   * Starts a journal in `outDir`: fresh (removing an old one), or with `resume` continuing the one
   * there, which must hold the same plan and shard.
   */
  static open(outDir: string, plan: PlanFile, shard: Shard | null, resume: boolean): Journal {
    const j = new Journal(outDir, plan, shard);
    const head = join(j.dir, 'plan.json');
    if (resume && existsSync(head)) {
      let old: JournalHead | undefined;
      try {
        old = JSON.parse(readFileSync(head, 'utf8')) as JournalHead;
      } catch {
        old = undefined;
      }
      if (!old || old.plan?.hash !== plan.hash) {
        throw new InputError(
          `--resume: ${outDir} holds the journal of a different experiment (scenario, overrides, policies, seeds, trace or swarmsim version differ); use another --out or run without --resume`,
        );
      }
      if ((old.shard?.index ?? 0) !== (shard?.index ?? 0) || (old.shard?.count ?? 0) !== (shard?.count ?? 0)) {
        throw new InputError(`--resume: ${outDir} holds shard ${fmtShard(old.shard)}, not ${fmtShard(shard)}`);
      }
      removeStaleTemps(j.dir);
      return j;
    }
    rmSync(j.dir, { recursive: true, force: true });
    mkdirSync(j.dir, { recursive: true });
    writeFileAtomic(head, JSON.stringify({ plan, shard } satisfies JournalHead) + '\n');
    syncDir(j.dir);
    return j;
  }

  /** Opens an existing journal for reading (merge). */
  static read(outDir: string): Journal {
    const head = join(outDir, JOURNAL_DIR, 'plan.json');
    let h: JournalHead;
    try {
      h = JSON.parse(readFileSync(head, 'utf8')) as JournalHead;
    } catch {
      throw new InputError(`${outDir}: not the output of a swarmsim run or sweep (no ${JOURNAL_DIR}/plan.json)`);
    }
    if (!h.plan || h.plan.format !== 1 || !Array.isArray(h.plan.runs)) throw new InputError(`${head}: unreadable journal`);
    return new Journal(outDir, h.plan, h.shard ?? null);
  }

  private fileOf(index: number): string {
    return join(this.dir, `${String(index).padStart(6, '0')}.json`);
  }

  /** Where run `index` writes its traced rows as it goes; its record, written after, commits it. */
  traceFileOf(index: number): string {
    return join(this.dir, `${String(index).padStart(6, '0')}.connections.csv`);
  }

  /** Indices of runs recorded as finished successfully, whose key matches the plan. */
  finished(): Set<number> {
    const done = new Set<number>();
    for (const name of readdirSync(this.dir)) {
      const m = /^(\d+)\.json$/.exec(name);
      if (!m) continue;
      const idx = Number(m[1]);
      const run = this.plan.runs[idx];
      if (!run) continue;
      const rec = this.tryRead(idx);
      if (rec && rec.ok && rec.key === run.key) done.add(idx);
    }
    return done;
  }

  /** Records a finished (or failed) run durably. */
  write(run: PlanRun, outcome: RunOutcome): void {
    const rec: RunRecord = { ...outcome, key: run.key };
    writeFileAtomic(this.fileOf(run.index), JSON.stringify(rec));
  }

  has(index: number): boolean {
    return existsSync(this.fileOf(index));
  }

  tryRead(index: number): RunRecord | undefined {
    try {
      return JSON.parse(readFileSync(this.fileOf(index), 'utf8')) as RunRecord;
    } catch {
      return undefined;
    }
  }

  readRecord(index: number): RunRecord {
    const r = this.tryRead(index);
    if (!r || r.key !== this.plan.runs[index]?.key) throw new InputError(`${this.dir}: run ${index} is missing or does not match the plan`);
    if (r.connectionsInFile) {
      r.connectionsPath = this.traceFileOf(index);
      if (!existsSync(r.connectionsPath)) throw new InputError(`${this.dir}: the trace of run ${index} is missing`);
    }
    return r;
  }
}

export function fmtShard(s: Shard | null | undefined): string {
  return s ? `${s.index}/${s.count}` : 'none (unsharded)';
}
