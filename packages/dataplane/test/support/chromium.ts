// Debian's Chromium, as every browser test of the data plane launches it. The background-networking
// flags matter here: without them Chromium keeps dialling hosts this machine cannot reach.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** The browser the tests drive (`apt-get install -y chromium`); Playwright's own download is not used. */
export const CHROMIUM = '/usr/bin/chromium';

/** Launch flags: headless, no sandbox (root), nothing that phones home. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Fails with what to install when Chromium is missing: a browser test is never silently skipped. */
export function requireChromium(): void {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install it with \`apt-get install -y chromium\``);
}

/**
 * Debian's Chromium on a fresh profile at `viewport`, one page open; the page's console errors and
 * warnings and its uncaught errors are pushed to `problems`, which a test expects to stay empty.
 */
export async function openWatchedPage(
  profileDir: string,
  viewport: { width: number; height: number },
  problems: string[],
): Promise<{ context: BrowserContext; page: Page }> {
  requireChromium();
  const context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { context, page };
}
