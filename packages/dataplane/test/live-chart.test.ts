// The live page's overview in a real Chromium: uPlot served by the data plane itself under the nonce CSP,
// events per second by type drawn and updated as events arrive, counts by event name; a screenshot.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { openBrowser } from '../../../test/support/browser.js';
import { post, startTestPlane } from './support/helpers.js';

/** Where test artifacts go (ignored by git): the screenshot a reviewer looks at. */
const OUTPUT_DIR = fileURLToPath(new URL('../../../test-results/', import.meta.url));
const HOSTILE_NAME = '<img src=x onerror="window.__pwned = 1">';

let dp: Awaited<ReturnType<typeof startTestPlane>>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];
const requested: string[] = [];

before(async () => {
  browser = await openBrowser();
  dp = await startTestPlane();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('request', (r) => requested.push(r.url()));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
});

after(async () => {
  await browser?.close();
  await dp?.stop();
});

const typeCount = (type: string) => page.locator(`#chart-types [data-type="${type}"] .n`).textContent();
const namesTable = () => page.$$eval('#by-name tr', (rows) => rows.map((r) => Array.from(r.children, (td) => td.textContent)));
const chartPixels = () => page.$eval('#chart canvas', (c) => (c as HTMLCanvasElement).toDataURL());

async function send(path: string, body: unknown): Promise<void> {
  assert.equal((await post(dp, path, body)).status, 200);
}

test('the overview charts events per second by type and counts by name, and follows new events', async (t) => {
  await send('/v1/track', { userId: 'u1', event: 'Order Completed' });
  await send('/v1/track', { userId: 'u2', event: 'Order Completed' });
  await send('/v1/page', { anonymousId: 'a1', name: 'Home' });

  await page.goto(dp.liveUrl);
  await page.waitForSelector('#status.live');
  await page.waitForSelector('#chart canvas');
  await page.waitForFunction(() => document.querySelector('#chart-types [data-type="track"] .n')?.textContent === '2');
  assert.equal(await typeCount('page'), '1');
  assert.equal(await typeCount('identify'), '0');
  assert.deepEqual(await namesTable(), [
    ['Order Completed', 'track', '2'],
    ['Home', 'page', '1'],
  ]);
  const before = await chartPixels();

  for (let i = 0; i < 5; i++) await send('/v1/track', { userId: `u${i}`, event: 'Signed Up' });
  await send('/v1/identify', { userId: 'u1', traits: { plan: 'pro' } });
  await send('/v1/track', { userId: 'mallory', event: HOSTILE_NAME });
  await page.waitForFunction(() => document.querySelector('#chart-types [data-type="track"] .n')?.textContent === '8');
  await page.waitForFunction(() => document.querySelector('#chart-types [data-type="identify"] .n')?.textContent === '1');
  assert.deepEqual(await namesTable(), [
    ['Signed Up', 'track', '5'],
    ['Order Completed', 'track', '2'],
    ['(identify)', 'identify', '1'],
    [HOSTILE_NAME, 'track', '1'],
    ['Home', 'page', '1'],
  ]);
  assert.notEqual(await chartPixels(), before, 'the chart was not redrawn with the new events');
  // The rows are as they were: every event, newest first.
  assert.equal(await page.locator('#events tr').count(), 10);

  assert.equal(await page.locator('img').count(), 0, 'an event name became markup');
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  const origin = new URL(dp.url).origin;
  assert.deepEqual(
    requested.filter((u) => !u.startsWith(origin)),
    [],
    'the page loaded something from elsewhere',
  );
  assert.ok(requested.includes(`${origin}/live/assets/uPlot.iife.min.js`));
  assert.deepEqual(problems, []);

  mkdirSync(OUTPUT_DIR, { recursive: true });
  const shot = join(OUTPUT_DIR, 'live-page.png');
  await page.screenshot({ path: shot, fullPage: false });
  assert.deepEqual([...readFileSync(shot).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'not a PNG');
  t.diagnostic(`screenshot: ${shot}`);
});

test('the chart library is served from the data plane with its own content type, nothing else under its path', async () => {
  const js = await fetch(`${dp.url}/live/assets/uPlot.iife.min.js`);
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/);
  assert.match(await js.text(), /uPlot/);
  const css = await fetch(`${dp.url}/live/assets/uPlot.min.css`);
  assert.equal(css.status, 200);
  assert.match(css.headers.get('content-type') ?? '', /^text\/css/);
  await css.body?.cancel();
  for (const path of ['/live/assets/package.json', '/live/assets/../../package.json', '/live/assets/constructor', '/live/assets/']) {
    const res = await fetch(`${dp.url}${path}`);
    assert.equal(res.status, 404, path);
    await res.body?.cancel();
  }
});
