import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { bandClientData, bandTimeUnit } from './charts/band.js';
import { churnChart, CHURN_Y_LABEL } from './charts/churn.js';
import { completionChart, COMPLETION_Y_LABEL } from './charts/completion.js';
import { rasterChart } from './charts/raster.js';
import { BAR_METRICS, summaryBarsChart } from './charts/summary-bars.js';
import { SWEEP_METRICS } from './charts/sweep-common.js';
import { sweepDiffChart } from './charts/sweep-diff.js';
import { sweepMetricChart } from './charts/sweep-metric.js';
import { groupFacets } from './charts/time-common.js';
import { wastedChart, WASTED_Y_LABEL } from './charts/wasted.js';
import { loadOutputs, type ComparisonRow, type Outputs, type SummaryRow } from './data.js';
import { writeFileAtomic } from './fs-atomic.js';
import { CLIENT_SWEEP_JS } from './client-sweep-script.js';
import { escapeHtml, renderHtml, type Section } from './html.js';
import { policyStyles, type PolicyStyle } from './palette.js';
import { svgToPng } from './png.js';
import { rasterData } from './prep/raster.js';
import { rowsFromStats, sweepSeries } from './prep/sweep.js';
import { statsFromComparison, summaryStats, type MetricStat } from './prep/summary.js';
import { churnSeries, completionSeries, runKeyString, wastedSeries, type GroupSeries } from './prep/timeseries.js';
import { completionFromArrival } from './prep/completion.js';
import { fmt } from './svg.js';

/** At most this many scenario points get their own time-series charts and raster. */
const MAX_UNITS = 12;

export interface ReportFiles {
  /** Path of report.html. */
  html: string;
  /** Paths of the plots written (SVG and PNG). */
  plots: string[];
}

/** File-name-safe form of a scenario name. */
export function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'scenario';
}

function statsFor(out: Outputs, scenario: string): MetricStat[] {
  const metrics = BAR_METRICS.map((m) => m.metric);
  if (out.comparison) {
    const rows = out.comparison.filter((r) => r.scenario === scenario);
    const st = statsFromComparison(rows, metrics);
    if (st.length > 0) return st;
  }
  return summaryStats(
    out.summary.filter((r) => r.scenario === scenario),
    metrics.filter((m) => out.summaryMetrics.includes(m)),
    out.policies,
  );
}

/** Comparison rows of a scenario's headline metrics: comparison.csv, or computed from summary.csv without one. */
function sweepRows(out: Outputs, scenario: string): ComparisonRow[] {
  const metrics = SWEEP_METRICS.map((m) => m.metric);
  const rows = out.comparison?.filter((r) => r.scenario === scenario && metrics.includes(r.metric)) ?? [];
  if (rows.length > 0) return rows;
  const mine = out.summary.filter((r) => r.scenario === scenario);
  const points = new Map(mine.map((r) => [r.pointLabel, r.point]));
  return rowsFromStats(summaryStats(mine, metrics.filter((m) => out.summaryMetrics.includes(m)), out.policies), points);
}

function statsTable(stats: readonly MetricStat[], styles: readonly PolicyStyle[]): string {
  const metrics = BAR_METRICS.filter((m) => stats.some((s) => s.metric === m.metric));
  const points = [...new Set(stats.map((s) => s.pointLabel))];
  const head = `<tr>${points.length > 1 ? '<th>point</th>' : ''}<th>policy</th><th class="num">n</th>${metrics.map((m) => `<th class="num" title="${escapeHtml(m.metric)}">${escapeHtml(m.label)}</th>`).join('')}</tr>`;
  const rows: string[] = [];
  for (const pt of points)
    for (const st of styles) {
      const ms = stats.filter((s) => s.pointLabel === pt && s.policy === st.policy);
      if (ms.length === 0) continue;
      const cells = metrics.map((m) => {
        const s = ms.find((x) => x.metric === m.metric);
        return `<td class="num">${s ? `${fmt.num(s.mean)} <small>[${fmt.num(s.lo)}, ${fmt.num(s.hi)}]</small>` : '–'}</td>`;
      });
      rows.push(`<tr data-policy="${escapeHtml(st.policy)}">${points.length > 1 ? `<td>${escapeHtml(pt)}</td>` : ''}<td><span class="sw" style="background:${st.color}"></span>${escapeHtml(st.policy)}</td><td class="num">${ms[0]!.n}</td>${cells.join('')}</tr>`);
    }
  return `<details><summary>the numbers (mean [95% CI])</summary><div style="overflow-x:auto"><table class="stats">${head}${rows.join('')}</table></div></details>`;
}

