/**
 * `rudder send` and `client.send()` apply one batch rule and put the same bytes on the wire for the same
 * batch: only the generated messageIds and the send time differ, and both are masked here.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RudderAnalytics, type Sendable } from 'rudderanalytics';
import { startFaultServer } from '../../rudderanalytics/test/support/fault-server.ts';
import { rudderProcess, SENTINEL } from './support/helpers.js';

const BATCH = {
  type: 'batch',
  context: { app: { name: 'shop', build: '7' }, locale: 'en' },
  integrations: { All: false, Mixpanel: true },
  originalTimestamp: '2024-01-02T03:04:05.006Z',
  batch: [
    { type: 'track', userId: 'u1', event: 'Own context', context: { app: { build: '8' } }, properties: { n: 1 } },
    { type: 'identify', anonymousId: 'a1', traits: { plan: 'pro' }, receivedAt: '2024-01-01T00:00:00.000Z', custom: [1, 2] },
    { type: 'page', userId: 'u2', name: 'Home', messageId: 'given-id-3', originalTimestamp: 1704164645006, integrations: { All: true } },
    { userId: 'u3', event: 'No type', sentAt: '2019-01-01T00:00:00.000Z' },
  ],
};

/** The events of every request, as the exact text between `{"batch":[` and `]}`, joined; volatile values masked. */
function wireEvents(texts: string[]): string {
  return texts
    .map((text) => {
      assert.ok(text.startsWith('{"batch":[') && text.endsWith(']}'), text);
      return text.slice('{"batch":['.length, -']}'.length);
    })
    .join(',')
    .replace(/"messageId":"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"/g, '"messageId":"<uuid>"')
    .replace(/"sentAt":"[^"]+"/g, '"sentAt":"<now>"');
}

test('the same batch through rudder send and client.send(): the same bytes on the wire', async (t) => {
  const server = await startFaultServer();
  const dir = mkdtempSync(join(tmpdir(), 'rudder-send-wire-'));
  t.after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const input = join(dir, 'batch.jsonl');
  writeFileSync(input, `${JSON.stringify(BATCH)}\n`);

  const run = await rudderProcess(['send', input, '--data-plane-url', server.url, '--write-key', SENTINEL]);
  assert.equal(run.code, 0, run.stderr);
  const viaCli = wireEvents(server.requests.map((r) => r.text));
  server.requests.length = 0;

  const client = RudderAnalytics.load(SENTINEL, server.url, { flushOnExit: false, logger: {} });
  await client.send(BATCH as Sendable);
  await client.close();
  const viaSdk = wireEvents(server.requests.map((r) => r.text));

  assert.equal(viaCli, viaSdk);
  // And it is the batch rule: context merged recursively (the item wins), defaults only where absent,
  // extra fields kept, sentAt the SDK's.
  const events = JSON.parse(`[${viaSdk}]`);
  assert.deepEqual(events[0].context, { app: { name: 'shop', build: '8' }, locale: 'en', library: events[0].context.library });
  assert.deepEqual(
    [events[1].integrations, events[1].originalTimestamp, events[1].custom, events[1].receivedAt],
    [{ All: false, Mixpanel: true }, '2024-01-02T03:04:05.006Z', [1, 2], '2024-01-01T00:00:00.000Z'],
  );
  assert.deepEqual(
    [events[2].messageId, events[2].originalTimestamp, events[2].integrations],
    ['given-id-3', '2024-01-02T03:04:05.006Z', { All: true }],
  );
  assert.deepEqual([events[3].type, events[3].event, events[3].sentAt], [undefined, 'No type', '<now>']);
});
