// The read side under hostile input: pages and stream replays bounded in bytes with a cursor, the read
// token required from every reader, other sites' pages refused, the live page not frameable, and an
// unauthenticated upload not read to its end.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { DataPlaneArgsError, parseDataPlaneArgs, startDataPlane } from '../src/index.js';
import { PAGE_BUDGET_BYTES } from '../src/query.js';
import { post, raw, startTestPlane, track } from './support/helpers.js';
import { openSse } from './support/sse-client.js';

type Plane = Awaited<ReturnType<typeof startTestPlane>>;

/** Events just under the 4,096,000-byte request cap, as any web page can post them with the dev key. */
const BIG = 6;
const bigEvent = (i: number) => track({ messageId: `big-${i}`, properties: { pad: 'x'.repeat(3_900_000) } });

interface Page {
  events: Array<{ id: number; messageId: string }>;
  hasMore: boolean;
  next: { since: number } | { before: number } | null;
}

describe('byte budgets on the read side', () => {
  let dp: Plane;
  before(async () => {
    dp = await startTestPlane();
    for (let i = 0; i < BIG; i++) assert.equal((await post(dp, '/v1/track', bigEvent(i))).status, 200);
  });
  after(() => dp.stop());

  async function pages(first: string): Promise<{ ids: string[]; sizes: number[]; pages: number }> {
    const ids: string[] = [];
    const sizes: number[] = [];
    let query = first;
    for (let n = 1; ; n++) {
      const res = await fetch(`${dp.url}/api/events?${query}`);
      const text = await res.text();
      assert.equal(res.status, 200, text.slice(0, 200));
      sizes.push(Buffer.byteLength(text));
      const page = JSON.parse(text) as Page;
      ids.push(...page.events.map((e) => e.messageId));
      if (!page.hasMore) {
        assert.equal(page.next, null);
        return { ids, sizes, pages: n };
      }
      const [[key, value]] = Object.entries(page.next!);
      query = `${first.replace(/&?(since|before)=\d+/, '')}&${key}=${value}`;
    }
  }

  test('a listing of many large events stops at the budget and says where to continue', async () => {
    const newestFirst = await pages('limit=140');
    assert.deepEqual(
      newestFirst.ids,
      Array.from({ length: BIG }, (_, i) => `big-${BIG - 1 - i}`),
    );
    assert.ok(newestFirst.pages > 1, 'more than one page');
    // The first row always comes whole; rows after it only while the page stays within the budget.
    for (const size of newestFirst.sizes) assert.ok(size <= PAGE_BUDGET_BYTES + 64 * 1024, `page of ${size} bytes`);
    const oldestFirst = await pages('limit=140&since=0');
    assert.deepEqual(
      oldestFirst.ids,
      Array.from({ length: BIG }, (_, i) => `big-${i}`),
    );
  });

  test('the row limit still says whether more rows match', async () => {
    const res = await fetch(`${dp.url}/api/events?limit=1&order=asc`);
    const page = (await res.json()) as Page;
    assert.deepEqual(
      page.events.map((e) => e.messageId),
      ['big-0'],
    );
    assert.equal(page.hasMore, true);
    assert.deepEqual(page.next, { since: page.events[0].id });
  });

  test('a stream replay of large events is delivered in full, page by page, without cutting the reader off', async () => {
    const sse = await openSse(`${dp.url}/api/events/stream?since=0`);
    try {
      for (let i = 0; i < BIG; i++) {
        const m = await sse.next(20_000);
        assert.equal((JSON.parse(m.data) as { messageId: string }).messageId, `big-${i}`);
      }
      // Then live, from where the replay ended.
      assert.equal((await post(dp, '/v1/track', track({ messageId: 'after' }))).status, 200);
      assert.equal((JSON.parse((await sse.next()).data) as { messageId: string }).messageId, 'after');
    } finally {
      sse.close();
    }
  });

  test('HEAD of the stream is answered (headers, no body)', async () => {
    const r = await raw(dp.url, 'HEAD', '/api/events/stream');
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/event-stream/);
    assert.equal(r.body.length, 0);
  });
});

