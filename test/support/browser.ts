/**
 * The browser a test file drives: the run's shared Chromium when the test command started one (its ws
 * endpoint in RUDDER_TEST_BROWSER_WS), else a Chromium of the file's own, so a single file still runs
 * alone with `node --import ./scripts/ts-loader/register.mjs --test`. Files are kept apart by contexts: a file opens its own with
 * `browser.newContext()`. `browser.close()` on what `openBrowser` returns closes the file's contexts
 * and its connection; on a shared browser it leaves the browser itself running for the other files.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { BROWSER_ENDPOINT_ENV, CHROMIUM, CHROMIUM_ARGS, MISSING_CHROMIUM, launchOptions } from './chromium.mjs';

export { CHROMIUM, CHROMIUM_ARGS };

/** Fails with what to install when Chromium is missing: a browser test is never silently skipped. */
export function requireChromium(): void {
  assert.ok(existsSync(CHROMIUM), MISSING_CHROMIUM);
}

export async function openBrowser(): Promise<Browser> {
  requireChromium();
  const endpoint = process.env[BROWSER_ENDPOINT_ENV];
  return endpoint ? chromium.connect(endpoint) : chromium.launch(launchOptions());
}