function describe(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'number' || typeof x === 'string')) return v.length > 24 ? `${v.slice(0, 24).join(', ')}, … (${v.length})` : v.join(' ');
    if (v.every((x) => x !== null && typeof x === 'object' && typeof (x as { label?: unknown }).label === 'string')) return v.map((x) => (x as { label: string }).label).join(', ');
    return null;
  }
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.name === 'string') return o.name;
    if (typeof o.mode === 'string') return Object.values(o).join(', ');
    const vals = Object.values(o);
    if (vals.length > 0 && vals.every((x) => typeof x === 'number')) return `${vals.reduce((a: number, b) => a + (b as number), 0)} (total of ${vals.length})`;
  }
  return null;
}

/**
 * The manifest's facts as label/value pairs: every top-level value that reads as one line
 * (version, command, scenario, seeds…), plus the scenario hash of each point and the events
 * processed over all runs (manifest.json of sim/experiments/output.ts).
 */
export function manifestFacts(m: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(m)) {
    if (k === 'seeds' && Array.isArray(v)) {
      out.push([k, v.join(', ')]);
      continue;
    }
    const d = describe(v);
    if (d !== null) out.push([k, d]);
  }
  if (Array.isArray(m.points)) {
    const hashes = (m.points as { scenario_sha256?: unknown }[]).map((p) => p?.scenario_sha256).filter((h): h is string => typeof h === 'string');
    if (hashes.length) out.push(['scenario_sha256', hashes.length > 4 ? `${hashes.slice(0, 4).join(', ')}, … (${hashes.length})` : hashes.join(', ')]);
  }
  if (Array.isArray(m.runs)) {
    const ev = (m.runs as { events?: unknown }[]).reduce((a, r) => a + (typeof r?.events === 'number' ? r.events : 0), 0);
    out.push(['events processed', `${ev.toLocaleString('en-US')} over ${m.runs.length} runs`]);
  }
  return out;
}

function versionOf(m: Record<string, unknown> | null): string {
  const v = m?.swarmsim ?? m?.version;
  return typeof v === 'string' ? v : 'unknown version';
}

/**
 * Regenerates the report of an output directory from its CSV files: plots/*.svg and plots/*.png
 * (PNG via resvg with the bundled DejaVu font) and a self-contained report.html. Every file is
 * written under a temporary name and renamed into place. Missing or malformed inputs throw an
 * InputError before anything is written.
 */
