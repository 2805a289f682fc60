// The live page's warehouse view in a real Chromium: tables with row counts, a table's columns with
// RudderStack's and the SQL type, the latest discards with their reason and the refused events, kept
// current as events arrive; values from events shown as text under the page's nonce CSP; a screenshot.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { openBrowser } from '../../../test/support/browser.js';
import { openWatchedPage } from './support/watched-page.js';
import { post, startTestPlane, tempDir } from './support/helpers.js';

const OUTPUT_DIR = fileURLToPath(new URL('../../../test-results/', import.meta.url));
const WIDTH = 1400;
const HOSTILE_VALUE = `<img src=x onerror="document.title='pwned'">`;
const HOSTILE_ID = `<script>document.title='pwned'</script>`;

let dp: Awaited<ReturnType<typeof startTestPlane>>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const files = tempDir();
const problems: string[] = [];

before(async () => {
  browser = await openBrowser();
  dp = await startTestPlane({ warehouse: `duckdb:${join(files.dir, 'events.duckdb')}` });
  ({ context, page } = await openWatchedPage(browser, { width: WIDTH, height: 900 }, problems));
});

after(async () => {
  await browser?.close();
  await dp?.stop();
  files.remove();
});

const texts = (selector: string) => page.$$eval(selector, (rows) => rows.map((r) => [...r.children].map((c) => c.textContent ?? '')));

test('tables, row counts, typed columns, discards with their reason and refused events, live', async (t) => {
  const chosen = (messageId: string, seats: unknown) => ({ type: 'track', event: 'Plan Chosen', userId: 'u1', messageId, properties: { seats } });
  assert.equal((await post(dp, '/v1/track', chosen('c-1', 5))).status, 200);
  await dp.warehouse!.drain();
  // A string into the int column: the row keeps an empty seats, the value goes to rudder_discards.
  assert.equal((await post(dp, '/v1/track', chosen('c-2', HOSTILE_VALUE))).status, 200);
  // More columns than the rules allow: the event is refused, and listed by its messageId.
  const wide = Object.fromEntries(Array.from({ length: 1700 }, (_, i) => [`p${i}`, i]));
  assert.equal((await post(dp, '/v1/track', { type: 'track', event: 'Wide', userId: 'u1', messageId: HOSTILE_ID, properties: wide })).status, 200);
  await dp.warehouse!.drain();

  await page.goto(dp.liveUrl);
  await page.waitForSelector('#status.live');
  await page.waitForSelector('#warehouse:not([hidden])');
  await page.waitForFunction(() => document.querySelectorAll('#wh-discards tbody tr:not(.empty)').length === 1);

  assert.match((await page.locator('#wh-target').textContent())!, /^duckdb:.*events\.duckdb \(postgres rules, stored events\)$/);
  const tables = new Map((await texts('#wh-tables tbody tr')).map(([name, rows]) => [name, rows]));
  assert.equal(tables.get('plan_chosen'), '2');
  assert.equal(tables.get('tracks'), '2');
  assert.ok(!tables.has('wide'), 'a refused event creates no table');

  await page.locator('#wh-tables tbody tr', { hasText: 'plan_chosen' }).click();
  await page.waitForFunction(() => document.getElementById('wh-columns-of')!.textContent === 'plan_chosen');
  const api = await dp.warehouse!.describe();
  const seats = api.tables.find((x) => x.table === 'plan_chosen')!.columns.find((c) => c.name === 'seats')!;
  const columns = await texts('#wh-columns tbody tr');
  assert.deepEqual(
    columns.find(([name]) => name === 'seats'),
    ['seats', 'int', seats.sqlType],
  );
  assert.ok(seats.sqlType.length > 0);

  const [discard] = await texts('#wh-discards tbody tr');
  assert.deepEqual(discard, ['plan_chosen', 'seats', HOSTILE_VALUE, 'incompatible schema conversion from int to string']);
  const [refused] = await texts('#wh-refused tbody tr');
  assert.equal(refused[0], HOSTILE_ID);
  assert.match(refused[2], /Too many columns/);
  // Values from events are text: nothing they spell out became an element or ran.
  assert.equal(await page.locator('#warehouse img, #warehouse script').count(), 0);
  assert.notEqual(await page.title(), 'pwned');

  // An event stored while the page is open shows up in the counts without a reload.
  assert.equal((await post(dp, '/v1/track', chosen('c-3', 7))).status, 200);
  await page.waitForFunction(() =>
    [...document.querySelectorAll('#wh-tables tbody tr')].some(
      (r) => r.children[0].textContent === 'plan_chosen' && r.children[1].textContent === '3',
    ),
  );

  // The view fits the page width: nothing scrolls sideways at a laptop width.
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= WIDTH);
  const box = (await page.locator('#warehouse').boundingBox())!;
  assert.ok(box.x >= 0 && box.x + box.width <= WIDTH, JSON.stringify(box));
  assert.deepEqual(problems, []);

  mkdirSync(OUTPUT_DIR, { recursive: true });
  const shot = join(OUTPUT_DIR, 'live-page-warehouse.png');
  await page.setViewportSize({ width: WIDTH, height: 1300 });
  await page.screenshot({ path: shot, fullPage: true });
  assert.deepEqual([...readFileSync(shot).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'not a PNG');
  t.diagnostic(`screenshot: ${shot}`);
});

test('without a warehouse the page has no such view and never asks for it', async () => {
  const plain = await startTestPlane();
  try {
    assert.equal((await post(plain, '/v1/track', { userId: 'u1', event: 'E' })).status, 200);
    const p = await context.newPage();
    const asked: string[] = [];
    p.on('request', (r) => asked.push(new URL(r.url()).pathname));
    await p.goto(plain.liveUrl);
    await p.waitForSelector('#status.live');
    await p.waitForFunction(() => document.querySelectorAll('#events tr').length === 1);
    assert.equal(await p.locator('#warehouse').count(), 0);
    assert.ok(!asked.includes('/api/warehouse'), asked.join(', '));
    await p.close();
  } finally {
    await plain.stop();
  }
});
