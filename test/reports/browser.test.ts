import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAR_METRICS } from '../../reports/charts/summary-bars.js';
import { loadOutputs, type Outputs } from '../../reports/data.js';
import { rasterData } from '../../reports/prep/raster.js';
import { statsFromComparison } from '../../reports/prep/summary.js';
import { completionSeries, runKeyString } from '../../reports/prep/timeseries.js';
import { writeReport } from '../../reports/report.js';
import { runExperiment } from '../../sim/experiments/experiment.js';
import { launchBrowser, openReport } from './browser.js';
import { tempDir } from './fixtures.js';

/**
 * A real tiny run (seed-heavy, 20 simulated minutes, three policies × 3 replications,
 * first replication traced), its report opened from file:// in the Chromium that npm installs
 * (`@sparticuz/chromium`; no skip: a browser that cannot start fails this test). Plain launch()
 * gives a fresh profile. Expected mark counts come from the CSVs through the prep
 * functions, and the raster's dial count from connections.csv directly.
 */

let browser: Browser;
let page: Page;
let out: Outputs;
let POLICIES: string[];
let dir: string;
let errors: string[];
let requests: string[];

beforeAll(async () => {
  dir = tempDir();
  const policies = ['transmission-main-2023', 'transmission-4.1', 'naive'];
  await runExperiment({ scenario: 'scenarios/seed-heavy.yaml', fixed: [{ path: 'duration', value: '20m' }], policies, reps: 3, out: dir, trace: { mode: 'subject', reps: 'first' } });
  const { html } = await writeReport(dir);
  out = loadOutputs(dir);
  POLICIES = out.policies;
  expect(POLICIES).toEqual(policies);
  browser = await launchBrowser();
  ({ page, errors, requests } = await openReport(browser, html, { width: 1100, height: 900 }));
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

/** Visible marks per chart and policy: [selector within the policy's groups]. */
async function countMarks(chartId: string, selector: string): Promise<Record<string, number>> {
  return page.evaluate(
    ([id, sel]) => {
      const out: Record<string, number> = {};
      for (const g of document.querySelectorAll(`svg#${id} [data-policy]`)) {
        const p = g.getAttribute('data-policy')!;
        const n = [...g.querySelectorAll(sel!)].filter((e) => (e as SVGGraphicsElement).getBoundingClientRect().width + (e as SVGGraphicsElement).getBoundingClientRect().height > 0 && (e.getAttribute('d') ?? 'x') !== '').length;
        out[p] = (out[p] ?? 0) + n;
      }
      return out;
    },
    [chartId, selector],
  );
}

describe('report.html in Chromium', () => {
  it('loads from file:// without console errors or network requests', () => {
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('draws every chart with one series per policy', async () => {
    for (const id of ['churn', 'wasted']) {
      const lines = await countMarks(id, 'path.line');
      const bands = await countMarks(id, 'path.band');
      for (const p of POLICIES) {
        expect(lines[p], `${id} lines of ${p}`).toBe(2); // subject + swarm facets
        expect(bands[p], `${id} bands of ${p}`).toBe(2);
      }
    }
    // completion: a facet whose group has no leechers draws no curve and says so
    const sum = new Map(out.summary.map((r) => [runKeyString(r), r]));
    const cs = completionSeries(out.timeseries, POLICIES, (r) => sum.get(runKeyString(r)));
    const facetsWithCurves = [cs.subject, cs.swarm].filter((f) => [...f.values()].some((pts) => pts.length > 0)).length;
    expect(facetsWithCurves).toBeGreaterThan(0);
    const cLines = await countMarks('completion', 'path.line');
    for (const p of POLICIES) expect(cLines[p], `completion lines of ${p}`).toBe(facetsWithCurves);
    expect(await page.locator('svg#completion text.empty-note').count()).toBe(2 - facetsWithCurves);

    const stats = statsFromComparison(out.comparison!, BAR_METRICS.map((m) => m.metric));
    const bars = await countMarks('summary', 'rect.bar');
    const diffs = await countMarks('summary', 'circle.diff');
    expect(await page.locator('svg#summary g.metric-row').count()).toBe(new Set(stats.map((x) => x.metric)).size);
    for (const p of POLICIES) {
      expect(bars[p] ?? 0, `bars of ${p}`).toBe(stats.filter((x) => x.policy === p && x.mean !== null).length);
      expect(diffs[p] ?? 0, `diffs of ${p}`).toBe(stats.filter((x) => x.policy === p && x.diff?.mean != null).length);
    }
    expect(diffs[POLICIES[0]!] ?? 0).toBe(0); // the reference has no difference to itself
    expect(bars[POLICIES[1]!]).toBeGreaterThan(4);

    const rd = rasterData(out.connections!, out.scenarios[0]!, POLICIES, { subjectGroup: out.subjectGroup })!;
    const csv = readFileSync(join(dir, 'connections.csv'), 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split(','));
    const head = readFileSync(join(dir, 'connections.csv'), 'utf8').split('\n')[0]!.split(',');
    const col = (n: string) => head.indexOf(n);
    const panels = await page.evaluate(() =>
      [...document.querySelectorAll('svg#raster g.panel')].map((g) => ({
        policy: g.getAttribute('data-policy')!,
        total: Number(g.getAttribute('data-total-dials')),
        drawn: [...g.querySelectorAll('path.dial')].reduce((a, m) => a + Number(m.getAttribute('data-count')), 0),
        marks: g.querySelectorAll('path.dial').length,
      })),
    );
    expect(panels.map((p) => p.policy)).toEqual(POLICIES);
    for (const p of panels) {
      const panel = rd.panels.find((x) => x.policy === p.policy)!;
      const direct = csv.filter((r) => r[col('policy')] === p.policy && Number(r[col('rep')]) === panel.rep && r[col('from')] === String(rd.peer)).length;
      expect(p.total, `raster dials of ${p.policy}`).toBe(direct);
      expect(p.drawn, `dials drawn for ${p.policy}`).toBe(panel.dials.length);
      expect(p.marks).toBeGreaterThan(0);
    }
  });

  it('shows the run manifest', async () => {
    const text = await page.locator('#manifest').innerText();
    const m = out.manifest as { swarmsim: string; seeds: number[]; points: { scenario_sha256: string }[] };
    expect(text).toContain(m.points[0]!.scenario_sha256);
    expect(text).toContain(m.seeds.join(', '));
    expect(text).toContain(m.swarmsim);
    expect(text).toContain('seed-heavy');
  });

  it('hover read-out lists the visible policies at the pointer time', async () => {
    const box = (await page.locator('svg#churn rect.hover-target[data-facet="subject"]').boundingBox())!;
    await page.locator('svg#churn').scrollIntoViewIfNeeded();
    const box2 = (await page.locator('svg#churn rect.hover-target[data-facet="subject"]').boundingBox())!;
    expect(box.width).toBeGreaterThan(100);
    await page.mouse.move(box2.x + box2.width / 2, box2.y + box2.height / 2);
    const tip = page.locator('#tooltip');
    await expect.poll(() => tip.isVisible()).toBe(true);
    const text = await tip.innerText();
    for (const p of POLICIES) expect(text).toContain(p);
    expect(text).toMatch(/t = \d+(\.\d+)? min/);
    // the rule line (zero width, so checked by style) is shown in the hovered facet only
    const ruleShown = await page.evaluate(() => [...document.querySelectorAll('svg#churn line.hover-rule')].map((l) => getComputedStyle(l).display !== 'none'));
    expect(ruleShown).toEqual([true, false]);
  });

  it('policy toggle hides and shows a policy in every chart', async () => {
    const p = POLICIES[1]!;
    const visibleCount = () =>
      page.evaluate((pol) => {
        let n = 0;
        for (const e of document.querySelectorAll('svg.chart [data-policy]')) if (e.getAttribute('data-policy') === pol && getComputedStyle(e).display !== 'none') n++;
        return n;
      }, p);
    const total = await visibleCount();
    expect(total).toBeGreaterThan(10);
    await page.locator('#policy-toggle input').nth(1).uncheck();
    expect(await visibleCount()).toBe(0);
    // other policies untouched
    const lines = await countMarks('churn', 'path.line');
    expect(lines[POLICIES[0]!]).toBe(2);
    // the read-out skips the hidden policy
    const r = (await page.locator('svg#wasted rect.hover-target[data-facet="swarm"]').boundingBox())!;
    await page.locator('svg#wasted').scrollIntoViewIfNeeded();
    const r2 = (await page.locator('svg#wasted rect.hover-target[data-facet="swarm"]').boundingBox())!;
    expect(r.width).toBeGreaterThan(0);
    await page.mouse.move(r2.x + r2.width * 0.8, r2.y + r2.height / 2);
    const text = await page.locator('#tooltip').innerText();
    expect(text).not.toContain(p);
    expect(text).toContain(POLICIES[0]!);
    // screenshot with one policy hidden, then clicking its legend entry shows it again
    await page.locator(`svg#churn [data-legend-policy="${p}"]`).click();
    expect(await visibleCount()).toBe(total);
    expect(await page.locator('#policy-toggle input').nth(1).isChecked()).toBe(true);
  });

  it('hiding a policy rescales the time-series y axes to the policies shown, and showing it restores them', async () => {
    // The wasted-handshake chart's subject panel: transmission-main-2023 (the bug this project
    // grew from) and naive waste 25-40 times what transmission-4.1 does, so hiding them must
    // shrink the axis to transmission-4.1's scale.
    const panel = (): Promise<{ top: number; lineTop: number; lineHeight: number; plotH: number; maxShown: number }> =>
      page.evaluate(() => {
        const data = JSON.parse(document.getElementById('report-data')!.textContent!);
        const rect = document.querySelector('svg#wasted rect.hover-target[data-facet="subject"]')!;
        const g = rect.parentNode as SVGGElement;
        const ticks = [...g.querySelectorAll('g.y-axis .tick text')].map((t) => Number(t.textContent!.replace(/,/g, '')));
        const hidden = new Set([...document.querySelectorAll<HTMLInputElement>('#policy-toggle input')].filter((i) => !i.checked).map((i) => i.getAttribute('data-policy')));
        let maxShown = 0;
        for (const [p, rows] of Object.entries(data.charts.wasted.facets.subject.series as Record<string, number[][]>)) if (!hidden.has(p)) for (const r of rows) maxShown = Math.max(maxShown, r[1]!, r[3]!);
        const plotBox = rect.getBoundingClientRect();
        const line = g.querySelector('g.series[data-policy="transmission-4.1"] path.line') as SVGPathElement;
        const lb = line.getBoundingClientRect();
        return { top: Math.max(...ticks), lineTop: lb.top - plotBox.top, lineHeight: lb.height, plotH: plotBox.height, maxShown };
      });
    const before = await panel();
    const naive = POLICIES.indexOf('naive');
    await page.locator('#policy-toggle input').nth(POLICIES.indexOf('transmission-main-2023')).uncheck();
    await page.locator('#policy-toggle input').nth(naive).uncheck();
    const after = await panel();
    expect(after.maxShown).toBeLessThan(before.maxShown / 2);
    expect(after.top).toBeLessThan(before.top);
    // the axis still covers what is shown, and the shown line now uses more of the plot
    expect(after.top).toBeGreaterThanOrEqual(after.maxShown);
    expect(after.lineHeight).toBeGreaterThan(before.lineHeight * 1.5);
    expect(after.lineTop).toBeGreaterThanOrEqual(-1);
    await page.locator('#show-all').click();
    const restored = await panel();
    expect(restored.top).toBe(before.top);
    expect(Math.abs(restored.lineHeight - before.lineHeight)).toBeLessThan(1);
    // a chart with a fixed domain (completion, a share of 100 %) keeps it
    const completionTop = () => page.evaluate(() => Math.max(...[...document.querySelectorAll('svg#completion g.panel[data-facet="swarm"] g.y-axis .tick text')].map((t) => Number(t.textContent))));
    const fixed = await completionTop();
    await page.locator('#policy-toggle input').nth(naive).uncheck();
    expect(await completionTop()).toBe(fixed);
    await page.locator('#show-all').click();
  });

  it('hiding policies refits the summary bars and differences to the policies shown', async () => {
    const row = (): Promise<{ barW: number; barX: number; whiskerX2: number; zeroX: number; top: number; diffX: number; diffLo: number; panelW: number }> =>
      page.evaluate(() => {
        const r = document.querySelector('svg#summary g.metric-row[data-metric="subject_wasted_handshakes"]')!;
        const bar = r.querySelector('g.bar-group[data-policy="transmission-4.1"] rect.bar')!;
        const whisker = r.querySelectorAll('g.bar-group[data-policy="transmission-4.1"] g.ci line')[0]!;
        const ticks = (sel: string) => Math.max(...[...r.querySelectorAll(`${sel} g.x-axis .tick text`)].map((t) => Number(t.textContent!.replace(/,/g, '').replace('−', '-'))));
        return {
          barW: Number(bar.getAttribute('width')),
          barX: Number(bar.getAttribute('x')),
          whiskerX2: Number(whisker.getAttribute('x2')),
          zeroX: Number(r.querySelector('g.panel.means line.zero')!.getAttribute('x1')),
          top: ticks('g.panel.means'),
          diffX: Number(r.querySelector('g.diff-group[data-policy="transmission-4.1"] circle.diff')!.getAttribute('cx')),
          diffLo: Number(r.querySelector('g.diff-group[data-policy="transmission-4.1"] line.diff-ci')!.getAttribute('x1')),
          panelW: Number(r.querySelector('g.panel.means')!.getAttribute('data-width')),
        };
      });
    const before = await row();
    const mean = Number(await page.locator('svg#summary g.metric-row[data-metric="subject_wasted_handshakes"] g.bar-group[data-policy="transmission-4.1"] rect.bar').getAttribute('data-mean'));
    await page.locator('#policy-toggle input').nth(POLICIES.indexOf('transmission-main-2023')).uncheck();
    await page.locator('#policy-toggle input').nth(POLICIES.indexOf('naive')).uncheck();
    const after = await row();
    // transmission-4.1's bar, a sliver beside naive's, now spans most of the panel; its whisker
    // stays inside, and the axis still reaches past the mean
    expect(before.barW).toBeLessThan(before.panelW / 10);
    expect(after.barW).toBeGreaterThan(before.panelW / 2);
    expect(after.whiskerX2).toBeLessThanOrEqual(after.panelW + 0.01);
    expect(after.barX).toBeCloseTo(after.zeroX, 1);
    expect(after.top).toBeLessThan(before.top);
    expect(after.top).toBeLessThan(mean * 1.2);
    expect(after.top * 1.5).toBeGreaterThan(mean);
    // its paired difference (to the reference policy, hidden or not) stays inside its panel
    expect(after.diffLo).toBeGreaterThanOrEqual(-0.01);
    expect(after.diffX).toBeLessThanOrEqual(after.panelW + 0.01);
    await page.locator('#show-all').click();
    const restored = await row();
    expect(restored.barW).toBeCloseTo(before.barW, 1);
    expect(restored.top).toBe(before.top);
  });

  it('bar and raster marks have hover read-outs; saves a screenshot', async () => {
    const wide = await page.evaluate(() => [...document.querySelectorAll('svg#summary rect.bar')].findIndex((b) => Number(b.getAttribute('width')) > 4));
    const bar = page.locator(`svg#summary rect.bar`).nth(wide);
    // centre it: the sticky header (policy toggle) would cover an element scrolled to the top
    await bar.evaluate((e) => e.scrollIntoView({ block: 'center' }));
    await bar.hover();
    expect(await page.locator('#tooltip').innerText()).toMatch(/n=3/);
    const dial = page.locator('svg#raster path.dial').first();
    await dial.evaluate((e) => e.scrollIntoView({ block: 'center' }));
    await dial.hover({ force: true });
    expect(await page.locator('#tooltip').innerText()).toMatch(/→ peer \d+/);
    await page.mouse.move(0, 0);
    mkdirSync('test-output', { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join('test-output', 'report.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
