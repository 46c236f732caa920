import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { SWEEP_METRICS } from '../../reports/charts/sweep-common.js';
import { readCsv } from '../../reports/csv.js';
import { writeReport } from '../../reports/report.js';
import { fmt } from '../../reports/svg.js';
import { launchBrowser, openReport, type OpenReport } from './browser.js';
import { runSweepFixture, tempDir } from './fixtures.js';

/**
 * A real small sweep (test/reports/sweep-fixture/sweep.yaml: leechers 1, 2, 4 × PEX on/off, two
 * policies, two replications of 3 simulated minutes), its report opened in headless Chromium. What
 * each sweep chart should draw is worked out here from comparison.csv's cells directly, not
 * through the report's prep code.
 */

const LEECHERS = 'population.leechers.count';
const PEX = 'discovery.pex.enabled';
const KEYS = { [LEECHERS]: ['1', '2', '4'], [PEX]: ['true', 'false'] } as Record<string, string[]>;
const CHART = { [LEECHERS]: 'sweep-population-leechers-count', [PEX]: 'sweep-discovery-pex-enabled' } as Record<string, string>;
const POLICIES = ['transmission-4.1', 'naive'];

let browser: Browser;
let r: OpenReport;
let page: Page;
let csv: Record<string, string>[];

beforeAll(async () => {
  const dir = tempDir();
  await runSweepFixture(dir);
  const { html } = await writeReport(dir);
  const t = readCsv(join(dir, 'comparison.csv'));
  csv = t.rows.map((row) => Object.fromEntries(t.header.map((h, i) => [h, row[i]!])));
  browser = await launchBrowser();
  r = await openReport(browser, html, { width: 1100, height: 900 });
  page = r.page;
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

const other = (key: string) => (key === LEECHERS ? PEX : LEECHERS);
const cellOf = (row: Record<string, string>, mode: 'mean' | 'diff') => (mode === 'mean' ? [row.mean, row.ci_low, row.ci_high] : [row.diff_mean, row.diff_ci_low, row.diff_ci_high]).map((v) => (v === '' || v === undefined ? null : Number(v)));

/** What the CSV implies one panel's series of one policy draws: points, whiskers (a CI of some width) and lines. */
function expected(key: string, facetValue: string, metric: string, policy: string, mode: 'mean' | 'diff'): { points: number; whiskers: number; lines: number } {
  const idx: number[] = [];
  let whiskers = 0;
  KEYS[key]!.forEach((x, i) => {
    const row = csv.find((c) => c[key] === x && c[other(key)] === facetValue && c.policy === policy && c.metric === metric);
    if (!row) return;
    const [m, lo, hi] = cellOf(row, mode);
    if (m === null) return;
    idx.push(i);
    if (lo !== null && hi !== null && hi > lo) whiskers++;
  });
  return { points: idx.length, whiskers, lines: idx.some((i, k) => k > 0 && idx[k - 1] === i - 1) ? 1 : 0 };
}

/** Visible marks per panel (metric, facet) and policy of one chart. */
function drawn(chartId: string): Promise<{ metric: string; facet: string; policy: string; points: number; whiskers: number; lines: number; ticks: string[] }[]> {
  return page.evaluate((id) => {
    const shown = (e: Element) => getComputedStyle(e).display !== 'none' && (e.closest('[data-policy]') === null || getComputedStyle(e.closest('[data-policy]')!).display !== 'none');
    const out: { metric: string; facet: string; policy: string; points: number; whiskers: number; lines: number; ticks: string[] }[] = [];
    for (const cell of document.querySelectorAll(`svg#${id} g.sweep-cell`)) {
      const ticks = [...cell.querySelectorAll('g.x-axis .tick text')].map((t) => t.textContent ?? '');
      for (const g of cell.querySelectorAll('g.series')) {
        out.push({
          metric: cell.getAttribute('data-metric')!,
          facet: cell.getAttribute('data-facet')!,
          policy: g.getAttribute('data-policy')!,
          points: [...g.querySelectorAll('circle.point')].filter(shown).length,
          whiskers: [...g.querySelectorAll('g.ci')].filter((w) => shown(w) && w.getBoundingClientRect().height > 0).length,
          lines: [...g.querySelectorAll('path.line')].filter((l) => shown(l) && (l.getAttribute('d') ?? '') !== '').length,
          ticks,
        });
      }
    }
    return out;
  }, chartId);
}

describe('a sweep report in Chromium', () => {
  it('loads without console errors or network requests and has the sweep section', async () => {
    expect(r.errors).toEqual([]);
    expect(r.requests).toEqual([]);
    expect(await page.locator('section#q-sweep figure svg.chart').count()).toBe(4);
  });

  it('each metric and difference chart draws, per facet and policy, the points, whiskers and lines the CSV implies, over the swept values', async () => {
    const metrics = SWEEP_METRICS.map((m) => m.metric).filter((m) => csv.some((c) => c.metric === m));
    expect(metrics).toHaveLength(5);
    for (const key of [LEECHERS, PEX])
      for (const mode of ['mean', 'diff'] as const) {
        const id = `${CHART[key]}${mode === 'diff' ? '-diff' : ''}`;
        const marks = await drawn(id);
        const policies = mode === 'diff' ? POLICIES.slice(1) : POLICIES;
        // every metric × facet × policy once
        expect(marks).toHaveLength(metrics.length * KEYS[other(key)]!.length * policies.length);
        for (const metric of metrics)
          for (const fv of KEYS[other(key)]!)
            for (const policy of policies) {
              const m = marks.find((x) => x.metric === metric && x.facet === `${other(key)}=${fv}` && x.policy === policy);
              expect(m, `${id} ${metric} ${fv} ${policy}`).toBeDefined();
              expect({ points: m!.points, whiskers: m!.whiskers, lines: m!.lines }, `${id} ${metric} ${other(key)}=${fv} ${policy}`).toEqual(expected(key, fv, metric, policy, mode));
              expect(m!.ticks).toEqual(KEYS[key]);
            }
        const total = marks.reduce((a, x) => a + x.points, 0);
        expect(total).toBeGreaterThan(metrics.length * policies.length);
      }
  });

  it('hovering a point shows its mean, CI and n from comparison.csv, and a difference point its paired difference', async () => {
    const row = csv.find((c) => c[LEECHERS] === '2' && c[PEX] === 'true' && c.policy === 'naive' && c.metric === 'subject_wasted_handshakes')!;
    const point = page.locator(`svg#${CHART[LEECHERS]} g.sweep-block[data-metric="subject_wasted_handshakes"] g.sweep-cell[data-facet="${PEX}=true"] g.series[data-policy="naive"] circle.point[data-x="2"]`);
    expect(await point.count()).toBe(1);
    await point.evaluate((e) => e.scrollIntoView({ block: 'center' }));
    await point.hover();
    const tip = page.locator('#tooltip');
    await expect.poll(() => tip.isVisible()).toBe(true);
    const text = await tip.innerText();
    expect(text).toContain(`naive · wasted handshakes · subject at ${LEECHERS}=2, ${PEX}=true: ${fmt.num(Number(row.mean))} [${fmt.num(Number(row.ci_low))}, ${fmt.num(Number(row.ci_high))}]`);
    expect(text).toContain(`n=${row.n}`);

    const diff = page.locator(`svg#${CHART[PEX]}-diff g.sweep-block[data-metric="subject_churn_per_peer_min"] g.sweep-cell[data-facet="${LEECHERS}=4"] g.series[data-policy="naive"] circle.point[data-x="false"]`);
    const drow = csv.find((c) => c[LEECHERS] === '4' && c[PEX] === 'false' && c.policy === 'naive' && c.metric === 'subject_churn_per_peer_min')!;
    await diff.evaluate((e) => e.scrollIntoView({ block: 'center' }));
    await diff.hover();
    const d = Number(drow.diff_mean);
    expect(await tip.innerText()).toContain(`naive − transmission-4.1 · churn · subject at ${PEX}=false, ${LEECHERS}=4: ${d >= 0 ? '+' : ''}${fmt.num(d)} [${fmt.num(Number(drow.diff_ci_low))}, ${fmt.num(Number(drow.diff_ci_high))}]`);
    await page.mouse.move(0, 0);
  });

  it('unticking a policy hides its marks in the sweep charts and refits the y axes to the policies shown', async () => {
    const block = `svg#${CHART[LEECHERS]} g.sweep-block[data-metric="subject_wasted_handshakes"]`;
    const state = () =>
      page.evaluate((sel) => {
        const b = document.querySelector(sel)!;
        const ticks = [...b.querySelectorAll('g.sweep-cell')].map((c) => Math.max(...[...c.querySelectorAll('g.y-axis .tick text')].map((t) => Number(t.textContent!.replace(/,/g, '')))));
        const ref = [...b.querySelectorAll('g.series[data-policy="transmission-4.1"] circle.point')];
        const cy = ref.map((c) => Number(c.getAttribute('cy')));
        const maxShown = Math.max(...ref.map((c) => Number(c.getAttribute('data-hi') ?? c.getAttribute('data-mean'))));
        return { ticks, cy, maxShown, path: b.querySelector('g.series[data-policy="transmission-4.1"] path.line')!.getAttribute('d') };
      }, block);
    const before = await state();
    const naiveMarks = async () => (await Promise.all(Object.values(CHART).flatMap((id) => [drawn(id), drawn(`${id}-diff`)]))).flat().filter((m) => m.policy === 'naive').reduce((a, m) => a + m.points + m.whiskers + m.lines, 0);
    expect(await naiveMarks()).toBeGreaterThan(20);
    await page.locator('#policy-toggle input').nth(POLICIES.indexOf('naive')).uncheck();
    expect(await naiveMarks()).toBe(0);
    const refLeft = (await drawn(CHART[LEECHERS]!)).filter((m) => m.policy === 'transmission-4.1');
    expect(refLeft.reduce((a, m) => a + m.points, 0)).toBeGreaterThan(0);
    const after = await state();
    // naive wastes far more: the axis shrinks to transmission-4.1's scale but still covers it
    for (let i = 0; i < after.ticks.length; i++) {
      expect(after.ticks[i]).toBeLessThan(before.ticks[i]! / 4);
      expect(after.ticks[i]! * 1.6).toBeGreaterThanOrEqual(after.maxShown);
    }
    expect(Math.min(...after.cy)).toBeLessThan(Math.min(...before.cy) - 40);
    expect(after.path).not.toBe(before.path);
    // clicking the legend entry brings it back, axes as first drawn
    await page.locator(`svg#${CHART[LEECHERS]} [data-legend-policy="naive"]`).click();
    expect(await page.locator('#policy-toggle input').nth(1).isChecked()).toBe(true);
    const restored = await state();
    expect(restored.ticks).toEqual(before.ticks);
    expect(restored.cy).toEqual(before.cy);
    expect(await naiveMarks()).toBeGreaterThan(20);
    // and so does "show all"
    await page.locator('#policy-toggle input').nth(POLICIES.indexOf('naive')).uncheck();
    expect((await state()).ticks).toEqual(after.ticks);
    await page.locator('#show-all').click();
    expect((await state()).ticks).toEqual(before.ticks);
    expect(r.errors).toEqual([]);
  });
});
