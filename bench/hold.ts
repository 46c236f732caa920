import { Environment } from '../sim/engine/environment.js';
import { RandomStream } from '../sim/engine/random.js';
import { row, timed, type BenchRow } from './bench-row.js';

/**
 * The classic hold model: `pending` events in the queue; each event, when it runs, schedules one
 * more at now + Exp(1). Run through swarmsim's Environment and through a bare typed-array binary
 * heap doing the same work in the same process, so the ratio is free of machine noise.
 */
export function benchEngineHold(pending: number, ops: number): BenchRow {
  const rng = new RandomStream('hold');
  const env = new Environment(pending);
  let left = ops;
  const k = env.register(() => {
    if (--left > 0) env.schedule(-Math.log(1 - rng.uniform()), k);
  });
  for (let i = 0; i < pending; i++) env.schedule(-Math.log(1 - rng.uniform()), k);
  const { seconds } = timed(() => env.run());
  return row(`engine-hold-${label(pending)}`, env.eventsProcessed, seconds, { pending });
}

/** Bare binary heap over parallel typed arrays ordered by (time, seq): the baseline. */
export function benchBareHeap(pending: number, ops: number): BenchRow {
  const rng = new RandomStream('hold');
  const cap = pending + 1;
  const time = new Float64Array(cap);
  const seq = new Float64Array(cap);
  let size = 0;
  let nextSeq = 0;
  const push = (t: number) => {
    let i = size++;
    const s = nextSeq++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (time[p]! < t || (time[p] === t && seq[p]! < s)) break;
      time[i] = time[p]!;
      seq[i] = seq[p]!;
      i = p;
    }
    time[i] = t;
    seq[i] = s;
  };
  const pop = (): number => {
    const top = time[0]!;
    const t = time[--size]!;
    const s = seq[size]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      const c = r < size && (time[r]! < time[l]! || (time[r] === time[l] && seq[r]! < seq[l]!)) ? r : l;
      if (t < time[c]! || (t === time[c] && s < seq[c]!)) break;
      time[i] = time[c]!;
      seq[i] = seq[c]!;
      i = c;
    }
    time[i] = t;
    seq[i] = s;
    return top;
  };
  for (let i = 0; i < pending; i++) push(-Math.log(1 - rng.uniform()));
  let processed = 0;
  const { seconds } = timed(() => {
    let left = ops;
    while (size > 0) {
      const now = pop();
      processed++;
      if (--left > 0) push(now - Math.log(1 - rng.uniform()));
    }
  });
  return row(`bare-heap-hold-${label(pending)}`, processed, seconds, { pending });
}

function label(n: number): string {
  return n >= 1_000_000 ? `${n / 1_000_000}m` : n >= 1000 ? `${n / 1000}k` : String(n);
}
