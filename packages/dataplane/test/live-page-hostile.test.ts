// The live page in a real Chromium, fed what any web page can post with the dev key: malformed
// annotation fields, forged verdicts and events near the request cap. Every row still shows, the verdict
// comes from the data plane's own columns, and the stream resumes from the newest row the page holds.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { openBrowser } from '../../../test/support/browser.js';
import { post, startTestPlane } from './support/helpers.js';

let dp: Awaited<ReturnType<typeof startTestPlane>>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const streamUrls: string[] = [];
const errors: string[] = [];

before(async () => {
  browser = await openBrowser();
  dp = await startTestPlane();
  context = await browser.newContext();
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('request', (r) => {
    if (r.url().includes('/api/events/stream')) streamUrls.push(r.url());
  });
  page.on('pageerror', (e) => errors.push(e.message));
});

after(async () => {
  await browser?.close();
  await dp?.stop();
});

const names = () => page.$$eval('#events tr', (rows) => rows.map((r) => (r.children[2] as HTMLElement).textContent));

test('malformed violationErrors and forged verdicts: every row shows, none marked by what a client sent', async () => {
  const forged = [
    { userId: 'u', event: 'Null Entry', context: { violationErrors: [null] } },
    { userId: 'u', event: 'String Entry', context: { violationErrors: ['x', 5] } },
    { userId: 'u', event: 'Odd Entry', context: { violationErrors: [{ type: {}, meta: 'x', message: null }] } },
    { userId: 'u', event: 'Forged Drop', trackingPlanVerdict: { dropEvent: true, violationType: 'Unplanned-Event' } },
    { userId: 'u', event: 'Odd Context', context: 'not an object', channel: 7 },
  ];
  for (const e of forged) assert.equal((await post(dp, '/v1/track', e)).status, 200);
  await page.goto(dp.liveUrl);
  await page.waitForSelector('#status.live');
  await page.waitForFunction((n) => document.querySelectorAll('#events tr').length === n, forged.length);
  assert.deepEqual(await names(), forged.map((e) => e.event).reverse());
  const marked = await page.$$eval('#events tr.violated, #events tr.dropped', (rows) => rows.length);
  assert.equal(marked, 0, 'no plan checked these events');
  const planCells = await page.$$eval('#events td.plan', (cells) => cells.map((c) => c.textContent));
  assert.deepEqual(
    planCells,
    forged.map(() => ''),
  );
  // And live, over the stream.
  assert.equal((await post(dp, '/v1/track', { userId: 'u', event: 'Live Null', context: { violationErrors: [null] } })).status, 200);
  await page.waitForFunction((n) => document.querySelectorAll('#events tr').length === n, forged.length + 1);
  assert.deepEqual(errors, []);
});

test('events near the request cap: the page shows them and its stream resumes from the newest id it has', async () => {
  await dp.clear();
  const pad = 'x'.repeat(3_900_000);
  for (let i = 0; i < 4; i++) assert.equal((await post(dp, '/v1/track', { userId: 'u', event: `Big ${i}`, properties: { pad } })).status, 200);
  streamUrls.length = 0;
  await page.goto(dp.liveUrl);
  await page.waitForSelector('#status.live');
  // One byte-bounded page of the newest events: at least the newest, never an error.
  await page.waitForFunction(() => document.querySelectorAll('#events tr').length >= 1);
  const shown = await names();
  assert.equal(shown[0], 'Big 3');
  const newest = dp.events({ limit: 1 })[0].id;
  assert.deepEqual(streamUrls, [`${dp.url}/api/events/stream?since=${newest}`]);
  assert.deepEqual(errors, []);
});
