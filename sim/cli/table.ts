import type { ComparisonRow } from '../experiments/output.js';
import type { PlanFile } from '../experiments/plan.js';

/** The short comparison `run` prints: per point and policy, the headline metrics (mean ± 95% CI half-width). */
export const TABLE_METRICS: { metric: string; title: string }[] = [
  { metric: 'subject_wasted_handshakes', title: 'wasted' },
  { metric: 'subject_repeat_wasted', title: 'repeat_wasted' },
  { metric: 'subject_churn_per_peer_min', title: 'churn/peer/min' },
  { metric: 'subject_useful_ratio', title: 'useful_ratio' },
  { metric: 'swarm_convergence_s', title: 'convergence_s' },
];

function num(x: number | null): string {
  if (x === null) return '–';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1000) return x.toFixed(0);
  if (a >= 100) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

function cell(r: ComparisonRow | undefined): string {
  if (!r || r.n === 0 || r.mean === null) return '–';
  if (r.ci_high === null || r.ci_low === null) return num(r.mean);
  return `${num(r.mean)} ± ${num((r.ci_high - r.ci_low) / 2)}`;
}

export function comparisonTable(plan: PlanFile, rows: readonly ComparisonRow[]): string {
  const head = [...plan.columns, 'policy', ...TABLE_METRICS.map((m) => m.title)];
  const body: string[][] = [];
  for (const pt of plan.points) {
    for (const pol of plan.policies) {
      const mine = rows.filter((r) => r.policy === pol.label && r.point.join('\u0000') === pt.cells.join('\u0000'));
      const n = Math.max(0, ...mine.map((r) => r.n));
      body.push([...pt.cells, `${pol.label}${n ? '' : ' (no runs)'}`, ...TABLE_METRICS.map((m) => cell(mine.find((r) => r.metric === m.metric)))]);
    }
  }
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < plan.columns.length + 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(head), ...body.map(line)].join('\n') + '\n';
}
