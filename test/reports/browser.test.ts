import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../reports/report.js';
import { FIXTURE_POLICIES, tempDir, writeFixture } from './fixtures.js';

/**
 * Opens report.html from file:// in Debian's Chromium (no skip: CI installs `chromium`; a missing
 * browser fails this test). Flags from TOOLCHAIN.md; plain launch() gives a fresh profile.
 */
const CHROMIUM = process.env.SWARMSIM_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let browser: Browser;
let page: Page;
let dials: Record<string, number>;
const errors: string[] = [];
const requests: string[] = [];

beforeAll(async () => {
  const dir = tempDir();
  dials = writeFixture(dir).dialsOfPeer;
  const { html } = await writeReport(dir);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) requests.push(r.url());
  });
  await page.goto(pathToFileURL(html).href);
  await page.waitForSelector('html[data-report-ready="true"]', { timeout: 10_000 });
}, 60_000);

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
    for (const id of ['churn', 'wasted', 'completion']) {
      const lines = await countMarks(id, 'path.line');
      const bands = await countMarks(id, 'path.band');
      for (const p of FIXTURE_POLICIES) {
        expect(lines[p], `${id} lines of ${p}`).toBe(2); // subject + swarm facets
        expect(bands[p], `${id} bands of ${p}`).toBe(2);
      }
    }
    const bars = await countMarks('summary', 'rect.bar');
    const diffs = await countMarks('summary', 'circle.diff');
    const metrics = await page.locator('svg#summary g.metric-row').count();
    expect(metrics).toBe(8);
    for (const p of FIXTURE_POLICIES) expect(bars[p], `bars of ${p}`).toBe(metrics);
    expect(diffs[FIXTURE_POLICIES[0]] ?? 0).toBe(0); // the reference has no difference to itself
    for (const p of FIXTURE_POLICIES.slice(1)) expect(diffs[p], `diffs of ${p}`).toBe(metrics);
    const raster = await countMarks('raster', 'path.dial');
    for (const p of FIXTURE_POLICIES) expect(raster[p], `raster dials of ${p}`).toBe(dials[p]);
  });

  it('shows the run manifest', async () => {
    const text = await page.locator('#manifest').innerText();
    expect(text).toContain('abc123def456');
    expect(text).toContain('9,000 over 9 runs');
    expect(text).toContain('1000, 1001, 1002');
    expect(text).toContain('0.1.0');
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
    for (const p of FIXTURE_POLICIES) expect(text).toContain(p);
    expect(text).toMatch(/t = 1[45] min/);
    // the rule line (zero width, so checked by style) is shown in the hovered facet only
    const ruleShown = await page.evaluate(() => [...document.querySelectorAll('svg#churn line.hover-rule')].map((l) => getComputedStyle(l).display !== 'none'));
    expect(ruleShown).toEqual([true, false]);
  });

  it('policy toggle hides and shows a policy in every chart', async () => {
    const p = FIXTURE_POLICIES[1];
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
    expect(lines[FIXTURE_POLICIES[0]]).toBe(2);
    // the read-out skips the hidden policy
    const r = (await page.locator('svg#wasted rect.hover-target[data-facet="swarm"]').boundingBox())!;
    await page.locator('svg#wasted').scrollIntoViewIfNeeded();
    const r2 = (await page.locator('svg#wasted rect.hover-target[data-facet="swarm"]').boundingBox())!;
    expect(r.width).toBeGreaterThan(0);
    await page.mouse.move(r2.x + r2.width * 0.8, r2.y + r2.height / 2);
    const text = await page.locator('#tooltip').innerText();
    expect(text).not.toContain(p);
    expect(text).toContain(FIXTURE_POLICIES[0]);
    // screenshot with one policy hidden, then clicking its legend entry shows it again
    await page.locator(`svg#churn [data-legend-policy="${p}"]`).click();
    expect(await visibleCount()).toBe(total);
    expect(await page.locator('#policy-toggle input').nth(1).isChecked()).toBe(true);
  });

  it('bar and raster marks have hover read-outs; saves a screenshot', async () => {
    const bar = page.locator(`svg#summary rect.bar`).first();
    await bar.scrollIntoViewIfNeeded();
    await bar.hover();
    expect(await page.locator('#tooltip').innerText()).toContain(FIXTURE_POLICIES[0]);
    const dial = page.locator('svg#raster path.dial').first();
    await dial.scrollIntoViewIfNeeded();
    await dial.hover({ force: true });
    expect(await page.locator('#tooltip').innerText()).toMatch(/→ peer \d+/);
    await page.mouse.move(0, 0);
    mkdirSync('test-output', { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join('test-output', 'report.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
