import type { MetricStats } from './baseline.js';
import type { CheckReport, CheckRow, Verdict } from './compare.js';

/** Renderings of a CheckReport: a plain-text table (stdout), JUnit XML and Markdown. */

export function fmtNum(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return x === null ? '–' : String(x);
  const a = Math.abs(x);
  if (a === 0) return '0';
  if (a >= 1e6 || a < 1e-3) return x.toExponential(2);
  if (a >= 100) return x.toFixed(0);
  return Number(x.toPrecision(3)).toString();
}

export function fmtStats(s: MetricStats | null): string {
  if (!s) return '–';
  if (s.mean === null) return 'empty';
  if (s.ci[0] === null || s.ci[1] === null || s.ci[0] === s.ci[1]) return fmtNum(s.mean);
  return `${fmtNum(s.mean)} [${fmtNum(s.ci[0])}, ${fmtNum(s.ci[1])}]`;
}

export function fmtChange(r: CheckRow): string {
  if (r.delta === null) return '–';
  if (r.delta === 0) return '0';
  const sign = r.delta > 0 ? '+' : '';
  if (r.relative !== null && Number.isFinite(r.relative)) return `${sign}${(r.relative * 100).toFixed(Math.abs(r.relative) < 0.1 ? 1 : 0)}%`;
  return `${sign}${fmtNum(r.delta)}`;
}

export function verdictLabel(v: Verdict): string {
  return v === 'regression' ? 'REGRESSION' : v;
}

export function overall(r: CheckReport): string {
  const parts = [`${r.regressions} regression${r.regressions === 1 ? '' : 's'}`, `${r.improvements} improvement${r.improvements === 1 ? '' : 's'}`];
  if (r.changedScenarios.length) parts.push(`${r.changedScenarios.length} changed scenario${r.changedScenarios.length === 1 ? '' : 's'} not compared`);
  const status = r.exitCode === 1 ? 'FAIL' : r.exitCode === 2 ? 'STALE BASELINE' : 'PASS';
  return `${status}: ${parts.join(', ')}`;
}

const caseOf = (r: CheckRow) => (r.slot === r.policy ? r.policy : `${r.slot}=${r.policy}`);

/** Fixed-width table for stdout. */
export function textTable(r: CheckReport): string {
  const header = ['scenario', 'policy', 'metric', 'baseline', 'now', 'change', 'verdict', 'why'];
  const body = r.rows.map((x) => [x.scenario, caseOf(x), x.metric, fmtStats(x.baseline), fmtStats(x.now), fmtChange(x), verdictLabel(x.verdict), x.reason]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
  for (const n of r.notes) out.push(`note: ${n}`);
  out.push(overall(r));
  return `${out.join('\n')}\n`;
}

const mdEsc = (s: string) => s.replace(/\|/g, '\\|');

/** Markdown for $GITHUB_STEP_SUMMARY. */
export function markdown(r: CheckReport, title: string): string {
  const icon = r.exitCode === 1 ? '❌' : r.exitCode === 2 ? '⚠️' : '✅';
  const lines = [`### ${icon} swarmsim check: ${mdEsc(title)} — ${overall(r)}`, '', '| scenario | policy | metric | baseline | now | change | verdict |', '|---|---|---|---:|---:|---:|---|'];
  for (const x of r.rows) {
    const v = x.verdict === 'regression' ? '**regression** ❌' : x.verdict === 'improvement' ? 'improvement ⬆️' : x.verdict;
    lines.push(`| ${mdEsc(x.scenario)} | ${mdEsc(caseOf(x))} | \`${x.metric}\` | ${fmtStats(x.baseline)} | ${fmtStats(x.now)} | ${fmtChange(x)} | ${v} |`);
  }
  if (r.notes.length) lines.push('', ...r.notes.map((n) => `- ${mdEsc(n)}`));
  return `${lines.join('\n')}\n\n`;
}

const xmlEsc = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** JUnit XML: a testsuite per scenario × policy, a testcase per metric. */
export function junit(r: CheckReport, title: string): string {
  const groups = new Map<string, CheckRow[]>();
  for (const x of r.rows) {
    const k = `${x.scenario} · ${caseOf(x)}`;
    let a = groups.get(k);
    if (!a) groups.set(k, (a = []));
    a.push(x);
  }
  const count = (rows: CheckRow[], v: Verdict) => rows.filter((x) => x.verdict === v).length;
  const suites = [...groups].map(([name, rows]) => {
    const cases = rows.map((x) => {
      const detail = `baseline ${fmtStats(x.baseline)}, now ${fmtStats(x.now)}, change ${fmtChange(x)}: ${x.reason}`;
      const cls = `swarmsim.${x.scenario}.${x.slot}`;
      let inner = '';
      if (x.verdict === 'regression') inner = `<failure type="regression" message="${xmlEsc(`${x.metric} regressed: ${detail}`)}">${xmlEsc(detail)}</failure>`;
      else if (x.verdict === 'scenario changed') inner = `<error type="scenario changed" message="${xmlEsc(`scenario ${x.scenario} changed since the baseline; run with --update`)}"/>`;
      else if (x.verdict === 'no baseline') inner = `<skipped message="no baseline value; run with --update"/>`;
      else inner = `<system-out>${xmlEsc(`${x.verdict}: ${detail}`)}</system-out>`;
      return `    <testcase classname="${xmlEsc(cls)}" name="${xmlEsc(x.metric)}">${inner}</testcase>`;
    });
    return `  <testsuite name="${xmlEsc(name)}" tests="${rows.length}" failures="${count(rows, 'regression')}" errors="${count(rows, 'scenario changed')}" skipped="${count(rows, 'no baseline')}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const all = r.rows;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xmlEsc(`swarmsim check ${title}`)}" tests="${all.length}" failures="${count(all, 'regression')}" errors="${count(all, 'scenario changed')}" skipped="${count(all, 'no baseline')}">\n${suites.join('\n')}\n</testsuites>\n`;
}
