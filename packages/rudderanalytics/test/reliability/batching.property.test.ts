/**
 * Properties of batching, for any events (any sizes, any Unicode) and any limits: batches never exceed
 * flushAt or maxBatchBytes (measured on the bytes a real server received), every event is sent exactly
 * once, and order is kept. The pure parts (byte accounting, MemoryQueue.take) are checked directly too.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RudderAnalytics, ValidationError } from '../../src/index.js';
import { SENT_AT_BYTES, batchBytes, encodeEvent } from '../../src/encode.js';
import { Pack } from '../../src/pack.js';
import { MemoryQueue } from '../../src/queue.js';
import { startChaosServer } from '../support/chaos-server.ts';
import { startFaultServer } from '../support/fault-server.ts';

const SEED = process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : undefined;
const runs = (n: number) => ({ numRuns: n, ...(SEED !== undefined ? { seed: SEED } : {}) });

/** Any character: astral (4-byte), BMP (3-byte), Latin (2-byte), ASCII, and lone surrogates. */
const anyChar = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
  fc.constantFrom('€', '😀', 'é', 'a', '"', '\\', '\n', '\u2028'),
);
const text = fc.oneof(
  fc.string({ unit: anyChar, maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 400 }),
  fc.tuple(fc.constantFrom('€', '😀', 'é', 'a'), fc.nat(2500)).map(([c, n]) => c.repeat(n)),
);

test('property: the byte count of a batch is exactly the UTF-8 length of the body built from it', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ userId: text, note: text }), { maxLength: 30 }), (items) => {
      const events = items.map((item, i) => encodeEvent({ type: 'track', event: 'E', ...item, messageId: `m${i}` }));
      for (const e of events) assert.equal(e.bytes, Buffer.byteLength(e.json), 'an event counted in UTF-8 bytes');
      const sentAt = new Date().toISOString();
      const body = new TextDecoder().decode(Pack.of(events, false).body(sentAt));
      const total = events.reduce((sum, e) => sum + e.bytes, 0);
      assert.equal(batchBytes(events.length, total), Buffer.byteLength(body));
      if (events.length > 0) {
        const parsed = JSON.parse(body).batch as Record<string, unknown>[];
        assert.deepEqual(
          parsed.map((p) => p.messageId),
          events.map((e) => e.messageId),
        );
        assert.ok(parsed.every((p) => p.sentAt === sentAt));
        assert.deepEqual(
          parsed.map((p) => p.note),
          items.map((i) => JSON.parse(JSON.stringify(i.note))),
        );
      }
      assert.equal(SENT_AT_BYTES, Buffer.byteLength(`,"sentAt":"${sentAt}"`));
    }),
    runs(300),
  );
});

