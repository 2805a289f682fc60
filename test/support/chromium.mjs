// How the tests run Debian's Chromium: the one copy of its path and flags. Plain JavaScript because the
// test command (scripts/test.mjs, plain Node) starts the shared browser server with these same flags.
// The background-networking flags matter: without them Chromium keeps dialling hosts this machine cannot reach.

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

/** What a test says when Chromium is missing: a browser test is never silently skipped. */
export const MISSING_CHROMIUM = `${CHROMIUM} is missing: install it with \`apt-get install -y chromium\``;

/** The env var through which the test command hands its browser server's ws endpoint to the test files. */
export const BROWSER_ENDPOINT_ENV = 'RUDDER_TEST_BROWSER_WS';

/** Options for playwright-core's `chromium.launch` / `chromium.launchServer`. */
export function launchOptions() {
  return { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS };
}
