// `violation=` is checked like the other query parameters: a value no stored event could carry (a typo,
// a wrong case) is a 400 naming the parameter and the values allowed, on the query API, the stream and
// the in-process reader; the known values still filter.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestPlane } from './support/helpers.js';

let dp: Awaited<ReturnType<typeof startTestPlane>>;
before(async () => {
  dp = await startTestPlane({ trackingPlan: { id: 'tp_v', version: 1, events: [] } });
});
after(() => dp.stop());

const ALLOWED =
  'violation must be one of any, dropped, Required-Missing, Datatype-Mismatch, Additional-Properties, Advance-Rules-Violation, Unknown-Violation, Unplanned-Event';

for (const [value, error] of [
  ['bogus', ALLOWED],
  ['required-missing', `${ALLOWED} (did you mean Required-Missing?)`],
  ['ANY', `${ALLOWED} (did you mean any?)`],
]) {
  test(`/api/events?violation=${value}: 400 naming the parameter and the values allowed`, async () => {
    const res = await fetch(`${dp.url}/api/events?violation=${value}`);
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error });
    const stream = await fetch(`${dp.url}/api/events/stream?violation=${value}`);
    assert.equal(stream.status, 400);
    assert.deepEqual(await stream.json(), { error });
    assert.throws(() => dp.events({ violation: value }), { message: error });
  });
}

test('every allowed value, and an empty one (no filter), answers 200', async () => {
  for (const value of ['', 'any', 'dropped', 'Required-Missing', 'Unplanned-Event']) {
    const res = await fetch(`${dp.url}/api/events?violation=${value}`);
    assert.equal(res.status, 200, `${value}: ${await res.clone().text()}`);
    assert.deepEqual(await res.json(), { events: [], hasMore: false, next: null });
  }
});