export async function writeReport(outDir: string): Promise<ReportFiles> {
  const out = loadOutputs(outDir);
  const stylesMap = policyStyles(out.policies);
  const styles = [...stylesMap.values()];
  const plots: { name: string; svg: string }[] = [];
  const charts: Record<string, unknown> = {};
  const sections: Record<'churn' | 'wasted' | 'completion' | 'summary' | 'sweep' | 'raster', Section> = {
    churn: {
      id: 'q-churn',
      question: 'How much connection churn does each policy cause, and does it settle?',
      intro: 'Connections closed per online peer per minute in each sampling interval. A reconnect loop shows as churn that stays high instead of falling once the swarm has formed. Left: the subject peers (running the compared policy); right: the whole swarm, which also pays for the dials it receives.',
      figures: [],
    },
    wasted: {
      id: 'q-wasted',
      question: 'How many handshakes are wasted, and how fast do they pile up?',
      intro: 'Running total of handshakes that were closed without a single piece byte (for example seed to seed). A straight climbing line is a loop that never stops; a good policy flattens out.',
      figures: [],
    },
    completion: {
      id: 'q-completion',
      question: 'Do leechers still finish as fast? (completion-time CDF)',
      intro: 'Share of leechers that hold the whole file by each time since the leecher arrived. A policy that avoids wasted connections must not starve the swarm of useful ones: its curve should not lie to the right of the others.',
      figures: [],
    },
    summary: {
      id: 'q-summary',
      question: 'Overall, which policy costs what? (summary with confidence intervals)',
      intro: 'Per-run metrics averaged over replications, and the paired difference to the reference policy over runs with the same seed (common random numbers make these intervals narrow).',
      figures: [],
    },
    sweep: {
      id: 'q-sweep',
      question: 'How does each policy\u2019s cost change with the swept parameters?',
      intro: 'Each headline metric against each parameter the sweep varies, one line per policy (mean over replications, whisker: 95% CI), one panel per value of the other swept parameters; below each, the paired difference to the reference policy over runs with the same seeds, with a dashed zero line.',
      figures: [],
    },
    raster: {
      id: 'q-raster',
      question: 'What does one peer\u2019s reconnect storm look like?',
      intro: 'Every outbound dial of one subject peer (the busiest one in the traced replication), one row per remote peer. Repeated marks along a row are the same peer dialled again and again.',
      figures: [],
    },
  };

  // Time series and the raster per scenario × sweep point (at most MAX_UNITS of them); the summary per scenario.
  const units: { scenario: string; pointLabel: string }[] = [];
  for (const r of out.summary) if (!units.some((u) => u.scenario === r.scenario && u.pointLabel === r.pointLabel)) units.push({ scenario: r.scenario, pointLabel: r.pointLabel });
  const multi = units.length > 1;
  const shown = units.slice(0, MAX_UNITS);
  if (units.length > shown.length) {
    const note = `<p class="note">Showing the first ${shown.length} of ${units.length} scenario points; the summary below covers them all.</p>`;
    for (const k of ['churn', 'wasted', 'completion', 'raster'] as const) sections[k].extra = note;
  }
  const sumByKey = new Map<string, SummaryRow>();
  for (const r of out.summary) sumByKey.set(runKeyString(r), r);

  for (const u of shown) {
    const label = u.pointLabel ? `${u.scenario} (${u.pointLabel})` : u.scenario;
    const sfx = multi ? `-${slug(u.pointLabel ? `${u.scenario} ${u.pointLabel}` : u.scenario)}` : '';
    const runs = out.timeseries.filter((r) => r.scenario === u.scenario && r.pointLabel === u.pointLabel);
    const timeCharts: [keyof typeof sections, string, GroupSeries, (d: GroupSeries, o: { styles: ReadonlyMap<string, PolicyStyle>; id: string; scenario: string }) => string, string, string][] = [
      ['churn', 'churn', churnSeries(runs, out.policies), churnChart, CHURN_Y_LABEL, 'Churn per peer per minute: mean over replications with 95% band.'],
      ['wasted', 'wasted', wastedSeries(runs, out.policies), wastedChart, WASTED_Y_LABEL, 'Cumulative wasted handshakes: mean over replications with 95% band.'],
      out.peers
        ? ['completion', 'completion', completionFromArrival(out.peers, out.summary.filter((r) => r.scenario === u.scenario && r.pointLabel === u.pointLabel), out.policies, out.subjectGroup), (d, o) => completionChart(d, { ...o, fromArrival: true }), COMPLETION_Y_LABEL, 'Completion-time CDF from each leecher\u2019s arrival (peers.csv): mean over replications with 95% band.']
        : ['completion', 'completion', completionSeries(runs, out.policies, (r) => sumByKey.get(runKeyString(r))), completionChart, COMPLETION_Y_LABEL, 'Completion-time CDF from the start of the run (this folder has no peers.csv): mean over replications with 95% band.'],
    ];
    for (const [section, name, series, chart, yLabel, caption] of timeCharts) {
      const id = `${name}${sfx}`;
      const svg = chart(series, { styles: stylesMap, id, scenario: label });
      const facets = groupFacets(series);
      const tu = bandTimeUnit(facets);
      charts[id] = bandClientData(facets, { yLabel, tDiv: tu.div, tUnit: tu.unit });
      plots.push({ name: id, svg });
      sections[section].figures.push({ svg, caption: `${multi ? `${label}: ` : ''}${caption} Hover for values; plots/${id}.png` });
    }
    const rd = out.connections ? rasterData(out.connections, u.scenario, out.policies, { subjectGroup: out.subjectGroup, pointLabel: u.pointLabel }) : null;
    if (rd) {
      const rid = `raster${sfx}`;
      let tMax = 0;
      for (const r of runs) for (const t of r.t) tMax = Math.max(tMax, t);
      const svg = rasterChart({ ...rd, scenario: label }, { styles: stylesMap, id: rid, ...(tMax > 0 ? { tMax } : {}) });
      plots.push({ name: rid, svg });
      sections.raster.figures.push({ svg, caption: `${multi ? `${label}: ` : ''}Subject peer ${rd.peer}; hover a mark for the dial; plots/${rid}.png` });
    } else {
      sections.raster.extra = (sections.raster.extra ?? '') + `<p class="note">${multi ? `${escapeHtml(label)}: ` : ''}${out.connections ? 'The connection trace has no outbound dial of a subject peer.' : 'No connections.csv in this directory: run with --trace to record one.'}</p>`;
    }
  }
  for (const sc of out.scenarios) {
    const sfx = out.scenarios.length > 1 ? `-${slug(sc)}` : '';
    const stats = statsFor(out, sc);
    const barsId = `summary${sfx}`;
    const bars = summaryBarsChart(stats, { styles: stylesMap, id: barsId, scenario: sc });
    plots.push({ name: barsId, svg: bars });
    sections.summary.figures.push({ svg: bars, caption: `${out.scenarios.length > 1 ? `${sc}: ` : ''}Bars: mean ± 95% CI; dots: paired difference ± 95% CI. Hover a bar or dot for the numbers; plots/${barsId}.png` });
    sections.summary.extra = (sections.summary.extra ?? '') + statsTable(stats, styles);
    // A sweep: each headline metric and its paired difference against each grid key.
    for (const ks of sweepSeries(sweepRows(out, sc), { scenario: sc, metrics: SWEEP_METRICS.map((m) => m.metric), policies: out.policies })) {
      const base = `sweep-${slug(ks.key)}${sfx}`;
      const where = `${out.scenarios.length > 1 ? `${sc}: ` : ''}${ks.key}${ks.scale === 'log' ? ' (log scale)' : ''}`;
      for (const [id, svg, caption] of [
        [`${base}`, sweepMetricChart(ks, { styles: stylesMap, id: base }), 'mean ± 95% CI per policy'],
        [`${base}-diff`, sweepDiffChart(ks, { styles: stylesMap, id: `${base}-diff` }), `paired difference to ${ks.ref} ± 95% CI`],
      ] as const) {
        plots.push({ name: id, svg });
        sections.sweep.figures.push({ svg, caption: `${where}: ${caption}. Hover a point for the numbers; plots/${id}.png` });
      }
    }
  }

  const plotsDir = join(outDir, 'plots');
  mkdirSync(plotsDir, { recursive: true });
  const written: string[] = [];
  for (const p of plots) {
    const svgPath = join(plotsDir, `${p.name}.svg`);
    writeFileAtomic(svgPath, `<?xml version="1.0" encoding="UTF-8"?>\n${p.svg}\n`);
    const pngPath = join(plotsDir, `${p.name}.png`);
    writeFileAtomic(pngPath, svgToPng(p.svg));
    written.push(svgPath, pngPath);
  }
  const version = versionOf(out.manifest);
  const seeds = [...new Set(out.summary.map((r) => r.seed))].sort((a, b) => a - b);
  const reps = new Set(out.summary.map((r) => `${r.rep}`)).size;
  const html = renderHtml({
    title: `swarmsim report — ${out.scenarios.join(', ')}`,
    subtitle: `${out.policies.length} polic${out.policies.length === 1 ? 'y' : 'ies'} × ${reps} replication${reps === 1 ? '' : 's'} · seeds ${seeds.length > 12 ? `${seeds.slice(0, 12).join(', ')}, …` : seeds.join(', ')} · swarmsim ${version} · reference policy ${out.policies[0]}`,
    styles,
    sections: Object.values(sections).filter((s) => s !== sections.sweep || s.figures.length > 0),
    manifestFacts: out.manifest ? manifestFacts(out.manifest) : [],
    manifestJson: out.manifest ? JSON.stringify(out.manifest, null, 2) : null,
    data: { policies: styles.map((s) => ({ policy: s.policy, color: s.color, dash: s.dash })), charts },
    ...(sections.sweep.figures.length > 0 ? { scripts: [CLIENT_SWEEP_JS] } : {}),
  });
  const htmlPath = join(outDir, 'report.html');
  writeFileAtomic(htmlPath, html);
  return { html: htmlPath, plots: written };
}
