import { band } from '../../sim/statistics.js';
import type { Baseline, MetricStats, SuiteResults } from './baseline.js';
import type { Suite, Tolerance } from './suite.js';

/** Pure comparison of a suite run with its baseline. */

export type Verdict = 'pass' | 'regression' | 'improvement' | 'scenario changed' | 'no baseline';

export interface CheckRow {
  scenario: string;
  slot: string;
  policy: string;
  metric: string;
  baseline: MetricStats | null;
  now: MetricStats;
  /** now − baseline (null when either is undefined). */
  delta: number | null;
  /** delta / |baseline| (±Infinity when the baseline is 0 and the value moved). */
  relative: number | null;
  verdict: Verdict;
  /** Why, in words: the tolerance that was exceeded or the state of the baseline. */
  reason: string;
}

export interface CheckReport {
  rows: CheckRow[];
  /** Things to tell that are not rows: version or policy changes, stale scenarios. */
  notes: string[];
  /** Scenarios whose hash differs from the baseline's. */
  changedScenarios: string[];
  regressions: number;
  improvements: number;
  /** 0 pass, 1 regression, 2 baseline does not match the suite (changed scenario). */
  exitCode: 0 | 1 | 2;
}

/** Mean, 95% CI, n and sd of a metric over replications. */
export function metricStats(values: readonly (number | null)[]): MetricStats {
  const e = band(values);
  if (e.n === 0) return { mean: null, ci: [null, null], n: 0, sd: null };
  return { mean: e.mean, ci: [e.lo, e.hi], n: e.n, sd: e.sd };
}

const pct = (x: number) => `${(x * 100).toFixed(Math.abs(x) < 0.1 ? 1 : 0)}%`;
const g = (x: number) => (Number.isInteger(x) ? String(x) : Math.abs(x) >= 100 ? x.toFixed(0) : Number(x.toPrecision(3)).toString());

/** Verdict of one metric under its tolerance. */
export function judge(tol: Tolerance, base: MetricStats, now: MetricStats): Pick<CheckRow, 'delta' | 'relative' | 'verdict' | 'reason'> {
  if (base.mean === null && now.mean === null) return { delta: null, relative: null, verdict: 'pass', reason: 'undefined in both' };
  if (now.mean === null) return { delta: null, relative: null, verdict: 'regression', reason: 'no longer defined (empty in every replication)' };
  if (base.mean === null) return { delta: null, relative: null, verdict: 'improvement', reason: 'now defined (was empty in every replication)' };
  const d = now.mean - base.mean;
  const rel = base.mean !== 0 ? d / Math.abs(base.mean) : d === 0 ? 0 : d > 0 ? Infinity : -Infinity;
  const exceeded: string[] = [];
  let within = false;
  if (tol.absolute !== undefined) {
    if (Math.abs(d) > tol.absolute) exceeded.push(`|Δ| ${g(Math.abs(d))} > ${g(tol.absolute)}`);
    else within = true;
  }
  if (tol.relative !== undefined) {
    if (Math.abs(rel) > tol.relative) exceeded.push(`${Number.isFinite(rel) ? pct(Math.abs(rel)) : '∞'} > ${pct(tol.relative)}`);
    else within = true;
  }
  if (tol.statistical !== undefined) {
    const lo = base.ci[0] ?? base.mean;
    const hi = base.ci[1] ?? base.mean;
    const outside = now.mean < lo || now.mean > hi;
    const big = Math.abs(d) > tol.statistical.min_effect && Math.abs(rel) > tol.statistical.min_relative_effect;
    if (outside && big) {
      const min = [tol.statistical.min_effect > 0 ? `|Δ| > ${g(tol.statistical.min_effect)}` : '', tol.statistical.min_relative_effect > 0 ? `> ${pct(tol.statistical.min_relative_effect)}` : ''].filter(Boolean);
      exceeded.push(`outside baseline CI [${g(lo)}, ${g(hi)}]${min.length ? ` and ${min.join(', ')}` : ''}`);
    }
    else within = true;
  }
  // Within tolerance when any given criterion says so (an absolute floor spares tiny baselines from relative noise).
  if (within || exceeded.length === 0) return { delta: d, relative: rel, verdict: 'pass', reason: d === 0 ? 'unchanged' : 'within tolerance' };
  const worse = tol.better === 'either' || (tol.better === 'lower' ? d > 0 : d < 0);
  return { delta: d, relative: rel, verdict: worse ? 'regression' : 'improvement', reason: `${d > 0 ? 'up' : 'down'}: ${exceeded.join(', ')}` };
}

/** Compares every toleranced metric of every scenario × policy slot with the baseline. */
export function compareToBaseline(suite: Suite, baseline: Baseline | null, now: SuiteResults): CheckReport {
  const rows: CheckRow[] = [];
  const notes: string[] = [];
  const changed: string[] = [];
  if (baseline && baseline.swarmsim !== now.swarmsim) notes.push(`baseline made with swarmsim ${baseline.swarmsim}, now ${now.swarmsim}: model changes can move metrics`);
  for (const sc of suite.scenarios) {
    const cur = now.scenarios[sc.name];
    if (!cur) continue;
    const b = baseline?.scenarios[sc.name];
    let stale = false;
    if (!b) {
      if (baseline) notes.push(`${sc.name}: not in the baseline (add it with --update)`);
    } else if (b.scenario_sha256 !== cur.scenario_sha256) {
      stale = true;
      changed.push(sc.name);
      notes.push(`${sc.name}: scenario changed since the baseline (hash ${b.scenario_sha256.slice(0, 12)} → ${cur.scenario_sha256.slice(0, 12)}): not compared; accept it with --update`);
    } else if (b.replications !== cur.replications || b.seed !== cur.seed) {
      stale = true;
      changed.push(sc.name);
      notes.push(`${sc.name}: baseline has ${b.replications} replications from seed ${b.seed}, the suite ${cur.replications} from seed ${cur.seed}: not compared; accept it with --update`);
    }
    for (const p of suite.policies) {
      const cs = cur.policies[p.slot];
      if (!cs) continue;
      const bs = b?.policies[p.slot];
      if (b && !bs) notes.push(`${sc.name} · ${p.slot}: not in the baseline (add it with --update)`);
      if (bs && bs.policy !== cs.policy) notes.push(`${sc.name} · ${p.slot}: baseline policy ${bs.policy}, now ${cs.policy}`);
      for (const [metric, tol] of Object.entries(sc.metrics)) {
        const nowM = cs.metrics[metric] ?? { mean: null, ci: [null, null], n: 0, sd: null };
        const baseM = bs?.metrics[metric] ?? null;
        const row: CheckRow = { scenario: sc.name, slot: p.slot, policy: cs.policy, metric, baseline: baseM, now: nowM, delta: null, relative: null, verdict: 'no baseline', reason: 'no baseline value' };
        if (baseM && stale) {
          const j = judge(tol, baseM, nowM);
          Object.assign(row, { delta: j.delta, relative: j.relative, verdict: 'scenario changed', reason: 'baseline made from a different scenario' });
        } else if (baseM) Object.assign(row, judge(tol, baseM, nowM));
        rows.push(row);
      }
    }
  }
  const regressions = rows.filter((r) => r.verdict === 'regression').length;
  const improvements = rows.filter((r) => r.verdict === 'improvement').length;
  return { rows, notes, changedScenarios: changed, regressions, improvements, exitCode: regressions > 0 ? 1 : changed.length > 0 ? 2 : 0 };
}
