import { InputError } from '../input-error.js';
import type { Shard } from './plan.js';

/**
 * `--shard K/N` (1 ≤ K ≤ N) or `--shard auto`, which reads the array job's position from the
 * environment:
 * - Slurm job arrays: SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT and SLURM_ARRAY_TASK_MIN
 *   (so `--array=0-9` and `--array=1-10` both give shards 1..10; the array must be contiguous).
 * - Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX (0-based, set by Kubernetes) and
 *   JOB_COMPLETIONS, which the Job spec sets to the same number as `completions`.
 */
export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env): Shard {
  const t = text.trim();
  if (t === 'auto') return autoShard(env);
  const m = /^(\d+)\s*\/\s*(\d+)$/.exec(t);
  if (!m) throw new InputError(`--shard ${text}: expected K/N (e.g. 2/8) or auto`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) throw new InputError(`--shard ${text}: expected 1 ≤ K ≤ N, got K=${index}, N=${count}`);
  return { index, count };
}

function int(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v.trim() === '') return undefined;
  if (!/^\d+$/.test(v.trim())) throw new InputError(`--shard auto: ${name}=${v}: expected a whole number`);
  return Number(v);
}

function autoShard(env: NodeJS.ProcessEnv): Shard {
  const slurmId = int(env, 'SLURM_ARRAY_TASK_ID');
  if (slurmId !== undefined) {
    const count = int(env, 'SLURM_ARRAY_TASK_COUNT');
    if (count === undefined || count < 1) throw new InputError('--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not');
    const min = int(env, 'SLURM_ARRAY_TASK_MIN') ?? 0;
    const index = slurmId - min + 1;
    if (index < 1 || index > count) {
      throw new InputError(`--shard auto: SLURM_ARRAY_TASK_ID=${slurmId} is outside ${min}..${min + count - 1}; use a contiguous --array such as 0-${count - 1}`);
    }
    return { index, count };
  }
  const k8s = int(env, 'JOB_COMPLETION_INDEX');
  if (k8s !== undefined) {
    const count = int(env, 'JOB_COMPLETIONS');
    if (count === undefined || count < 1) throw new InputError('--shard auto: JOB_COMPLETION_INDEX is set but JOB_COMPLETIONS is not (set it in the Job spec to spec.completions)');
    if (k8s >= count) throw new InputError(`--shard auto: JOB_COMPLETION_INDEX=${k8s} is not below JOB_COMPLETIONS=${count}`);
    return { index: k8s + 1, count };
  }
  throw new InputError('--shard auto: found neither SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT nor JOB_COMPLETION_INDEX/JOB_COMPLETIONS in the environment');
}

export function shardDirName(s: Shard): string {
  return `shard-${s.index}-of-${s.count}`;
}
