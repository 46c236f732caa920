import { pathToFileURL } from 'node:url';
import { chromium as playwright, type Browser, type Page } from 'playwright-core';

/**
 * A headless Chromium for the report's browser tests, with nothing installed beyond npm: the
 * build shipped inside `@sparticuz/chromium` is unpacked to /tmp on first use. A system browser
 * is used only when one is named in `CHROMIUM_PATH` (or the older `SWARMSIM_CHROMIUM`), because
 * a browser found on the PATH would make the test pass here and fail on a clean machine.
 */
const SYSTEM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchBrowser(): Promise<Browser> {
  const named = process.env.CHROMIUM_PATH ?? process.env.SWARMSIM_CHROMIUM;
  if (named) return playwright.launch({ executablePath: named, args: SYSTEM_ARGS });
  const { default: packaged } = await import('@sparticuz/chromium');
  const executablePath = await packaged.executablePath();
  return playwright.launch({ executablePath, args: [...packaged.args, '--disable-quic', '--disable-background-networking', '--disable-component-update'], headless: true });
}

export interface OpenReport {
  page: Page;
  /** Console errors and uncaught exceptions of the page, as they come. */
  errors: string[];
  /** Every request for something other than a file:// URL (a self-contained report makes none). */
  requests: string[];
}

/** Opens a report.html from file:// in a new page and waits until its script has run. */
export async function openReport(browser: Browser, html: string, viewport = { width: 1100, height: 900 }): Promise<OpenReport> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) requests.push(r.url());
  });
  await page.goto(pathToFileURL(html).href);
  await page.waitForSelector('html[data-report-ready="true"]', { timeout: 10_000 });
  return { page, errors, requests };
}
