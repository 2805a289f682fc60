// The live page in a real Chromium: live updates over SSE, text-only rendering, filters, JSON detail.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { openBrowser } from '../../../test/support/browser.js';
import { post, startTestPlane } from './support/helpers.js';

const XSS_PROPERTY = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
const XSS_NAME = '<img src=x onerror="window.__pwned = 3">';

let dp: Awaited<ReturnType<typeof startTestPlane>>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const dialogs: string[] = [];

before(async () => {
  // Never download a browser and never skip: a missing Chromium is a broken test machine.
  browser = await openBrowser();
  dp = await startTestPlane();
  context = await browser.newContext();
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
});

after(async () => {
  await browser?.close();
  await dp?.stop();
});

const rowCount = () => page.locator('#events tr').count();
const visibleNames = () => page.$$eval('#events tr:not([hidden])', (rows) => rows.map((r) => (r.children[2] as HTMLElement).textContent));

test('the live page shows stored and new events, as text, filterable, with JSON on click', async () => {
  assert.equal((await post(dp, '/v1/identify', { userId: 'early-user', traits: { plan: 'pro' } })).status, 200);

  await page.goto(dp.liveUrl);
  await page.waitForSelector('#status.live');
  await page.waitForFunction(() => document.querySelectorAll('#events tr').length === 1);

  assert.equal((await post(dp, '/v1/track', { userId: 'u1', event: 'Order Completed', properties: { revenue: 1 } })).status, 200);
  assert.equal((await post(dp, '/v1/page', { anonymousId: 'anon-3', name: 'Home' })).status, 200);
  assert.equal((await post(dp, '/v1/track', { userId: 'mallory', event: XSS_NAME, properties: { html: XSS_PROPERTY } })).status, 200);
  await page.waitForFunction(() => document.querySelectorAll('#events tr').length === 4);

  // Newest first.
  assert.deepEqual(await visibleNames(), [XSS_NAME, 'Home', 'Order Completed', '']);

  // Hostile content is shown literally and runs nothing.
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  assert.equal(await page.locator('img').count(), 0, 'no <img> may be created from event content');
  assert.equal(await page.locator('#events script, #detail script').count(), 0);

  await page.locator('#events tr', { hasText: 'mallory' }).click();
  const detail = await page.locator('#detail').textContent();
  const [stored] = dp.events({ userId: 'mallory' });
  assert.equal(detail, JSON.stringify(stored.payload, null, 2));
  assert.ok(detail?.includes(JSON.stringify(XSS_PROPERTY)), 'the markup appears literally in the JSON');
  assert.equal(await page.locator('img').count(), 0);
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  assert.deepEqual(dialogs, []);

  // Filters: type, user (userId or anonymousId), event name (case-insensitive substring).
  await page.selectOption('#filter-type', 'track');
  assert.deepEqual(await visibleNames(), [XSS_NAME, 'Order Completed']);
  await page.selectOption('#filter-type', '');
  await page.fill('#filter-user', 'anon-3');
  assert.deepEqual(await visibleNames(), ['Home']);
  await page.fill('#filter-user', '');
  await page.fill('#filter-event', 'order');
  assert.deepEqual(await visibleNames(), ['Order Completed']);

  // A filtered-out event arriving live stays hidden; a matching one shows up.
  await post(dp, '/v1/track', { userId: 'u9', event: 'Order Refunded' });
  await post(dp, '/v1/track', { userId: 'u9', event: 'Signed Up' });
  await page.waitForFunction(() => document.querySelectorAll('#events tr').length === 6);
  assert.deepEqual(await visibleNames(), ['Order Refunded', 'Order Completed']);
  assert.equal(await rowCount(), 6);
});

test('each row shows the channel (web/server) and the library that sent it', async () => {
  const web = {
    anonymousId: 'browser-1',
    event: 'From Web',
    channel: 'web',
    context: { library: { name: 'RudderLabs JavaScript SDK', version: '3.34.1' } },
  };
  const server = { userId: 'backend-1', event: 'From Server', channel: 'server', context: { library: { name: 'rudderanalytics' } } };
  assert.equal((await post(dp, '/v1/track', web)).status, 200);
  assert.equal((await post(dp, '/v1/track', server)).status, 200);
  await page.fill('#filter-event', 'from ');
  await page.waitForFunction(() => document.querySelectorAll('#events tr:not([hidden])').length === 2);
  const cells = await page.$$eval('#events tr:not([hidden])', (rows) =>
    rows.map((r) => [2, 5, 6].map((i) => (r.children[i] as HTMLElement).textContent)),
  );
  assert.deepEqual(cells, [
    ['From Server', 'server', 'rudderanalytics'],
    ['From Web', 'web', 'RudderLabs JavaScript SDK 3.34.1'],
  ]);
});
