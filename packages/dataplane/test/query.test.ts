// The query API's one rule for limit and paging, over HTTP and in-process alike.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MAX_API_LIMIT } from '../src/query.js';
import { post, startTestPlane, track } from './support/helpers.js';

let dp: Awaited<ReturnType<typeof startTestPlane>>;
before(async () => {
  dp = await startTestPlane();
  const batch = Array.from({ length: 7 }, (_, i) => track({ messageId: `p${i}` }));
  assert.equal((await post(dp, '/v1/batch', { batch })).status, 200);
});
after(() => dp.stop());

async function get(qs: string): Promise<{ status: number; body: { events?: { id: number; messageId: string }[]; error?: string } }> {
  const res = await fetch(`${dp.url}/api/events${qs}`);
  return { status: res.status, body: (await res.json()) as never };
}

test(`limit is an integer from 1 to ${MAX_API_LIMIT}: 0 and ${MAX_API_LIMIT + 1} are refused with 400, not bent`, async () => {
  assert.equal((await get('?limit=1')).body.events?.length, 1);
  assert.equal((await get(`?limit=${MAX_API_LIMIT}`)).body.events?.length, 7);
  for (const limit of ['0', String(MAX_API_LIMIT + 1), '20000', '-1', '2.5']) {
    const { status, body } = await get(`?limit=${limit}`);
    assert.equal(status, 400, `limit=${limit}`);
    assert.equal(body.error, `limit must be an integer from 1 to ${MAX_API_LIMIT}`);
  }
  // In-process there is no upper bound, but the same lower one.
  assert.throws(() => dp.events({ limit: 0 }), /limit must be an integer of at least 1/);
  assert.equal(dp.events({ limit: 1_000_000 }).length, 7);
});

test("since pages forward: the oldest rows after it, so the last id is the next page's since", async () => {
  const pages: string[][] = [];
  let since = 0;
  for (;;) {
    const { status, body } = await get(`?since=${since}&limit=3`);
    assert.equal(status, 200);
    if (body.events!.length === 0) break;
    pages.push(body.events!.map((e) => e.messageId));
    since = body.events!.at(-1)!.id;
  }
  assert.deepEqual(pages, [['p0', 'p1', 'p2'], ['p3', 'p4', 'p5'], ['p6']]);
  // The in-process reader follows the same rule; an explicit order still wins.
  assert.deepEqual(
    dp.events({ since: 0, limit: 2 }).map((e) => e.messageId),
    ['p0', 'p1'],
  );
  assert.deepEqual(
    dp.events({ since: 0, limit: 2, order: 'desc' }).map((e) => e.messageId),
    ['p6', 'p5'],
  );
  // Without since: the newest first, and before pages back.
  const newest = (await get('?limit=2')).body.events!;
  assert.deepEqual(
    newest.map((e) => e.messageId),
    ['p6', 'p5'],
  );
  assert.deepEqual(
    (await get(`?before=${newest[1].id}&limit=2`)).body.events!.map((e) => e.messageId),
    ['p4', 'p3'],
  );
});
