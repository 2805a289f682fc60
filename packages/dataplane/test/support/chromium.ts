// Debian's Chromium, as every browser test of the data plane launches it. The background-networking
// flags matter here: without them Chromium keeps dialling hosts this machine cannot reach.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';

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