describe('who may read', () => {
  let dp: Plane;
  before(async () => {
    dp = await startTestPlane({ readToken: 'T0k3n', allowedHosts: ['tunnel.example'] });
    await post(dp, '/v1/track', track({ userId: 'secret-user' }));
  });
  after(() => dp.stop());

  test('a read token is required from every reader, a tunnel or proxy on loopback included', async () => {
    for (const path of ['/api/events', '/api/events/stream', '/live']) {
      for (const host of ['tunnel.example', `localhost:${dp.port}`]) {
        for (const query of ['', '?token=wrong']) {
          const r = await raw(dp.url, 'GET', `${path}${query}`, { Host: host });
          assert.equal(r.status, 401, `${host} ${path}${query}`);
          assert.ok(!r.body.toString().includes('secret-user'));
        }
      }
      const ok = await raw(dp.url, 'GET', `${path}?token=T0k3n`, { Host: 'tunnel.example' });
      assert.equal(ok.status, 200, path);
    }
    const bearer = await raw(dp.url, 'GET', '/api/events', { Authorization: 'Bearer T0k3n' });
    assert.equal(bearer.status, 200);
  });

  test('an empty read token is refused with a clear message', async () => {
    assert.throws(
      () => parseDataPlaneArgs(['--read-token', '']),
      (e: Error) => e instanceof DataPlaneArgsError && /--read-token must not be empty/.test(e.message),
    );
    await assert.rejects(startDataPlane({ port: 0, dbPath: ':memory:', quiet: true, readToken: '' }), /read token must not be empty/);
  });

  test("another site's page cannot read or time a read: 403 before any query", async () => {
    for (const headers of <Array<Record<string, string>>>[
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-site' },
      { Origin: 'http://evil.test' },
      { Origin: 'null' },
    ]) {
      const r = await raw(dp.url, 'GET', '/api/events?userId=secret-user&token=T0k3n', headers);
      assert.equal(r.status, 403, JSON.stringify(headers));
      assert.ok(!r.body.toString().includes('secret-user'));
    }
    const own = await raw(dp.url, 'GET', '/api/events?token=T0k3n', { 'Sec-Fetch-Site': 'same-origin', Origin: dp.url });
    assert.equal(own.status, 200);
    // A link to the live page from anywhere still opens it.
    const visit = await raw(dp.url, 'GET', '/live?token=T0k3n', {
      'Sec-Fetch-Site': 'cross-site',
      'Sec-Fetch-Mode': 'navigate',
      'Sec-Fetch-Dest': 'document',
    });
    assert.equal(visit.status, 200);
  });

  test('the live page cannot be framed', async () => {
    const r = await raw(dp.url, 'GET', '/live?token=T0k3n');
    assert.match(String(r.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.equal(r.headers['x-frame-options'], 'DENY');
  });
});

describe('an unauthenticated upload', () => {
  let dp: Plane;
  before(async () => {
    dp = await startTestPlane();
  });
  after(() => dp.stop());

  test('is answered 401 and not read to its end: the connection closes', async () => {
    const total = 300 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const { status, written } = await new Promise<{ status: number; written: number }>((resolve) => {
      let written = 0;
      let status = 0;
      const req = request(`${dp.url}/v1/track`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': total },
        agent: false,
      });
      req.on('response', (res) => {
        status = res.statusCode ?? 0;
        res.resume();
      });
      req.on('close', () => resolve({ status, written }));
      req.on('error', () => {});
      const pump = () => {
        while (written < total && !req.destroyed) {
          written += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (written >= total) req.end();
      };
      pump();
    });
    assert.equal(status, 401);
    assert.ok(written < 64 * 1024 * 1024, `the client got to send ${written} bytes`);
  });
});
