// Official server-side clients nobody here wrote deliver all six event types to the data plane.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
import { startTestPlane } from './support/helpers.js';

const SIX = ['alias', 'group', 'identify', 'page', 'screen', 'track'];

let dp: Awaited<ReturnType<typeof startTestPlane>>;
before(async () => {
  dp = await startTestPlane({
    writeKeys: [
      { writeKey: 'rudder_node_key_0001', name: 'rudder-node' },
      { writeKey: 'segment_node_key_0002', name: 'segment-node' },
    ],
  });
});
after(() => dp.stop());

interface Client {
  identify(m: object): unknown;
  track(m: object): unknown;
  page(m: object): unknown;
  screen(m: object): unknown;
  group(m: object): unknown;
  alias(m: object): unknown;
}

function sendSix(client: Client, user: string) {
  client.identify({ userId: user, traits: { plan: 'pro' } });
  client.track({ userId: user, event: 'Order Completed', properties: { revenue: 19.99 } });
  client.page({ userId: user, name: 'Home', properties: { path: '/' } });
  client.screen({ userId: user, name: 'Settings' });
  client.group({ userId: user, groupId: 'g1', traits: { name: 'Acme' } });
  client.alias({ userId: `${user}-new`, previousId: user });
}

function assertSix(source: string, user: string) {
  const rows = dp.events({ source, order: 'asc' });
  assert.deepEqual(rows.map((r) => r.type).sort(), SIX);
  const byType = Object.fromEntries(rows.map((r) => [r.type, r]));
  assert.equal(byType.track.event, 'Order Completed');
  assert.deepEqual(byType.track.payload.properties, { revenue: 19.99 });
  assert.equal(byType.page.event, 'Home');
  assert.equal(byType.screen.event, 'Settings');
  assert.equal(byType.group.payload.groupId, 'g1');
  assert.equal(byType.alias.payload.previousId, user);
  assert.equal(byType.identify.userId, user);
  assert.equal(new Set(rows.map((r) => r.messageId)).size, 6);
}

test('@rudderstack/rudder-sdk-node delivers identify/track/page/screen/group/alias', async () => {
  const client = new RudderAnalytics('rudder_node_key_0001', { dataPlaneUrl: dp.url, flushAt: 100 });
  sendSix(client as unknown as Client, 'rudder-user');
  await client.flush();
  await dp.waitForEvents(6, { source: 'rudder-node' });
  assertSix('rudder-node', 'rudder-user');
});

test('@segment/analytics-node delivers identify/track/page/screen/group/alias', async () => {
  const client = new SegmentAnalytics({ writeKey: 'segment_node_key_0002', host: dp.url, flushAt: 100 });
  const errors: unknown[] = [];
  client.on('error', (e) => errors.push(e));
  sendSix(client as unknown as Client, 'segment-user');
  await client.closeAndFlush({ timeout: 20_000 });
  assert.deepEqual(errors, []);
  await dp.waitForEvents(6, { source: 'segment-node' });
  assertSix('segment-node', 'segment-user');
});
