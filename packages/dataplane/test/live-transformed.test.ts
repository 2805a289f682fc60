// The live page with a transformation, in a real Chromium: each event as received and as transformed
// (transformed, split, dropped, failed with its error and logs), under the page's nonce CSP; a screenshot.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { openBrowser } from '../../../test/support/browser.js';
import { openWatchedPage } from './support/watched-page.js';
import { post, startTestPlane } from './support/helpers.js';

const OUTPUT_DIR = fileURLToPath(new URL('../../../test-results/', import.meta.url));
const CODE = `export function transformEvent(event, metadata) {
  if (event.event === 'Page Ping') return null;
  if (event.event === 'Checkout Failed') throw new Error('no payment method for ' + event.userId);
  log('enriching', event.event, { source: metadata(event).sourceName });
  if (event.event === 'Cart Viewed') return [{ ...event, event: 'Cart Viewed (web)' }, { ...event, event: 'Cart Viewed (crm)' }];
  event.properties = { ...event.properties, currency: 'EUR' };
  return event;
}
`;

let dp: Awaited<ReturnType<typeof startTestPlane>>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];

before(async () => {
  browser = await openBrowser();
  dp = await startTestPlane({ transformation: { code: CODE, name: 'Enrich' } });
  ({ context, page } = await openWatchedPage(browser, { width: 1400, height: 860 }, problems));
});

after(async () => {
  await browser?.close();
  await dp?.stop();
});

const cellOf = (event: string) =>
  page.$$eval(
    '#events tr',
    (rows, name) => rows.filter((r) => r.children[2].textContent === name).map((r) => r.querySelector('td.tx')?.textContent),
    event,
  );

test('each event as received and as transformed, live', async (t) => {
  for (const [event, userId] of [
    ['Order Completed', 'u1'],
    ['Page Ping', 'u2'],
    ['Cart Viewed', 'u3'],
    ['Checkout Failed', 'u4'],
  ]) {
    assert.equal((await post(dp, '/v1/track', { userId, event, properties: { total: 42 } })).status, 200);
  }
  await page.goto(dp.liveUrl);
  await page.waitForSelector('#status.live');
  await page.waitForFunction(
    () => [...document.querySelectorAll('td.tx')].filter((td) => td.textContent && td.textContent !== 'pending').length === 4,
  );
  assert.deepEqual(await cellOf('Order Completed'), ['transformed']);
  assert.deepEqual(await cellOf('Page Ping'), ['dropped']);
  assert.deepEqual(await cellOf('Cart Viewed'), ['split into 2']);
  assert.deepEqual(await cellOf('Checkout Failed'), ['failed: Error: no payment method for u4']);

  // An event stored while the page is open goes from pending to its outcome.
  assert.equal((await post(dp, '/v1/track', { userId: 'u5', event: 'Order Completed' })).status, 200);
  await page.waitForFunction(() => document.querySelectorAll('#events tr').length === 5);
  await page.waitForFunction(() => document.querySelector('#events tr td.tx')?.textContent === 'transformed');

  await page.locator('#events tr', { hasText: 'Checkout Failed' }).click();
  await page.waitForFunction(() => document.getElementById('detail')!.textContent!.includes('as transformed: failed'));
  const failed = await page.locator('#detail').textContent();
  assert.match(failed!, /^── as received ──\n\{/);
  assert.match(failed!, /statusCode 400\nError: no payment method for u4\n {4}at transformEvent \(Enrich:3:48\)/);

  await page.locator('#events tr', { hasText: 'Cart Viewed' }).first().click();
  await page.waitForFunction(() => document.getElementById('detail')!.textContent!.includes('as transformed: split into 2'));
  const split = await page.locator('#detail').textContent();
  assert.match(split!, /"event": "Cart Viewed \(web\)"/);
  assert.match(split!, /"event": "Cart Viewed \(crm\)"/);
  assert.match(split!, /── logs ──\nLog: enriching Cart Viewed \{"source":"dev"\}/);
  assert.deepEqual(problems, []);

  mkdirSync(OUTPUT_DIR, { recursive: true });
  const shot = join(OUTPUT_DIR, 'live-page-transformation.png');
  await page.screenshot({ path: shot, fullPage: false });
  assert.deepEqual([...readFileSync(shot).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'not a PNG');
  t.diagnostic(`screenshot: ${shot}`);
});

test('without a transformation the column is hidden', async () => {
  const plain = await startTestPlane();
  try {
    assert.equal((await post(plain, '/v1/track', { userId: 'u1', event: 'E' })).status, 200);
    const p = await context.newPage();
    await p.goto(plain.liveUrl);
    await p.waitForFunction(() => document.body.classList.contains('no-transformation'));
    assert.equal(await p.locator('th.tx').isVisible(), false);
    await p.close();
  } finally {
    await plain.stop();
  }
});
