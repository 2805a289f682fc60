// The live page's event table at a common laptop width (1,400 px), with a tracking plan: every column,
// the plan column included, fits in the list pane, and a violating row is marked in colour across the
// row, as the README says. Measured on the rendered page (bounding boxes, screenshot pixels).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { openBrowser } from '../../../test/support/browser.js';
import { post, startTestPlane } from './support/helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Where test artifacts go (ignored by git): the screenshot a reviewer looks at. */
const OUTPUT_DIR = join(ROOT, 'test-results');
const PLAN = JSON.parse(readFileSync(join(ROOT, 'examples/typed-plan/plan.json'), 'utf8')) as Record<string, unknown>;
const WIDTH = 1400;

let dp: Awaited<ReturnType<typeof startTestPlane>>;
let browser: Browser;
let page: Page;

before(async () => {
  browser = await openBrowser();
  dp = await startTestPlane({ trackingPlan: PLAN });
  page = await browser.newPage({ viewport: { width: WIDTH, height: 900 } });
  page.setDefaultTimeout(15_000);
});

after(async () => {
  await browser?.close();
  await dp?.stop();
});

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
const right = (b: Box) => b.x + b.width;

/** The RGBA of the screenshot's pixel at (x, y), decoded by the browser itself (a canvas on a blank page). */
async function pixels(png: Buffer, points: Array<[number, number]>): Promise<number[][]> {
  const decoder = await browser.newPage();
  try {
    return await decoder.evaluate(
      async ({ src, points }) => {
        const img = new Image();
        img.src = src;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = img.width;
        canvas.height = img.height;
        const ctx = canvas.getContext('2d')!;
        ctx.drawImage(img, 0, 0);
        return points.map(([x, y]) => [...ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data]);
      },
      { src: `data:image/png;base64,${png.toString('base64')}`, points },
    );
  } finally {
    await decoder.close();
  }
}

test('at 1,400 px the plan column is inside the list pane and a violating row is coloured across', async () => {
  const library = { name: 'rudderanalytics', version: '0.1.0' };
  const send = (body: Record<string, unknown>) => post(dp, '/v1/track', { ...body, context: { library } });
  assert.equal((await send({ userId: 'customer-with-a-long-id-0001', event: 'Cart Viewed', properties: { items: 2 } })).status, 200);
  const wrong = { order_id: 'o-1002', total: '42.50', currency: 'EUR' }; // total must be a number
  assert.equal((await send({ userId: 'customer-with-a-long-id-0002', event: 'Order Completed', properties: wrong })).status, 200);

  await page.goto(dp.liveUrl);
  await page.waitForSelector('#status.live');
  await page.waitForFunction(() => document.querySelectorAll('#events tr').length === 2);
  const violated = page.locator('#events tr.violated');
  assert.equal(await violated.count(), 1);
  assert.match((await violated.locator('td.plan').textContent()) ?? '', /^1 violation: Datatype-Mismatch$/);

  mkdirSync(OUTPUT_DIR, { recursive: true });
  const png = await page.screenshot({ path: join(OUTPUT_DIR, 'live-page-1400.png') });

  // The list pane shows the whole table: no column scrolled out of sight, the plan header and cells inside.
  const pane = (await page.locator('#list').boundingBox())!;
  const list = await page.locator('#list').evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
  assert.ok(list.scrollWidth <= list.clientWidth, `the table is ${list.scrollWidth} px wide in a ${list.clientWidth} px pane`);
  for (const plan of [page.locator('thead th', { hasText: /^plan$/ }), ...(await page.locator('#events td.plan').all())]) {
    const box = (await plan.boundingBox())!;
    assert.ok(box.x >= pane.x && right(box) <= right(pane) + 0.5, `plan column ${JSON.stringify(box)} outside the pane ${JSON.stringify(pane)}`);
    assert.ok(box.width >= 120, `the plan column is ${box.width} px: too narrow to read`);
  }
  // The verdict reads whole: its cell is not cut short by an ellipsis.
  const verdict = await violated.locator('td.plan').evaluate((td) => td.scrollWidth <= td.clientWidth);
  assert.ok(verdict, 'the plan verdict is truncated');

  // Colour across the row: each cell of the violating row shows the mark, the clean row does not.
  const ok = page.locator('#events tr:not(.violated)');
  const probes = async (row: typeof ok) => {
    const cells = await row.locator('td:visible').all();
    const points: Array<[number, number]> = [];
    for (const td of cells) {
      const b = (await td.boundingBox())!;
      points.push([right(b) - 3, b.y + b.height / 2]); // the right edge: background, never a glyph
    }
    return pixels(png, points);
  };
  const [marked, clean] = [await probes(violated), await probes(ok)];
  const background = clean[0];
  assert.ok(
    clean.every((p) => p.join() === background.join()),
    `the clean row is one background: ${JSON.stringify(clean)}`,
  );
  for (const [i, p] of marked.entries()) assert.notEqual(p.join(), background.join(), `cell ${i} of the violating row is not marked`);
});
