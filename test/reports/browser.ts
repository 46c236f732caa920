import { chromium as playwright, type Browser } from 'playwright-core';

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