test('property: MemoryQueue cuts full batches within both limits, keeps order, loses nothing; a pack cut in two sends the same events', () => {
  const op = fc.oneof(
    fc.record({ push: fc.array(fc.integer({ min: 30, max: 5000 }), { minLength: 1, maxLength: 40 }) }),
    fc.record({ take: fc.nat() }),
    fc.record({ drop: fc.integer({ min: 1, max: 50 }) }),
  );
  const limits = fc.record({ flushAt: fc.integer({ min: 1, max: 60 }), maxBatchBytes: fc.integer({ min: 5200, max: 40_000 }) });
  fc.assert(
    fc.property(limits, fc.array(op, { maxLength: 80 }), (limit, ops) => {
      const queue = new MemoryQueue(limit, false);
      const sizes = new Map<string, number>();
      const pushed: string[] = [];
      const out: string[] = [];
      // What is left of a batch cut by drop-oldest goes as it is, without waiting to be filled up again.
      let cutByDrop = false;
      const check = (pack: Pack, full: boolean, cutAt: number) => {
        const ids = pack.messageIds();
        assert.ok(pack.count > 0 && pack.count <= limit.flushAt);
        const body = new TextDecoder().decode(pack.body('2024-01-01T00:00:00.000Z'));
        assert.equal(Buffer.byteLength(body), pack.bodyBytes, 'the body is as long as counted');
        if (pack.count > 1) assert.ok(pack.bodyBytes <= limit.maxBatchBytes, `${pack.bodyBytes} > ${limit.maxBatchBytes}`);
        assert.deepEqual(
          (JSON.parse(body) as { batch: { messageId: string }[] }).batch.map((e) => e.messageId),
          ids,
        );
        if (full && !cutByDrop) {
          // Filled up: one more event (the next one pushed) would not have fit.
          const next = pushed[out.length + ids.length];
          const room = next === undefined ? false : batchBytes(pack.count + 1, pack.bytes + sizes.get(next)!) <= limit.maxBatchBytes;
          assert.ok(pack.count === limit.flushAt || pack.bodyBytes >= limit.maxBatchBytes || !room, 'a full batch is as large as the limits allow');
        }
        const [a, b] = pack.cut(cutAt % (pack.count + 1));
        assert.deepEqual([...a.messageIds(), ...b.messageIds()], ids);
        assert.equal(a.bytes + b.bytes, pack.bytes);
        for (const half of [a, b].filter((h) => h.count > 0)) {
          assert.deepEqual(
            (JSON.parse(new TextDecoder().decode(half.body('2024-01-01T00:00:00.000Z'))) as { batch: { messageId: string }[] }).batch.map(
              (e) => e.messageId,
            ),
            half.messageIds(),
          );
        }
        out.push(...ids);
      };
      for (const o of ops) {
        if ('push' in o) {
          for (const size of o.push) {
            const messageId = `m${pushed.length + 1}`;
            const event = encodeEvent({ messageId, pad: 'x'.repeat(size - 30) });
            sizes.set(messageId, event.bytes);
            queue.push({ ...event, seq: pushed.length + 1 });
            pushed.push(messageId);
          }
        } else if ('take' in o) {
          const full = queue.hasFullBatch;
          const had = queue.length;
          const pack = queue.take();
          assert.equal(pack !== undefined, had > 0, 'a batch whenever events wait');
          if (pack) check(pack, full, o.take);
        } else {
          const had = queue.length;
          const dropped = queue.dropOldest(o.drop);
          cutByDrop = true;
          const ids = dropped.flatMap((p) => p.messageIds());
          assert.equal(ids.length, Math.min(had, o.drop));
          out.push(...ids);
        }
        assert.equal(queue.length, pushed.length - out.length);
        assert.equal(queue.headSeq, out.length < pushed.length ? out.length + 1 : undefined);
      }
      for (const pack of queue.drain()) out.push(...pack.messageIds());
      assert.deepEqual(out, pushed, 'everything out once, in order');
      assert.equal(queue.length, 0);
      assert.equal(queue.bytes, 0);
    }),
    runs(500),
  );
});

