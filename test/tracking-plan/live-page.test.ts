/**
 * Issue 11, end to end: a local data plane started with a tracking plan, fed by the SDK and by
 * `rudder send`, marks the events with violations on its live page (real Chromium) and shows them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startDataPlane, type DataPlane } from '@rudderanalytics/dataplane';
import { RudderAnalytics } from 'rudderanalytics';
import { rudder } from '../../packages/cli/test/support/helpers.js';
import { SAMPLE_CONFIG, SAMPLE_PLAN } from '../../packages/tracking-plan/test/support/sample-plan.js';
import { openBrowser } from '../support/browser.js';

let dir: string;
let dp: DataPlane;
let browser: Browser;
let context: BrowserContext;
let page: Page;

before(async () => {
  browser = await openBrowser();
  dir = mkdtempSync(join(tmpdir(), 'rudder-plan-live-'));
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(SAMPLE_PLAN));
  writeFileSync(join(dir, 'settings.json'), JSON.stringify(SAMPLE_CONFIG));
  dp = await startDataPlane({
    port: 0,
    dbPath: join(dir, 'events.db'),
    quiet: true,
    trackingPlan: join(dir, 'plan.json'),
    trackingPlanConfig: join(dir, 'settings.json'),
  });
  context = await browser.newContext();
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
});

after(async () => {
  await browser?.close();
  await dp?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('violations from the SDK and from rudder send are marked and shown on the live page', async () => {
  await page.goto(dp.liveUrl);
  await page.waitForSelector('#status.live');

  const client = RudderAnalytics.load(dp.writeKey, dp.url, { flushOnExit: false });
  client.track({ userId: 'sdk', event: 'Order Completed', properties: { total: 12 } });
  client.track({ userId: 'sdk', event: 'Order Completed', properties: { total: 'twelve' } });
  await client.close();

  const file = join(dir, 'events.jsonl');
  writeFileSync(
    file,
    [
      { type: 'track', userId: 'cli', event: 'Order Completed', properties: {} },
      { type: 'track', userId: 'cli', event: 'Refund Hacked' },
    ]
      .map((e) => JSON.stringify(e))
      .join('\n') + '\n',
  );
  const sent = await rudder(['send', '--data-plane-url', dp.url, '--write-key', dp.writeKey, file], { timeoutMs: 30_000 });
  assert.equal(sent.code, 0, sent.stderr);

  await page.waitForFunction(() => document.querySelectorAll('#events tr').length === 4);
  const rows = await page.$$eval('#events tr', (trs) =>
    trs.map((tr) => ({
      user: (tr.children[3] as HTMLElement).textContent,
      plan: (tr.querySelector('td.plan') as HTMLElement).textContent,
      title: (tr.querySelector('td.plan') as HTMLElement).title,
      cls: tr.className.replace('selected', '').trim(),
    })),
  );
  // Newest first: the two from rudder send, then the two from the SDK.
  assert.deepEqual(
    rows.map((r) => [r.user, r.plan, r.cls]),
    [
      ['cli', 'dropped: Unplanned-Event', 'dropped'],
      ['cli', '1 violation: Required-Missing', 'violated'],
      ['sdk', '1 violation: Datatype-Mismatch', 'violated'],
      ['sdk', 'ok', ''],
    ],
  );
  assert.match(rows[2].title, /Datatype-Mismatch \/properties\/total: must be number/);

  // The detail pane shows the stored event with its violations.
  await page.click('#events tr:nth-child(2)');
  const detail = JSON.parse((await page.textContent('#detail')) ?? '{}');
  assert.equal(detail.context.trackingPlanId, SAMPLE_PLAN.id);
  assert.deepEqual(
    detail.context.violationErrors.map((v: { property: string }) => v.property),
    ['total'],
  );
});
