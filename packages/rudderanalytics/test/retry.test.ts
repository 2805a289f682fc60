import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DeliveryError } from '../src/index.js';
import { backoff, decide, parseRetryAfter } from '../src/retry.js';
import { sequence, type Reply, useFaultServer } from './support/fault-server.js';
import { testClient } from './support/client.js';

const policy = { maxAttempts: 5, minDelayMs: 100, maxDelayMs: 1000, maxElapsedMs: 10_000, maxRetryAfterMs: 5000 };
const state = { attempts: 1, elapsedMs: 0, count: 10, gzipped: false };
const response = (status: number, retryAfter: string | null = null) => ({ kind: 'response' as const, status, body: '', retryAfter });

describe('decide(): the status classes of the contract', () => {
  test('2xx delivered; 400/401/404 rejected; 429, 408, 5xx and network errors retried', () => {
    assert.deepEqual(decide(response(200), state, policy), { action: 'delivered' });
    assert.deepEqual(decide(response(204), state, policy), { action: 'delivered' });
    for (const status of [400, 401, 403, 404, 422]) assert.deepEqual(decide(response(status), state, policy), { action: 'fail', reason: 'rejected' });
    for (const status of [408, 429, 500, 502, 503, 504]) assert.equal(decide(response(status), state, policy).action, 'retry', String(status));
    assert.equal(decide({ kind: 'error', error: new Error('ECONNRESET') }, state, policy).action, 'retry');
  });
  test('413 splits a batch, and fails a single event as too large', () => {
    assert.deepEqual(decide(response(413), state, policy), { action: 'split' });
    assert.deepEqual(decide(response(413), { ...state, count: 1 }, policy), { action: 'fail', reason: 'too_large' });
  });
  test('a 400 to a gzipped request probes plain JSON', () => {
    assert.deepEqual(decide(response(400), { ...state, gzipped: true }, policy), { action: 'plain' });
  });
  test('retries end at maxAttempts and at maxElapsedMs', () => {
    assert.deepEqual(decide(response(503), { ...state, attempts: 5 }, policy), { action: 'fail', reason: 'retries_exhausted' });
    assert.deepEqual(
      decide(response(503), { ...state, elapsedMs: 9990 }, policy, () => 0.99),
      { action: 'fail', reason: 'retries_exhausted' },
    );
  });
  test('Retry-After is honoured, in seconds or as a date, and capped', () => {
    assert.deepEqual(decide(response(429, '2'), state, policy), { action: 'retry', delayMs: 2000 });
    assert.deepEqual(decide(response(503, '3600'), state, policy), { action: 'retry', delayMs: 5000 });
    assert.equal(parseRetryAfter('0'), 0);
    assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 7_000), 3000);
    assert.equal(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', Date.UTC(1994, 10, 6, 8, 49, 30)), 7000);
    assert.equal(parseRetryAfter('Sun Nov  6 08:49:37 1994', Date.UTC(1994, 10, 6, 8, 49, 30)), 7000);
    assert.equal(parseRetryAfter('soon'), undefined);
  });
  test('Retry-After never shortens the backoff: 0, a past date, -1 and garbage wait the backoff', () => {
    const past = new Date(Date.now() - 60_000).toUTCString();
    for (const value of ['0', past, '-1', 'garbage', '1 2', '']) {
      assert.deepEqual(
        decide(response(503, value), state, policy, () => 1),
        { action: 'retry', delayMs: 100 },
        JSON.stringify(value),
      );
    }
    // A Retry-After shorter than the backoff of a later attempt gives way to it.
    assert.deepEqual(
      decide(response(503, '0.2'), { ...state, attempts: 3 }, policy, () => 1),
      { action: 'retry', delayMs: 400 },
    );
    for (const value of ['-1', '1 2', 'garbage', '-5.5']) assert.equal(parseRetryAfter(value), undefined, value);
  });
  test('backoff doubles per attempt with jitter in [step/2, step], capped', () => {
    assert.equal(
      backoff(1, policy, () => 0),
      50,
    );
    assert.equal(
      backoff(1, policy, () => 1),
      100,
    );
    assert.equal(
      backoff(3, policy, () => 1),
      400,
    );
    assert.equal(
      backoff(10, policy, () => 1),
      1000,
    );
  });
});

