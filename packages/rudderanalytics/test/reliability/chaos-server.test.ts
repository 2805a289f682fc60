/**
 * The chaos data plane itself: the reliability figures are only as good as its faults, so each kind
 * is checked against a plain fetch, and a seed is checked to reproduce the same faults.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { FAULT_KINDS, MIXED, startChaosServer, type FaultKind } from '../support/chaos-server.ts';

const KEY = 'wk_chaos_self';
const AUTH = `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`;
const body = (...ids: string[]) => JSON.stringify({ batch: ids.map((messageId) => ({ type: 'track', event: 'E', userId: 'u', messageId })) });

async function post(url: string, payload: string | Buffer, headers: Record<string, string> = {}, timeoutMs = 2_000) {
  try {
    const res = await fetch(`${url}/v1/batch`, {
      method: 'POST',
      headers: { authorization: AUTH, 'content-type': 'application/json', ...headers },
      body: typeof payload === 'string' ? payload : new Uint8Array(payload),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, text: await res.text(), retryAfter: res.headers.get('retry-after') };
  } catch (error) {
    return { error: (error as Error).name === 'TimeoutError' ? 'timeout' : 'network' };
  }
}

test('each fault kind does what it says, and only answers that commit store', async () => {
  const expected: Record<FaultKind, (r: Awaited<ReturnType<typeof post>>) => boolean> = {
    ok: (r) => 'status' in r && r.status === 200,
    slow: (r) => 'status' in r && r.status === 200,
    '500': (r) => 'status' in r && r.status === 500,
    '502': (r) => 'status' in r && r.status === 502,
    '503': (r) => 'status' in r && r.status === 503,
    '504': (r) => 'status' in r && r.status === 504,
    '429': (r) => 'status' in r && r.status === 429 && r.retryAfter === null,
    '429-retry-after': (r) => 'status' in r && r.status === 429 && r.retryAfter === '2',
    reset: (r) => 'error' in r && r.error === 'network',
    stall: (r) => 'error' in r && r.error === 'timeout',
    'stall-body': (r) => 'error' in r && r.error === 'timeout',
    'lost-ack': (r) => 'error' in r && r.error === 'network',
    garbage: (r) => 'error' in r && r.error === 'network',
  };
  const stores: FaultKind[] = ['ok', 'slow', 'stall-body', 'lost-ack'];
  for (const kind of FAULT_KINDS) {
    const server = await startChaosServer({ mix: { [kind]: 1 }, retryAfter: '2', writeKey: KEY });
    try {
      // A stall never answers, so its wait is short; every other kind answers, and a loaded machine may be slow to.
      const stalls = kind === 'stall' || kind === 'stall-body';
      const result = await post(server.url, body(`${kind}-1`), {}, stalls ? 500 : 10_000);
      assert.ok(expected[kind](result), `${kind}: ${JSON.stringify(result)}`);
      assert.equal(server.stored.has(`${kind}-1`), stores.includes(kind), `${kind}: stored?`);
      assert.equal(server.stats().tally[kind], 1);
    } finally {
      await server.close();
    }
  }
});

test('the gateway rules come first: 401, 400, 413 on the decompressed size, gzip read', async () => {
  const server = await startChaosServer({ mix: { ok: 1 }, writeKey: KEY, maxBodyBytes: 2_000 });
  try {
    assert.equal((await post(server.url, body('a'), { authorization: 'Basic d3Jvbmc6' })).status, 401);
    assert.equal((await post(server.url, '{"batch":[]}')).status, 400);
    assert.equal((await post(server.url, 'not json')).status, 400);
    assert.equal((await post(server.url, JSON.stringify({ batch: [{ type: 'track', userId: '\u200B' }] }))).status, 400);
    const big = body(...Array.from({ length: 40 }, (_, i) => `big-${i}`));
    assert.ok(Buffer.byteLength(big) > 2_000 && gzipSync(big).length < 2_000);
    assert.equal((await post(server.url, gzipSync(big), { 'content-encoding': 'gzip' })).status, 413, 'the cap is on the decompressed body');
    assert.equal((await post(server.url, gzipSync(body('z1', 'z2')), { 'content-encoding': 'gzip' })).status, 200);
    assert.deepEqual([...server.stored.keys()], ['z1', 'z2']);
    assert.deepEqual({ ...server.stats().tally }, { ...server.stats().tally, '401': 1, '400': 3, '413': 1, ok: 1 });
  } finally {
    await server.close();
  }
});

test('a seed reproduces the faults, request by request', async () => {
  const plan = async (seed: number) => {
    const server = await startChaosServer({ seed, mix: { ...MIXED, stall: 0, 'stall-body': 0 }, slowMs: { min: 0, max: 2 } });
    try {
      for (let i = 0; i < 60; i++) await post(server.url, body(`m${i}`));
      return [...server.plan];
    } finally {
      await server.close();
    }
  };
  const [a, b, c] = [await plan(42), await plan(42), await plan(43)];
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.ok(new Set(a).size >= 5, `a varied mix: ${[...new Set(a)]}`);
});
