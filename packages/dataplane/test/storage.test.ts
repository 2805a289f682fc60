// Storage and read side: SQLite persistence and WAL, the query API, the SSE stream and the in-process reader.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { openDatabase } from '../src/engines.js';
import { startDataPlane } from '../src/index.js';
import { post, startTestPlane, tempDir, track } from './support/helpers.js';
import { openSse } from './support/sse-client.js';

describe('persistence', () => {
  test('events survive a restart on the same file, ids keep increasing, WAL is on', async () => {
    const tmp = tempDir();
    const dbPath = join(tmp.dir, 'nested', 'dir', 'events.db');
    try {
      const first = await startDataPlane({ port: 0, dbPath, quiet: true });
      assert.equal((await post(first, '/v1/batch', { batch: [track({ messageId: 'a' }), track({ messageId: 'b' })] })).status, 200);
      // A second connection sees the rows as soon as the 200 arrived: the commit came first.
      const reader = await openDatabase(first.engine, dbPath);
      assert.equal((reader.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n, 2);
      assert.equal((reader.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode, 'wal');
      assert.ok(existsSync(`${dbPath}-wal`));
      reader.close();
      await first.close();

      const second = await startDataPlane({ port: 0, dbPath, quiet: true });
      try {
        assert.deepEqual(
          second.events({ order: 'asc' }).map((e) => e.messageId),
          ['a', 'b'],
        );
        await post(second, '/v1/track', track({ messageId: 'c' }));
        const [c, b] = second.events({ limit: 2 });
        assert.equal(c.messageId, 'c');
        assert.ok(c.id > b.id);
      } finally {
        await second.close();
      }
    } finally {
      tmp.remove();
    }
  });
});

describe('query API', () => {
  let dp: Awaited<ReturnType<typeof startTestPlane>>;
  before(async () => {
    dp = await startTestPlane();
  });
  after(() => dp.stop());
  beforeEach(async () => {
    await dp.clear();
    const r = await post(dp, '/v1/batch', {
      batch: [
        { type: 'identify', userId: 'alice', messageId: 'm1', traits: {} },
        { type: 'track', userId: 'alice', event: 'Signed Up', messageId: 'm2', receivedAt: '2026-01-01T00:00:00.000Z' },
        { type: 'track', anonymousId: 'anon-1', event: 'Viewed', messageId: 'm3', receivedAt: '2026-06-01T00:00:00.000Z' },
        { type: 'page', userId: 'bob', name: 'Home', messageId: 'm4', receivedAt: '2026-12-01T00:00:00.000Z' },
      ],
    });
    assert.equal(r.status, 200);
  });

  const get = async (qs: string) => {
    const r = await fetch(`${dp.url}/api/events${qs}`);
    return { status: r.status, body: (await r.json()) as { events: Array<Record<string, unknown>>; error?: string } };
  };
  const ids = async (qs: string) => (await get(qs)).body.events.map((e) => e.messageId);

  test('newest first with the full stored event', async () => {
    const { status, body } = await get('');
    assert.equal(status, 200);
    assert.deepEqual(
      body.events.map((e) => e.messageId),
      ['m4', 'm3', 'm2', 'm1'],
    );
    const payload = body.events[3].payload as Record<string, unknown>;
    assert.equal(payload.userId, 'alice');
    assert.equal(typeof payload.rudderId, 'string');
  });
  test('filters: type, userId, anonymousId, event (track name and page name), messageId', async () => {
    assert.deepEqual(await ids('?type=track'), ['m3', 'm2']);
    assert.deepEqual(await ids('?userId=alice'), ['m2', 'm1']);
    assert.deepEqual(await ids('?anonymousId=anon-1'), ['m3']);
    assert.deepEqual(await ids('?event=Signed%20Up'), ['m2']);
    assert.deepEqual(await ids('?event=Home'), ['m4']);
    assert.deepEqual(await ids('?messageId=m3'), ['m3']);
    assert.deepEqual(await ids('?type=track&userId=alice'), ['m2']);
    assert.deepEqual(await ids('?source=dev&type=page'), ['m4']);
  });
  test('limit, since (row id or ISO date) and before', async () => {
    assert.deepEqual(await ids('?limit=2'), ['m4', 'm3']);
    const all = (await get('')).body.events.map((e) => e.id as number);
    const idOfM2 = all[2];
    assert.deepEqual(await ids(`?since=${idOfM2}`), ['m3', 'm4'], 'since pages forward: oldest first');
    assert.deepEqual(await ids(`?before=${idOfM2}`), ['m1']);
    const minute = 60_000;
    assert.deepEqual(await ids(`?since=${new Date(Date.now() - minute).toISOString()}&type=track`), ['m2', 'm3']);
    assert.deepEqual(await ids(`?since=${new Date(Date.now() + minute).toISOString()}`), []);
    // since=<date> means "stored at or after": wait for the clock to tick past the mark, store one more.
    const mark = new Date();
    while (Date.now() <= mark.getTime()) await new Promise((r) => setImmediate(r));
    await post(dp, '/v1/track', track({ messageId: 'm5' }));
    assert.deepEqual(await ids(`?since=${new Date(mark.getTime() + 1).toISOString()}`), ['m5']);
    assert.deepEqual(await ids('?order=asc&limit=1'), ['m1']);
  });
  test('malformed parameters → 400 with a JSON error', async () => {
    for (const qs of ['?limit=abc', '?since=not-a-date', '?before=-1', '?order=up']) {
      const { status, body } = await get(qs);
      assert.equal(status, 400, qs);
      assert.equal(typeof body.error, 'string');
    }
  });
  test('the in-process reader applies the same filters', () => {
    assert.deepEqual(
      dp.events({ type: 'track' }).map((e) => e.messageId),
      ['m3', 'm2'],
    );
    assert.equal(dp.count({ userId: 'alice' }), 2);
    assert.equal(dp.count(), 4);
  });
});

describe('live stream', () => {
  let dp: Awaited<ReturnType<typeof startTestPlane>>;
  before(async () => {
    dp = await startTestPlane();
  });
  after(() => dp.stop());

  test('delivers new events as they are stored, honouring filters', async () => {
    const all = await openSse(`${dp.url}/api/events/stream`);
    const tracks = await openSse(`${dp.url}/api/events/stream?type=track`);
    try {
      assert.match(all.headers.get('content-type') ?? '', /^text\/event-stream/);
      await post(dp, '/v1/batch', { batch: [{ type: 'identify', userId: 'u', messageId: 's1' }, track({ messageId: 's2' })] });
      const m1 = await all.next();
      const m2 = await all.next();
      assert.deepEqual([JSON.parse(m1.data).messageId, JSON.parse(m2.data).messageId], ['s1', 's2']);
      assert.equal(m2.id, String(JSON.parse(m2.data).id));
      assert.equal(JSON.parse(m2.data).payload.event, 'Order Completed');
      assert.equal(JSON.parse((await tracks.next()).data).messageId, 's2');
    } finally {
      all.close();
      tracks.close();
    }
  });

  test('since / Last-Event-ID replay what was stored after that id, then go live', async () => {
    await dp.clear();
    await post(dp, '/v1/track', track({ messageId: 'r1' }));
    await post(dp, '/v1/track', track({ messageId: 'r2' }));
    const [r1] = dp.events({ messageId: 'r1' });
    const viaHeader = await openSse(`${dp.url}/api/events/stream`, { 'Last-Event-ID': String(r1.id) });
    try {
      assert.equal(JSON.parse((await viaHeader.next()).data).messageId, 'r2');
      await post(dp, '/v1/track', track({ messageId: 'r3' }));
      assert.equal(JSON.parse((await viaHeader.next()).data).messageId, 'r3');
    } finally {
      viaHeader.close();
    }
  });

  test('listeners are released when clients disconnect', async () => {
    const streams = await Promise.all(Array.from({ length: 20 }, () => openSse(`${dp.url}/api/events/stream`)));
    assert.equal(dp.liveStreams, 20);
    for (const s of streams) s.close();
    // Nothing to await for the server noticing a closed socket, so poll with a deadline.
    const deadline = Date.now() + 5000;
    while (dp.liveStreams > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(dp.liveStreams, 0);
  });

  test('waitForEvents and subscribe are driven by ingest', async () => {
    await dp.clear();
    const seen: string[] = [];
    const unsubscribe = dp.subscribe((e) => seen.push(e.messageId), { type: 'track' });
    const waiting = dp.waitForEvents(2, { userId: 'w' });
    await post(dp, '/v1/identify', { userId: 'w', messageId: 'w1' });
    await post(dp, '/v1/track', { userId: 'w', event: 'E', messageId: 'w2' });
    const got = await waiting;
    assert.deepEqual(
      got.map((e) => e.messageId),
      ['w1', 'w2'],
    );
    assert.deepEqual(seen, ['w2']);
    unsubscribe();
    await post(dp, '/v1/track', { userId: 'w', event: 'E', messageId: 'w3' });
    assert.deepEqual(seen, ['w2']);
    await assert.rejects(dp.waitForEvents(99, {}, { timeoutMs: 50 }), /timed out/);
  });
});

describe(':memory:', () => {
  test('works like a file and leaves nothing behind', async () => {
    const ours = () => readdirSync(tmpdir()).filter((d) => d.startsWith(`rudder-dataplane-${process.pid}-`));
    const before = new Set(ours());
    const dp = await startDataPlane({ port: 0, dbPath: ':memory:', quiet: true });
    const created = ours().filter((d) => !before.has(d));
    assert.equal(created.length, 1, 'a private scratch directory holds the database');
    assert.equal(dp.dbPath, ':memory:');
    assert.equal((await post(dp, '/v1/track', track())).status, 200);
    assert.equal(dp.count(), 1);
    await dp.close();
    assert.ok(!existsSync(join(tmpdir(), created[0])));
  });
});