describe('retries over HTTP', () => {
  const server = useFaultServer();
  const fast = { retry: { minDelayMs: 1, maxDelayMs: 5 }, gzip: false };

  for (const reply of [{ status: 500 }, { status: 502 }, { status: 503 }, { status: 504 }, { status: 429 }, { reset: true }] as Reply[]) {
    test(`${JSON.stringify(reply)} is retried until delivered, with the same messageIds`, async () => {
      server.script = sequence(reply, reply);
      const { client } = testClient(server.url, fast);
      const retries: number[] = [];
      client.on('retry', (info) => retries.push(info.attempt));
      const id = client.track({ userId: 'u', event: 'E' });
      await client.flush();
      assert.equal(server.requests.length, 3);
      assert.deepEqual(
        server.requests.map((r) => r.events[0]?.messageId),
        [id, id, id],
      );
      assert.deepEqual(retries, [1, 2]);
      const stats = client.stats();
      assert.equal(stats.delivered, 1);
      assert.equal(stats.retried, 2);
      await client.close();
    });
  }

  for (const [status, body] of [
    [400, 'invalid json'],
    [401, 'invalid write key'],
    [404, 'source is disabled'],
  ] as const) {
    test(`${status} is not retried: a DeliveryError with status, server message and messageIds`, async () => {
      server.script = () => ({ status, body: `${body}\n` });
      const { client } = testClient(server.url, fast);
      const errors: DeliveryError[] = [];
      client.on('error', (error) => errors.push(error));
      const sent = client.send({ type: 'track', userId: 'u', event: 'E' });
      await assert.rejects(sent, (error: unknown) => error instanceof DeliveryError && error.status === status);
      assert.equal(server.requests.length, 1);
      assert.equal(errors.length, 1);
      assert.equal(errors[0].reason, 'rejected');
      assert.equal(errors[0].serverMessage, body);
      assert.equal(errors[0].messageIds.length, 1);
      assert.equal(client.stats().failed, 1);
      await client.close();
    });
  }

  test('Retry-After from a 429 sets the wait', async () => {
    server.script = sequence({ status: 429, headers: { 'retry-after': '1' } });
    const { client } = testClient(server.url, { ...fast, retry: { minDelayMs: 1, maxDelayMs: 1 } });
    const delays: number[] = [];
    client.on('retry', (info) => delays.push(info.delayMs));
    client.track({ userId: 'u', event: 'E' });
    await client.flush();
    assert.deepEqual(delays, [1000]);
    assert.equal(server.delivered().length, 1);
    await client.close();
  });

  test('a server that stalls is cut off at timeoutMs and the batch retried', { timeout: 15_000 }, async () => {
    server.script = sequence({ stall: true });
    const { client } = testClient(server.url, { ...fast, timeoutMs: 200 });
    const retried: RetryInfoLike[] = [];
    client.on('retry', (info) => retried.push(info));
    client.track({ userId: 'u', event: 'E' });
    await client.flush();
    assert.equal(retried.length, 1);
    assert.match(String((retried[0].error as Error)?.message), /no complete response within 200 ms/);
    assert.equal(server.delivered().length, 1);
    await client.close();
  });

  test('retries exhausted: a DeliveryError, counted as failed', async () => {
    server.script = () => ({ status: 503, body: 'down' });
    const { client } = testClient(server.url, { ...fast, retry: { minDelayMs: 1, maxDelayMs: 2, maxAttempts: 3 } });
    const done = client.send({ type: 'track', userId: 'u', event: 'E' });
    await assert.rejects(
      done,
      (e: unknown) => e instanceof DeliveryError && e.reason === 'retries_exhausted' && e.attempts === 3 && e.status === 503,
    );
    assert.equal(server.requests.length, 3);
    assert.deepEqual(client.stats(), {
      accepted: 1,
      replayed: 0,
      delivered: 0,
      retried: 2,
      failed: 1,
      dropped: 0,
      queued: 0,
      inFlight: 0,
      persisted: 0,
    });
    await client.close();
  });

  test('413 splits the batch until each part fits, halves in order; a lone event that is too large fails alone', async () => {
    // The server takes at most 3 events per request, and never the one marked "huge".
    server.script = (request) =>
      request.events.length > 3 || request.events.some((e) => e.event === 'huge')
        ? { status: 413, body: 'request size exceeds max limit' }
        : { status: 200, body: 'ok' };
    // One request at a time, so the order of arrival is the order of sending.
    const { client } = testClient(server.url, { ...fast, maxInFlight: 1 });
    const errors: DeliveryError[] = [];
    client.on('error', (e) => errors.push(e));
    const names = Array.from({ length: 10 }, (_, i) => (i === 6 ? 'huge' : `e${i}`));
    for (const event of names) client.track({ userId: 'u', event });
    await client.flush();
    // In the order of the calls, across every split (not sorted: the README promises the order).
    assert.deepEqual(
      server.delivered().map((e) => e.event),
      names.filter((n) => n !== 'huge'),
    );
    assert.equal(errors.length, 1);
    assert.equal(errors[0].reason, 'too_large');
    assert.equal(errors[0].status, 413);
    // Never retried whole: a set of events answered 413 is never sent again as it was.
    const sets = server.requests.map((r) => r.events.map((e) => e.messageId).join(','));
    const refused = server.requests.filter((r) => r.events.length > 1 && (r.events.length > 3 || r.events.some((e) => e.event === 'huge')));
    assert.ok(refused.length >= 2, 'the test sends batches that are split');
    for (const request of refused) {
      const set = sets[request.index];
      assert.equal(sets.filter((s) => s === set).length, 1, `a 413'd batch of ${request.events.length} was sent again whole`);
    }
    assert.equal(client.stats().delivered, 9);
    await client.close();
  });

  test('Retry-After: 0 means "now", not "spend every attempt now": the retry waits the backoff', { timeout: 20_000 }, async () => {
    server.script = sequence({ status: 429, headers: { 'retry-after': '0' } });
    const { client } = testClient(server.url, { ...fast, retry: { minDelayMs: 400, maxDelayMs: 400 } });
    const delays: number[] = [];
    client.on('retry', (info) => delays.push(info.delayMs));
    await client.send({ type: 'track', userId: 'u', event: 'E' });
    assert.equal(delays.length, 1);
    // Equal jitter: the backoff of a 400 ms step is 200–400 ms.
    assert.ok(delays[0] >= 200 && delays[0] <= 400, `waited ${delays[0]} ms`);
    assert.equal(server.requests.length, 2);
    await client.close();
  });

  test('a data plane older than v1.4 (400 on gzip) gets plain JSON once, and from then on', async () => {
    server.script = (request) =>
      request.headers['content-encoding'] === 'gzip' ? { status: 400, body: 'invalid json' } : { status: 200, body: 'ok' };
    const { client, logs } = testClient(server.url, { retry: { minDelayMs: 1 } });
    client.track({ userId: 'u', event: 'first' });
    await client.flush();
    client.track({ userId: 'u', event: 'second' });
    await client.flush();
    assert.deepEqual(
      server.requests.map((r) => r.headers['content-encoding'] ?? 'plain'),
      ['gzip', 'plain', 'plain'],
    );
    assert.deepEqual(
      server.delivered().map((e) => e.event),
      ['first', 'second'],
    );
    assert.equal(logs.filter((l) => l.level === 'warn' && /plain JSON/.test(l.message)).length, 1);
    await client.close();
  });

  test('a genuine 400 after the plain probe is rejected, and gzip stays on', async () => {
    server.script = sequence({ status: 400, body: 'invalid json' }, { status: 400, body: 'invalid json' });
    const { client } = testClient(server.url, { retry: { minDelayMs: 1 } });
    await assert.rejects(
      client.send({ type: 'track', userId: 'u', event: 'E' }),
      (e: unknown) => e instanceof DeliveryError && e.reason === 'rejected',
    );
    client.track({ userId: 'u', event: 'next' });
    await client.flush();
    assert.deepEqual(
      server.requests.map((r) => r.headers['content-encoding'] ?? 'plain'),
      ['gzip', 'plain', 'gzip'],
    );
    await client.close();
  });
});

type RetryInfoLike = { error?: unknown };