test('property (real HTTP): batches on the wire stay within flushAt and maxBatchBytes, each event once, in order', async (t) => {
  const server = await startFaultServer();
  t.after(() => server.close());
  let runCount = 0;
  let requestCount = 0;
  let eventCount = 0;
  let oversized = 0;
  const config = fc.record({
    flushAt: fc.integer({ min: 1, max: 60 }),
    maxBatchBytes: fc.integer({ min: 1024, max: 24_000 }),
    maxInFlight: fc.integer({ min: 1, max: 4 }),
    flushInterval: fc.constantFrom(0, 1, 5, 30),
  });
  const events = fc.array(fc.record({ type: fc.constantFrom('track', 'identify', 'page', 'screen', 'group'), text }), {
    minLength: 1,
    maxLength: 200,
    size: 'large',
  });

  await fc.assert(
    fc.asyncProperty(config, events, async (cfg, calls) => {
      const run = ++runCount;
      const firstRequest = server.requests.length;
      const client = RudderAnalytics.load('wk_property', server.url, {
        ...cfg,
        maxMessageBytes: Math.min(32_768, cfg.maxBatchBytes - 12),
        gzip: false,
        flushOnExit: false,
      });
      const sent: { seq: number; text: string }[] = [];
      try {
        for (const [seq, { type, text }] of calls.entries()) {
          const properties = { run, seq, text };
          const call = { userId: `u${run}`, properties };
          try {
            if (type === 'track') client.track({ ...call, event: 'Prop' });
            else if (type === 'identify') client.identify({ userId: call.userId, traits: properties });
            else if (type === 'page') client.page({ ...call, name: 'P' });
            else if (type === 'screen') client.screen({ ...call, name: 'S' });
            else client.group({ userId: call.userId, groupId: 'g', traits: properties });
            sent.push({ seq, text });
          } catch (error) {
            // Too big for this client's maxMessageBytes: refused at the call, so it must never be sent.
            assert.ok(error instanceof ValidationError && /over maxMessageBytes/.test(error.rule), String(error));
            oversized++;
          }
        }
        await client.flush();
        assert.deepEqual(client.stats().failed, 0);
      } finally {
        await client.close({ timeoutMs: 0 });
      }

      const requests = server.requests.slice(firstRequest);
      const batches = requests.map((r) => {
        assert.equal(r.headers['content-encoding'], undefined, 'gzip: false sends plain JSON');
        assert.ok(r.raw.length <= cfg.maxBatchBytes, `body ${r.raw.length} B > maxBatchBytes ${cfg.maxBatchBytes}`);
        assert.ok(r.events.length >= 1 && r.events.length <= cfg.flushAt, `${r.events.length} events > flushAt ${cfg.flushAt}`);
        return r.events.map((e) => {
          const p = (e.properties ?? e.traits) as { run: number; seq: number; text: string };
          assert.equal(p.run, run);
          return p;
        });
      });
      // Each batch is a run of consecutive accepted calls; end to end they are the calls, each once, in order.
      const position = new Map(sent.map((s, i) => [s.seq, i]));
      for (const batch of batches) {
        batch.forEach((p, i) => i > 0 && assert.equal(position.get(p.seq), position.get(batch[i - 1].seq)! + 1, 'a batch skips or reorders'));
      }
      const ordered = [...batches].sort((a, b) => a[0].seq - b[0].seq).flat();
      assert.deepEqual(
        ordered.map((p) => p.seq),
        sent.map((s) => s.seq),
      );
      assert.deepEqual(
        ordered.map((p) => p.text),
        sent.map((s) => JSON.parse(JSON.stringify(s.text))),
        'text arrives intact',
      );
      // With one request at a time, arrival order is call order.
      if (cfg.maxInFlight === 1)
        assert.deepEqual(
          batches.flat().map((p) => p.seq),
          sent.map((s) => s.seq),
        );
      requestCount += requests.length;
      eventCount += sent.length;
    }),
    runs(100),
  );
  t.diagnostic(`${runCount} runs, ${eventCount} events in ${requestCount} requests, ${oversized} oversized calls refused`);
});

test('property (real HTTP): a data plane with a smaller cap than maxBatchBytes gets every event once, through 413 splits', async (t) => {
  let splits = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 4_000, max: 30_000 }),
      fc.integer({ min: 1, max: 4 }),
      fc.array(fc.nat(1500), { minLength: 1, maxLength: 300, size: 'large' }),
      async (serverCap, maxInFlight, sizes) => {
        const server = await startChaosServer({ maxBodyBytes: serverCap });
        const client = RudderAnalytics.load('wk_property', server.url, {
          maxBatchBytes: 64_000,
          flushAt: 500,
          maxInFlight,
          flushOnExit: false,
          retry: { minDelayMs: 1, maxDelayMs: 5 },
        });
        try {
          const ids = sizes.map((n, i) => client.track({ userId: 'u', event: 'E', properties: { i, pad: 'é'.repeat(n) } }));
          await client.flush();
          const chaos = server.stats();
          assert.equal(client.stats().delivered, ids.length);
          assert.equal(chaos.duplicates, 0);
          assert.deepEqual([...server.stored.keys()].sort(), [...ids].sort());
          splits += chaos.tally['413'];
        } finally {
          await client.close({ timeoutMs: 0 });
          await server.close();
        }
      },
    ),
    runs(25),
  );
  t.diagnostic(`${splits} batches split after a 413`);
  assert.ok(splits > 0, 'no run exceeded the server cap');
});
