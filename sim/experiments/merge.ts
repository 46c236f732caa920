import { accessSync, constants, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { wallSeconds } from './wall-clock.js';
import { InputError } from '../input-error.js';
import { ensureOutputDir, errCode } from './atomic.js';
import { fmtShard, Journal, JOURNAL_DIR, type RunRecord } from './journal.js';
import { writeOutputs, type WriteResult } from './output.js';
import type { PlanFile } from './plan.js';

/**
 * `swarmsim merge`: joins the journals of shard outputs (or of any outputs of the same plan) into
 * exactly what one unsharded sweep writes: the same assembly code reads the same run records in
 * the same order. The merged folder gets a complete journal too, so it can be merged or resumed.
 */

/** Folders holding a journal: each given folder, or its `shard-*` subfolders. */
export function expandMergeInputs(dirs: readonly string[]): string[] {
  const out: string[] = [];
  for (const d of dirs) {
    let subs: string[];
    try {
      subs = statSync(d).isDirectory() ? readdirSync(d).filter((n) => /^shard-\d+-of-\d+$/.test(n)).sort(byShardNumber) : [];
    } catch {
      throw new InputError(`merge: ${d}: no such directory`);
    }
    if (subs.length > 0) for (const s of subs) out.push(join(d, s));
    else if (existsSync(join(d, JOURNAL_DIR, 'plan.json'))) out.push(d);
    else throw new InputError(`merge: ${d}: not a swarmsim output (no ${JOURNAL_DIR}/plan.json, no shard-K-of-N folders)`);
  }
  return out;
}

function byShardNumber(a: string, b: string): number {
  return Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]);
}

export interface MergeResult extends WriteResult {
  plan: PlanFile;
  outDir: string;
}

export function mergeOutputs(inputs: readonly string[], out: string): MergeResult {
  const started = wallSeconds();
  if (inputs.length === 0) throw new InputError('merge: expected at least one directory');
  const journals = expandMergeInputs(inputs).map((d) => Journal.read(d));
  const plan = journals[0]!.plan;
  for (const j of journals) {
    if (j.plan.hash !== plan.hash) {
      throw new InputError(`merge: ${j.outDir} is from a different experiment than ${journals[0]!.outDir} (plans differ)`);
    }
  }
  const count = journals[0]!.shard?.count;
  const seen = new Set<number>();
  for (const j of journals) {
    if (j.shard && count !== undefined && j.shard.count !== count) throw new InputError(`merge: ${j.outDir} is shard ${fmtShard(j.shard)}, others are of ${count}`);
    if (j.shard) {
      if (seen.has(j.shard.index)) throw new InputError(`merge: shard ${fmtShard(j.shard)} given twice (${j.outDir})`);
      seen.add(j.shard.index);
    }
  }
  // Each run from the first journal that holds it.
  const source: Journal[] = [];
  const missing: number[] = [];
  for (const run of plan.runs) {
    const j = journals.find((x) => x.has(run.index) && x.tryRead(run.index)?.key === run.key);
    if (j) source[run.index] = j;
    else missing.push(run.index);
  }
  if (missing.length > 0) {
    const shards = count ? [...new Set(missing.map((i) => (i % count) + 1))].sort((a, b) => a - b) : [];
    const which = shards.length ? ` (runs of shard${shards.length > 1 ? 's' : ''} ${shards.map((s) => `${s}/${count}`).join(', ')} missing or unfinished)` : '';
    throw new InputError(`merge: ${missing.length} of ${plan.runs.length} runs are in none of the given directories${which}`);
  }
  let created: string | undefined;
  try {
    if (journals.some((j) => samePath(j.outDir, out))) throw new InputError(`merge: --out ${out} is one of the inputs`);
    created = ensureOutputDir(out);
    // The merged output is complete: like an unsharded sweep it keeps no journal (the shards'
    // journals stay, so a shard with failed runs can be resumed and merged again).
    rmSync(join(out, JOURNAL_DIR), { recursive: true, force: true });
    accessSync(out, constants.W_OK);
  } catch (e) {
    if (created) rmSync(created, { recursive: true, force: true });
    if (e instanceof InputError) throw e;
    throw new InputError(`--out ${out}: cannot write there (${errCode(e)})`);
  }
  const read = (i: number): RunRecord => source[i]!.readRecord(i);
  const res = writeOutputs(out, plan, read, { indices: plan.runs.map((r) => r.index), shard: null, wallSeconds: wallSeconds() - started, jobs: 0 });
  return { ...res, plan, outDir: out };
}

function samePath(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.ino === y.ino && x.dev === y.dev;
  } catch {
    return false;
  }
}
