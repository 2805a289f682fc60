// The browser snippet `rudder dev` prints, pasted as is into a page of another origin and run in Chromium
// with every request beyond loopback refused: the event it sends must be stored by that data plane.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { after, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { openBrowser } from '../../../test/support/browser.js';
import { rudder, start, stopAfter, waitForOutput } from './support/helpers.js';

const require = createRequire(import.meta.url);

/** The lines under "Browser (…):" in the banner, unindented: what a user copies. */
function browserSnippet(banner: string): string {
  const lines = banner.split('\n');
  const from = lines.findIndex((l) => l.startsWith('Browser ('));
  assert.ok(from >= 0, banner);
  const body: string[] = [];
  for (const line of lines.slice(from + 1)) {
    if (!line.startsWith('  ')) break;
    body.push(line.slice(2));
  }
  return body.join('\n');
}

/** The ES module file a bundler would pick for `specifier` (the package's `import` condition). */
function esmFileOf(specifier: string): string {
  const cjs = require.resolve(specifier);
  return cjs.replace(/cjs\/index\.cjs$/, 'esm/index.mjs');
}

let site: Server | undefined;
let browser: Browser | undefined;
after(async () => {
  await browser?.close();
  await new Promise((resolve) => (site ? site.close(resolve) : resolve(undefined)));
});

test('rudder dev: the printed browser snippet stores its event with no network beyond loopback', { timeout: 90_000 }, async (t) => {
  browser = await openBrowser();
  const dev = stopAfter(t, start(['dev', '--port', '0', '--db', ':memory:']));
  const banner = await waitForOutput(dev, /Press Ctrl-C to stop/);
  const url = banner.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)![1];
  const snippet = browserSnippet(banner);
  const specifier = snippet.match(/from '([^']+)'/)?.[1];
  assert.ok(specifier, snippet);

  // The app: another origin than the data plane, resolving the snippet's import as a bundler would.
  const sdk = readFileSync(esmFileOf(specifier));
  site = createServer((req, res) => {
    if (req.url === '/sdk.mjs') {
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' });
      return res.end(sdk);
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>app</title>
      <script type="importmap">${JSON.stringify({ imports: { [specifier]: '/sdk.mjs' } })}</script>
      <script type="module">
${snippet}
analytics.track('Snippet Pasted', { offline: true });
      </script>`);
  });
  await new Promise<void>((resolve) => site!.listen(0, '127.0.0.1', resolve));
  const siteUrl = `http://localhost:${(site.address() as AddressInfo).port}/`;

  const context = await browser.newContext();
  // No network: whatever is not this machine (a CDN, say) is refused, and remembered for the message.
  const refused: string[] = [];
  await context.route('**/*', (route) => {
    const { hostname } = new URL(route.request().url());
    if (hostname === '127.0.0.1' || hostname === 'localhost') return route.continue();
    refused.push(route.request().url());
    return route.abort('internetdisconnected');
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));

  // The data plane answers 200 only once the event is stored.
  const delivered = page.waitForResponse((r) => r.url().startsWith(`${url}/v1/track`) && r.request().method() === 'POST', { timeout: 30_000 });
  await page.goto(siteUrl);
  const response = await delivered.catch((error: Error) =>
    assert.fail(`${error.message}\nrefused: ${refused.join(', ')}\nerrors: ${errors.join('\n')}`),
  );
  assert.equal(response.status(), 200);

  const listed = await rudder(['events', '--json', '--data-plane-url', url]);
  assert.equal(listed.code, 0, listed.stderr);
  const events = listed.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; event?: string; source: string; payload: { properties?: unknown } });
  const track = events.filter((e) => e.type === 'track');
  assert.deepEqual(
    track.map((e) => [e.event, e.source, e.payload.properties]),
    [['Snippet Pasted', 'dev', { offline: true }]],
  );
  assert.deepEqual(refused, [], 'the snippet needs nothing beyond loopback');
  assert.deepEqual(errors, []);
});
