// The official browser SDK (@rudderstack/analytics-js, its bundled build) in Chromium, on a page served
// from another origin, sends to the data plane in every delivery mode; each call is stored exactly once.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openBrowser } from '../../../test/support/browser.js';
import { startTestPlane } from './support/helpers.js';

// The bundled build carries its plugins; the default build would fetch them from a CDN.
const SDK_PATH = createRequire(import.meta.url).resolve('@rudderstack/analytics-js/bundled');
const SDK_ESM = readFileSync(SDK_PATH.replace(/cjs\/index\.cjs$/, 'esm/index.mjs'));
const TYPES = ['alias', 'group', 'identify', 'page', 'track'];

type Mode = 'xhr' | 'inline' | 'batch' | 'beacon';
const KEYS: Record<Mode, string> = {
  xhr: 'browser_xhr_key_0001',
  inline: 'browser_inline_key_0002',
  batch: 'browser_batch_key_0003',
  beacon: 'browser_beacon_key_0004',
};

let dp: Awaited<ReturnType<typeof startTestPlane>>;
let site: Server;
let siteUrl: string;
let browser: Browser;

before(async () => {
  browser = await openBrowser();
  dp = await startTestPlane({ writeKeys: Object.entries(KEYS).map(([name, writeKey]) => ({ name, writeKey })) });
  // The web app: another origin (another host name and port) than the data plane.
  site = createServer((req, res) => {
    if (req.url === '/sdk.mjs') {
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' });
      return res.end(SDK_ESM);
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>shop</title><script type="module">
      import { RudderAnalytics } from '/sdk.mjs';
      window.RudderAnalytics = RudderAnalytics;
      window.sdkLoaded = true;
    </script>`);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://localhost:${(site.address() as AddressInfo).port}/`;
  assert.notEqual(new URL(siteUrl).origin, new URL(dp.url).origin);
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (site ? site.close(resolve) : resolve(undefined)));
  await dp?.stop();
});

interface Traffic {
  requests: string[];
  failed: string[];
}

async function openShop(t: { after(fn: () => Promise<void>): void }): Promise<{ page: Page; traffic: Traffic }> {
  // A fresh context per mode: its own localStorage, so no queue carries over between modes.
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const traffic: Traffic = { requests: [], failed: [] };
  page.on('request', (r) => {
    if (r.url().startsWith(dp.url)) traffic.requests.push(`${r.method()} ${new URL(r.url()).pathname}`);
  });
  page.on('requestfailed', (r) => {
    if (r.url().startsWith(dp.url)) traffic.failed.push(`${new URL(r.url()).pathname}: ${r.failure()?.errorText}`);
  });
  await page.goto(siteUrl);
  await page.waitForFunction(() => (window as unknown as { sdkLoaded?: boolean }).sdkLoaded === true);
  return { page, traffic };
}

/** Loads the SDK with `mode`'s options and makes one call of each type. */
async function sendAll(page: Page, mode: Mode): Promise<void> {
  await page.evaluate(
    ({ mode, writeKey, dataPlaneUrl }) => {
      const w = window as unknown as { RudderAnalytics: new () => Record<string, (...a: unknown[]) => void> };
      const options: Record<string, unknown> = { configUrl: dataPlaneUrl, logLevel: 'ERROR' };
      if (mode === 'inline') {
        delete options.configUrl;
        options.getSourceConfig = () => ({ source: { id: 'inline-source', config: {}, destinations: [], enabled: true } });
      }
      if (mode === 'batch') options.queueOptions = { batch: { enabled: true, maxItems: 5, flushInterval: 500 } };
      if (mode === 'beacon') {
        options.useBeacon = true;
        options.beaconQueueOptions = { flushQueueInterval: 500 };
      }
      const analytics = new w.RudderAnalytics();
      analytics.load(writeKey, dataPlaneUrl, options);
      analytics.identify(`user-${mode}`, { plan: 'pro' });
      analytics.track(`Order Completed ${mode}`, { revenue: 19.99 });
      analytics.page('Shop', `Home ${mode}`);
      analytics.group(`group-${mode}`, { name: 'Acme' });
      analytics.alias(`alias-${mode}`);
    },
    { mode, writeKey: KEYS[mode], dataPlaneUrl: dp.url },
  );
}

/**
 * Resolves once the SDK's persisted queues for this key are empty: nothing is left to send or retry,
 * so the stored count can no longer change.
 */
async function waitUntilSdkIdle(page: Page, mode: Mode): Promise<void> {
  const prefix = `rudder_${mode === 'beacon' ? 'beacon_' : ''}${KEYS[mode]}.`;
  await page.waitForFunction((prefix) => {
    const entries = Object.keys(localStorage).filter((k) => k.startsWith(prefix));
    if (!entries.some((k) => k.endsWith('.queue'))) return false;
    return entries.every((k) => {
      const raw = localStorage.getItem(k) ?? 'null';
      if (!/\.(queue|batchQueue|inProgress)$/.test(k)) return true;
      const value = JSON.parse(JSON.parse(raw) as string) as unknown[] | Record<string, unknown>;
      return Object.keys(value).length === 0;
    });
  }, prefix);
}

for (const mode of ['xhr', 'inline', 'batch', 'beacon'] as const) {
  test(`browser SDK, ${mode} mode: identify/track/page/group/alias each stored exactly once`, async (t) => {
    const { page, traffic } = await openShop(t);
    await sendAll(page, mode);
    const stored = await dp.waitForEvents(5, { source: mode }, { timeoutMs: 30_000 });
    await waitUntilSdkIdle(page, mode);

    const rows = dp.events({ source: mode, order: 'asc', limit: 100 });
    assert.deepEqual(rows.map((r) => r.type).sort(), TYPES, 'each type exactly once, nothing sent twice');
    assert.deepEqual(
      rows.map((r) => r.id),
      stored.map((r) => r.id),
    );
    assert.equal(new Set(rows.map((r) => r.messageId)).size, 5);
    for (const r of rows) {
      assert.equal(r.payload.channel, 'web');
      assert.equal((r.payload.context as { library: { name: string } }).library.name, 'RudderLabs JavaScript SDK');
    }
    const byType = Object.fromEntries(rows.map((r) => [r.type, r]));
    assert.equal(byType.track.event, `Order Completed ${mode}`);
    assert.equal(byType.page.event, `Home ${mode}`);
    assert.equal(byType.identify.userId, `user-${mode}`);
    assert.equal(byType.group.payload.groupId, `group-${mode}`);
    assert.equal(byType.alias.userId, `alias-${mode}`);
    assert.equal(byType.alias.payload.previousId, `user-${mode}`);

    // What the browser sent, and that no request failed (a CORS refusal shows up as a failed request).
    assert.deepEqual(traffic.failed, []);
    const sends = traffic.requests.filter((r) => !r.includes('/sourceConfig'));
    const configFetches = traffic.requests.length - sends.length;
    assert.equal(configFetches, mode === 'inline' ? 0 : 1);
    if (mode === 'xhr' || mode === 'inline')
      assert.deepEqual(
        sends.sort(),
        TYPES.map((type) => `POST /v1/${type}`),
      );
    if (mode === 'batch') assert.deepEqual(sends, ['POST /v1/batch']);
    if (mode === 'beacon') assert.deepEqual(sends, ['POST /beacon/v1/batch']);
  });
}
