/**
 * The Lambda example's handler, run by a stand-in runtime process against the local data plane. After
 * each invocation the process is frozen (SIGSTOP), as Lambda freezes it once the handler settles: what
 * is stored at that moment is all the invocation will ever deliver. At the end the environment is
 * recycled (SIGKILL) and every event of every invocation must be stored.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startExampleDataPlane, type ExampleDataPlane } from './support/dataplane.js';
import { ROOT, startExample } from './support/example-process.js';

let plane: ExampleDataPlane;
before(async () => {
  plane = await startExampleDataPlane(['lambda']);
});
after(() => plane?.close());

const INVOCATIONS = [
  {
    userId: 'buyer-1',
    orderId: 'o-1',
    items: [
      { sku: 'tea', price: 4.5 },
      { sku: 'mug', price: 12 },
    ],
  },
  { userId: 'buyer-2', orderId: 'o-2', items: [] },
  { orderId: 'o-3', items: [{ sku: 'tea', price: 4.5 }] }, // no userId: refused at the call, nothing sent
  { userId: 'buyer-1', orderId: 'o-4', items: [{ sku: 'pot', price: 30 }] },
];

test('every invocation has delivered its events when the handler returns; none lost across freezes and recycling', { timeout: 90_000 }, async (t) => {
  const runtime = startExample(
    t,
    'test/examples/support/lambda-runtime.ts',
    { RUDDER_WRITE_KEY: plane.keys.lambda, RUDDER_DATA_PLANE_URL: plane.dataPlane.url },
    [`${ROOT}examples/lambda/src/handler.ts`],
  );
  await runtime.waitFor(/^ready$/m);
  const returned: string[] = [];
  for (const [i, body] of INVOCATIONS.entries()) {
    const requestId = `req-${i}`;
    runtime.send(JSON.stringify({ body: JSON.stringify(body), requestContext: { requestId } }));
    const [, json] = await runtime.waitFor(new RegExp(`^result ${requestId} (.*)$`, 'm'));
    runtime.signal('SIGSTOP');
    const result = JSON.parse(json) as { statusCode: number; body: string };
    if (body.userId === undefined) {
      assert.equal(result.statusCode, 400, json);
    } else {
      assert.equal(result.statusCode, 200, json);
      returned.push(...(JSON.parse(result.body) as { messageIds: string[] }).messageIds);
    }
    // Frozen: nothing more can leave the process, so this is everything the invocation delivered.
    const stored = plane.dataPlane.events({ source: 'lambda', order: 'asc', limit: 1000 }).map((e) => e.messageId);
    assert.deepEqual(stored, returned, `after invocation ${i}`);
    runtime.signal('SIGCONT');
  }
  runtime.signal('SIGKILL');
  await runtime.exited();
  assert.equal(returned.length, 3 + 1 + 2);
  const events = plane.dataPlane.events({ source: 'lambda', order: 'asc', limit: 1000 });
  assert.deepEqual(
    events.map((e) => [e.userId, e.event, (e.payload.properties as { order_id: string }).order_id]),
    [
      ['buyer-1', 'Product Purchased', 'o-1'],
      ['buyer-1', 'Product Purchased', 'o-1'],
      ['buyer-1', 'Order Completed', 'o-1'],
      ['buyer-2', 'Order Completed', 'o-2'],
      ['buyer-1', 'Product Purchased', 'o-4'],
      ['buyer-1', 'Order Completed', 'o-4'],
    ],
  );
});
