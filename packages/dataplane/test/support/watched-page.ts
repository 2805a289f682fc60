// A page of the live UI under watch: whatever the page logs as an error or warning is a test failure.
import type { Browser, BrowserContext, Page } from 'playwright-core';

/**
 * A fresh context of `browser` at `viewport`, one page open; the page's console errors and warnings and
 * its uncaught errors are pushed to `problems`, which a test expects to stay empty.
 */
export async function openWatchedPage(
  browser: Browser,
  viewport: { width: number; height: number },
  problems: string[],
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { context, page };
}
