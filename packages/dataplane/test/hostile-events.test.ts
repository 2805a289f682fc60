// Events a client can send that must neither break reads nor pass for the data plane's own verdicts:
// nesting deeper than SQLite's JSON functions (1000) or the validator's stack, numbers that a JS
// round trip would change, and the fields only the data plane writes.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { post, startTestPlane, track } from './support/helpers.js';

type Plane = Awaited<ReturnType<typeof startTestPlane>>;
const planes: Plane[] = [];
after(async () => {
  for (const p of planes) await p.stop();
});
async function plane(opts: Parameters<typeof startTestPlane>[0] = {}): Promise<Plane> {
  const dp = await startTestPlane(opts);
  planes.push(dp);
  return dp;
}

const PLAN = {
  id: 'tp_h',
  version: 2,
  events: [
    {
      eventType: 'track',
      name: 'Paid',
      rules: { type: 'object', properties: { properties: { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] } } },
    },
  ],
};

/** A track whose `properties.d` is `depth` nested arrays, as raw JSON text. */
const deepTrack = (depth: number, messageId: string, event = 'Deep') =>
  `{"type":"track","event":"${event}","userId":"u","messageId":"${messageId}","properties":{"d":${'['.repeat(depth)}${']'.repeat(depth)}}}`;

async function get(dp: Plane, path: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${dp.url}${path}`);
  return { status: res.status, text: await res.text() };
}

const messageIds = (text: string) => (JSON.parse(text) as { events: Array<{ messageId: string }> }).events.map((e) => e.messageId);

describe('deep events', () => {
  test('an event nested 1,500 deep does not break violation queries (they never read inside the JSON)', async () => {
    const dp = await plane();
    assert.equal((await post(dp, '/v1/track', deepTrack(1500, 'deep'))).status, 200);
    assert.equal((await post(dp, '/v1/track', track({ messageId: 'flat' }))).status, 200);
    for (const violation of ['any', 'dropped', 'Required-Missing']) {
      const r = await get(dp, `/api/events?violation=${violation}`);
      assert.equal(r.status, 200, `${violation}: ${r.text}`);
      assert.deepEqual(messageIds(r.text), [], 'no plan checked these events');
    }
    const all = await get(dp, '/api/events?order=asc');
    assert.equal(all.status, 200);
    assert.deepEqual(messageIds(all.text), ['deep', 'flat']);
    assert.ok(all.text.includes('['.repeat(1500)), 'stored and read back whole');
  });

  test('with a tracking plan: events nested 5,000 and 100,000 deep are stored, checked and filtered, never a 500', async () => {
    const dp = await plane({ trackingPlan: PLAN, trackingPlanConfig: { global: { allowUnplannedEvents: 'false' } } });
    for (const [depth, id] of [
      [5_000, 'deep-5k'],
      [100_000, 'deep-100k'],
    ] as const) {
      const r = await post(dp, '/v1/track', deepTrack(depth, id, 'Paid'));
      assert.equal(r.status, 200, `${depth}: ${r.text}`);
    }
    assert.equal((await post(dp, '/v1/track', deepTrack(5_000, 'unplanned', 'Nope'))).status, 200);
    const any = await get(dp, '/api/events?order=asc&violation=any');
    assert.equal(any.status, 200, any.text);
    assert.deepEqual(messageIds(any.text), ['deep-5k', 'deep-100k', 'unplanned']);
    const [deep] = JSON.parse(any.text).events;
    assert.deepEqual(deep.plan, { violations: ['Required-Missing'], dropped: null });
    assert.deepEqual(
      deep.payload.context.violationErrors.map((v: { type: string }) => v.type),
      ['Required-Missing'],
    );
    const dropped = await get(dp, '/api/events?violation=dropped');
    assert.deepEqual(messageIds(dropped.text), ['unplanned']);
  });
});

describe('numbers keep the digits the client sent', () => {
  test('1e400, 12345678901234567890 and friends are stored and read back as written', async () => {
    const dp = await plane();
    const literals = ['1e400', '12345678901234567890', '-0', '1.50', '1E2', '0.1000000000000000055511151231257827', '-1e-400'];
    const props = literals.map((n, i) => `"n${i}":${n}`).join(',');
    const body = `{"userId":"u","event":"Numbers","messageId":"nums","properties":{${props}},"context":{"list":[${literals.join(',')}]}}`;
    assert.equal((await post(dp, '/v1/track', body)).status, 200);
    const r = await get(dp, '/api/events?messageId=nums');
    for (const [i, n] of literals.entries()) assert.ok(r.text.includes(`"n${i}":${n}`), `${n} in ${r.text}`);
    assert.ok(r.text.includes(`"list":[${literals.join(',')}]`));
    // The stream splices the same stored text.
    const batch = `{"batch":[{"userId":"u","event":"B","messageId":"b1","properties":{"big":12345678901234567890,"inf":1e400}}]}`;
    assert.equal((await post(dp, '/v1/batch', batch)).status, 200);
    const b = await get(dp, '/api/events?messageId=b1');
    assert.ok(b.text.includes('"big":12345678901234567890,"inf":1e400'), b.text);
  });

  test('whitespace between tokens is dropped (one line per stored event); strings are untouched', async () => {
    const dp = await plane();
    const body = `{ "userId" : "u" ,\n "event": "Spaced",\r\n\t"messageId":"sp", "properties": { "s": "a \\" b\\n", "n": [ 1 , 2 ] } }`;
    assert.equal((await post(dp, '/v1/track', body)).status, 200);
    const r = await get(dp, '/api/events?messageId=sp');
    const row = JSON.parse(r.text).events[0];
    assert.deepEqual(row.payload.properties, { s: 'a " b\n', n: [1, 2] });
    assert.ok(!/[\n\r\t]/.test(r.text));
  });
});

describe('fields only the data plane writes', () => {
  test('a client-sent trackingPlanVerdict is dropped at ingest and never marks the event dropped', async () => {
    const dp = await plane();
    const forged = { dropEvent: true, violationType: 'Unplanned-Event' };
    await post(dp, '/v1/batch', {
      batch: [track({ messageId: 'forged', trackingPlanVerdict: forged, context: { violationErrors: [{ type: 'Required-Missing' }] } })],
    });
    const r = await get(dp, '/api/events?messageId=forged');
    const [row] = JSON.parse(r.text).events;
    assert.equal(row.payload.trackingPlanVerdict, undefined);
    assert.equal(row.plan, null, 'no plan checked it');
    for (const violation of ['dropped', 'any', 'Required-Missing'])
      assert.deepEqual(messageIds((await get(dp, `/api/events?violation=${violation}`)).text), []);
  });

  test("with a plan, the verdict is the plan's: client-sent annotation fields are replaced", async () => {
    const dp = await plane({ trackingPlan: PLAN });
    await post(dp, '/v1/track', {
      userId: 'u',
      event: 'Paid',
      messageId: 'ok',
      properties: { amount: 1 },
      trackingPlanVerdict: { dropEvent: true, violationType: 'Unplanned-Event' },
      context: { trackingPlanId: 'forged', violationErrors: [{ type: 'Required-Missing' }] },
    });
    const [row] = JSON.parse((await get(dp, '/api/events?messageId=ok')).text).events;
    assert.deepEqual(row.plan, { violations: [], dropped: null });
    assert.equal(row.payload.trackingPlanVerdict, undefined);
    assert.deepEqual(row.payload.context, { trackingPlanId: 'tp_h', violationErrors: [], trackingPlanVersion: 2 });
    assert.deepEqual(messageIds((await get(dp, '/api/events?violation=any')).text), []);
  });
});
