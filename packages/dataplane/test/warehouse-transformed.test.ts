// `--transformation` with `--warehouse`: the warehouse loads what the transformation returned, as the
// hosted warehouse destination receives it. The SDK sends over HTTP to the data plane; SQL against the
// DuckDB file shows the added property as a column, nothing for a dropped or failed event, both
// outputs of a split one, and, after a restart, every event still exactly once.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { RudderAnalytics } from 'rudderanalytics';
import { startTestPlane, tempDir } from './support/helpers.js';

const CODE = `export function transformEvent(event) {
  if (event.event === 'Page Ping') return null;
  if (event.event === 'Checkout Failed') throw new Error('no payment method');
  if (event.event === 'Cart Viewed') {
    return [{ ...event, event: 'Cart Viewed Web' }, { ...event, event: 'Cart Viewed Crm', messageId: event.messageId + '-crm' }];
  }
  event.properties = { ...event.properties, currency: 'EUR' };
  return event;
}
`;

const files = tempDir();
after(() => files.remove());

async function send(dp: { writeKey: string; url: string }, events: Array<{ event: string; userId: string }>): Promise<void> {
  const client = RudderAnalytics.load(dp.writeKey, dp.url);
  for (const e of events) client.track({ ...e, properties: { total: 42 } });
  await client.close();
}

const count = async (dp: Awaited<ReturnType<typeof startTestPlane>>, sql: string) => Number((await dp.warehouse!.query(sql))[0].n);

test('the warehouse loads the transformed events: added column, dropped and failed absent, split twice, exactly once after a restart', async () => {
  const options = {
    dbPath: join(files.dir, 'events.db'),
    transformation: { code: CODE, name: 'Enrich' },
    warehouse: `duckdb:${join(files.dir, 'events.duckdb')}`,
  };
  const first = await startTestPlane(options);
  try {
    await send(first, [
      { event: 'Order Completed', userId: 'u1' },
      { event: 'Page Ping', userId: 'u2' },
      { event: 'Cart Viewed', userId: 'u3' },
      { event: 'Checkout Failed', userId: 'u4' },
    ]);
    await first.waitForEvents(4);
    await first.warehouse!.drain();
    assert.equal(first.warehouse!.status().cursor, 4, 'the cursor passes dropped and failed events too');
    assert.equal(first.warehouse!.status().input, 'transformed events');

    const [order] = await first.warehouse!.query(`SELECT user_id, total, currency FROM order_completed`);
    assert.deepEqual({ ...order, total: Number(order.total) }, { user_id: 'u1', total: 42, currency: 'EUR' });
    const tracks = await first.warehouse!.query(`SELECT event_text, user_id FROM tracks ORDER BY event_text`);
    assert.deepEqual(tracks, [
      { event_text: 'Cart Viewed Crm', user_id: 'u3' },
      { event_text: 'Cart Viewed Web', user_id: 'u3' },
      { event_text: 'Order Completed', user_id: 'u1' },
    ]);
    const tables = (await first.warehouse!.describe()).tables.map((t) => t.table);
    assert.ok(tables.includes('cart_viewed_web') && tables.includes('cart_viewed_crm'), tables.join(', '));
    assert.ok(!tables.includes('page_ping'), 'a dropped event loads nothing');
    assert.ok(!tables.includes('checkout_failed'), 'a failed event loads nothing');
    // The received event stays as received on the data plane's side: the failure is the transformation's to show.
    const failed = first.events({ event: 'Checkout Failed' });
    assert.equal(first.transformation!.records(failed.map((e) => e.id))[0].status, 'failed');
  } finally {
    await first.stop();
  }

  // A restart continues after the cursor the warehouse committed with its rows.
  const second = await startTestPlane(options);
  try {
    await send(second, [
      { event: 'Order Completed', userId: 'u5' },
      { event: 'Page Ping', userId: 'u6' },
    ]);
    await second.waitForEvents(6);
    await second.warehouse!.drain();
    assert.equal(second.warehouse!.status().cursor, 6);
    assert.equal(await count(second, 'SELECT count(*) AS n FROM tracks'), 4);
    assert.equal(await count(second, 'SELECT count(DISTINCT id) AS n FROM tracks'), 4);
    const orders = await second.warehouse!.query(`SELECT user_id, currency FROM order_completed ORDER BY user_id`);
    assert.deepEqual(orders, [
      { user_id: 'u1', currency: 'EUR' },
      { user_id: 'u5', currency: 'EUR' },
    ]);
  } finally {
    await second.stop();
  }
});

test('without a transformation the warehouse loads the events as received', async () => {
  const dp = await startTestPlane({ warehouse: `duckdb:${join(files.dir, 'plain.duckdb')}` });
  try {
    await send(dp, [{ event: 'Page Ping', userId: 'u1' }]);
    await dp.waitForEvents(1);
    await dp.warehouse!.drain();
    assert.equal(dp.warehouse!.status().input, 'stored events');
    const rows = await dp.warehouse!.query(`SELECT user_id FROM page_ping`);
    assert.deepEqual(rows, [{ user_id: 'u1' }]);
    assert.equal(
      (await dp.warehouse!.describe()).tables.find((t) => t.table === 'page_ping')?.columns.some((c) => c.name === 'currency'),
      false,
    );
  } finally {
    await dp.stop();
  }
});
