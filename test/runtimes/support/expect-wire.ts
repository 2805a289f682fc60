/**
 * What the data plane must hold after a runtime ran fixtures/send-all.mjs: every event, once, in
 * the wire shape the contract asks of a server-side SDK.
 */
import assert from 'node:assert/strict';
import type { StoredEvent } from '@rudderanalytics/dataplane';
import { LIBRARY } from '../../../packages/rudderanalytics/src/version.js';
import { BATCH_INTEGRATIONS, ITEM_TIMESTAMP } from '../fixtures/send-all.mjs';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** What a runtime reported: the ids the client returned for the six calls and the batch items. */
export interface Sent {
  ids: Record<'identify' | 'track' | 'page' | 'screen' | 'group' | 'alias', string>;
  batch: [string, string, string];
}

export function assertStored(stored: StoredEvent[], sent: Sent, tag: string): void {
  const byId = new Map(stored.map((e) => [e.messageId, e.payload as Record<string, any>]));
  const expected = [...Object.values(sent.ids), ...sent.batch];
  assert.equal(stored.length, expected.length, `${tag}: stored ${stored.length} events, expected ${expected.length}`);
  assert.deepEqual([...byId.keys()].sort(), [...expected].sort(), `${tag}: stored messageIds differ from the ids the client returned`);

  const userId = `${tag}-user`;
  const anonymousId = `${tag}-anon`;
  for (const [messageId, e] of byId) {
    assert.match(messageId, UUID, `${tag}: messageId is a UUID v4`);
    assert.deepEqual(e.context.library, { name: 'rudderanalytics', version: LIBRARY.version }, `${tag}: context.library`);
    assert.equal(e.channel, 'server', `${tag}: channel`);
    assert.match(e.originalTimestamp, ISO_MS, `${tag}: originalTimestamp`);
    assert.match(e.sentAt, ISO_MS, `${tag}: sentAt`);
    assert.ok(e.sentAt >= e.originalTimestamp, `${tag}: sentAt ${e.sentAt} before originalTimestamp ${e.originalTimestamp}`);
    assert.ok(e.userId === userId || e.anonymousId === anonymousId, `${tag}: ids of ${e.type}`);
  }

  const get = (id: string) => byId.get(id)!;
  const six = sent.ids;
  assert.deepEqual(pick(get(six.identify), 'type', 'userId', 'traits'), { type: 'identify', userId, traits: { plan: 'pro' } });
  assert.deepEqual(pick(get(six.track), 'type', 'event', 'properties'), { type: 'track', event: 'Order Completed', properties: { revenue: 19.99 } });
  assert.deepEqual(pick(get(six.page), 'type', 'anonymousId', 'name', 'properties'), {
    type: 'page',
    anonymousId,
    name: 'Home',
    properties: { path: '/' },
  });
  assert.deepEqual(pick(get(six.screen), 'type', 'name'), { type: 'screen', name: 'Settings' });
  assert.deepEqual(pick(get(six.group), 'type', 'groupId', 'traits'), { type: 'group', groupId: 'g1', traits: { name: 'Acme' } });
  assert.deepEqual(pick(get(six.alias), 'type', 'userId', 'previousId'), { type: 'alias', userId, previousId: anonymousId });
  for (const id of Object.values(six)) assert.deepEqual(get(id).integrations, { All: true }, `${tag}: default integrations`);

  const [item, identify, page] = sent.batch.map(get);
  // Batch items keep their own type and timestamp; batch-level context and integrations reach each item.
  assert.deepEqual(pick(item, 'type', 'event', 'originalTimestamp'), { type: 'track', event: 'Batch Item', originalTimestamp: ITEM_TIMESTAMP });
  assert.equal(identify.type, 'identify');
  assert.equal(page.type, 'page');
  assert.deepEqual(item.integrations, BATCH_INTEGRATIONS);
  assert.deepEqual(identify.integrations, BATCH_INTEGRATIONS);
  assert.deepEqual(page.integrations, { All: true }, `${tag}: an item's own integrations win over the batch's`);
  for (const e of [item, identify, page]) assert.deepEqual(e.context.app, { name: 'runtimes' }, `${tag}: batch context`);
}

function pick(o: Record<string, any>, ...keys: string[]): Record<string, any> {
  return Object.fromEntries(keys.map((k) => [k, o[k]]));
}
