/**
 * The SDK against a hostile or broken data plane (support/hostile-server.ts, a real server on 127.0.0.1):
 * a huge or endless response body never crashes or bloats the host (only the start of a body is read, on
 * node:http and on fetch alike); an odd `Retry-After` (0, -1, a past date, garbage, huge) never makes a
 * batch spend its attempts at once, so a brief outage loses nothing; a body that echoes the write key
 * back never brings it into a log line, an error or a thrown object. Events end delivered or as typed
 * failures, never lost silently.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DeliveryError, RudderAnalytics, type RetryInfo } from '../../src/index.js';
import { Capture } from '../support/capture.ts';
import { startHostileServer, type Answer, type HostileServer } from '../support/hostile-server.ts';
import { testClient } from '../support/client.ts';
import { recordUnhandledRejections } from '../support/watch.ts';
import { WITH_TS_LOADER } from '../../../../test/support/ts-loader.js';

const CHILD = fileURLToPath(new URL('../support/hostile-child.ts', import.meta.url));
const MB = 1024 * 1024;

interface ChildReport {
  code: number | null;
  stderr: string;
  report?: { outcome: string; stats: { delivered: number; failed: number }; peakRssMbBefore: number; peakRssMbAfter: number };
}

/** Runs the host application (support/hostile-child.ts) against `url` and reads its report, or how it died. */
function host(url: string, transport: 'node' | 'fetch'): Promise<ChildReport> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...WITH_TS_LOADER, CHILD, url, transport], { timeout: 120_000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      const line = stdout.trim().split('\n').pop() ?? '';
      let report: ChildReport['report'];
      try {
        report = JSON.parse(line) as ChildReport['report'];
      } catch {
        report = undefined;
      }
      resolve({ code, stderr, report });
    });
  });
}

async function against(answer: Answer, fn: (server: HostileServer) => Promise<void>): Promise<void> {
  const server = await startHostileServer(() => answer);
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

for (const transport of ['node', 'fetch'] as const) {
  test(
    `${transport}: an 800 MB answer is read only as far as the byte budget; the host survives and the event is delivered`,
    { timeout: 150_000 },
    async (t) => {
      await against({ status: 200, body: { huge: 800 * MB } }, async (server) => {
        const ran = await host(server.url, transport);
        assert.equal(ran.code, 0, `the host process died:\n${ran.stderr}`);
        assert.equal(ran.report?.outcome, 'delivered');
        assert.deepEqual([ran.report.stats.delivered, ran.report.stats.failed], [1, 0]);
        assert.equal(server.delivered.length, 1);
        await server.servedCount(1);
        const [served] = server.served;
        t.diagnostic(
          `body written before the client hung up: ${(served.bodyBytes / MB).toFixed(1)} MB of 800; host peak RSS ${ran.report.peakRssMbBefore} → ${ran.report.peakRssMbAfter} MB`,
        );
        assert.ok(served.hungUp, 'the client read the whole 800 MB');
        // What the socket buffers take before the client stops reading, far from the body's size.
        assert.ok(served.bodyBytes < 32 * MB, `${served.bodyBytes} bytes were written`);
        assert.ok(ran.report.peakRssMbAfter - ran.report.peakRssMbBefore < 64, 'the host grew by more than 64 MB');
      });
    },
  );

  test(
    `${transport}: an endless 503 answer ends at the byte budget as a typed failure, not at the deadline or a crash`,
    { timeout: 150_000 },
    async () => {
      await against({ status: 503, body: { endless: true } }, async (server) => {
        const ran = await host(server.url, transport);
        assert.equal(ran.code, 0, `the host process died:\n${ran.stderr}`);
        // The child's deadline is 60 s: a TimeoutError here would mean the body was read until then.
        assert.match(
          ran.report?.outcome ?? '',
          /^DeliveryError: 1 event\(s\) not delivered \(retries_exhausted\) after 1 attempt\(s\): HTTP 503 x+…$/,
        );
        assert.deepEqual([ran.report!.stats.delivered, ran.report!.stats.failed], [0, 1]);
        await server.servedCount(1);
        assert.ok(server.served[0].hungUp);
        assert.ok(server.served[0].bodyBytes < 32 * MB, `${server.served[0].bodyBytes} bytes were written`);
      });
    },
  );
}

const PAST = new Date(Date.now() - 3_600_000).toUTCString();

for (const [label, retryAfter] of [
  ['0', '0'],
  ['-1', '-1'],
  ['an HTTP date in the past', PAST],
  ['garbage', 'garbage'],
  ['99999999999 (over maxRetryAfterMs)', '99999999999'],
]) {
  test(
    `Retry-After: ${label} never waits less than the backoff (capped at maxRetryAfterMs): a 300 ms outage loses nothing`,
    { timeout: 30_000 },
    async () => {
      // 503 for the first 300 ms; the backoff of 4 attempts from 200 ms spans more than that, so the batch lives.
      const server = await startHostileServer(({ sinceFirstMs }) => (sinceFirstMs < 300 ? { status: 503, retryAfter } : { status: 200 }));
      const { client } = testClient(server.url, {
        flushInterval: 1,
        retry: { maxAttempts: 4, minDelayMs: 200, maxDelayMs: 2000, maxRetryAfterMs: 400 },
      });
      const retries: RetryInfo[] = [];
      client.on('retry', (info) => retries.push(info));
      try {
        await client.send({ type: 'track', userId: 'u', event: 'Outage' });
        assert.equal(server.delivered.length, 1);
        assert.ok(retries.length >= 1);
        for (const { attempt, delayMs } of retries) {
          // Equal jitter: the backoff of attempt n is at least half its step (200 ms doubled per attempt).
          assert.ok(delayMs >= 100 * 2 ** (attempt - 1), `attempt ${attempt} waited ${delayMs} ms`);
          if (retryAfter === '99999999999') assert.ok(delayMs >= 400 && delayMs <= Math.max(400, 200 * 2 ** (attempt - 1)), `${delayMs}`);
        }
      } finally {
        await client.close();
        await server.close();
      }
    },
  );
}

const KEY = 'wk/Hostile+Echo=d41c';
const FORMS = [KEY, encodeURIComponent(KEY), Buffer.from(`${KEY}:`).toString('base64'), Buffer.from(`${KEY}:`).toString('base64').replace(/=+$/, '')];

for (const status of [401, 503]) {
  test(
    `a ${status} whose body echoes the write key: logged and thrown as a typed failure, the key masked in every form`,
    { timeout: 30_000 },
    async () => {
      const unhandled = recordUnhandledRejections();
      const cap = new Capture();
      const server = await startHostileServer(() => ({ status, body: { echo: true } }));
      // No 'error' listener: the failure goes to the logger, as it does for most users.
      const client = RudderAnalytics.load(KEY, server.url, {
        logger: cap.logger(),
        flushOnExit: false,
        flushInterval: 1,
        retry: { maxAttempts: 2, minDelayMs: 1, maxDelayMs: 2 },
      });
      client.on('retry', (info) => cap.payload(info));
      try {
        client.track({ userId: 'u', event: 'Logged' });
        await client.flush();
        const sent = await client.send({ type: 'track', userId: 'u', event: 'Awaited' }).catch((error: unknown) => error);
        cap.thrown(sent);
        assert.ok(sent instanceof DeliveryError);
        assert.equal(sent.status, status);
        assert.match(sent.serverMessage ?? '', /invalid write key "…d41c"/, 'the echoed text is kept, the key masked');
        assert.equal(client.stats().failed, 2);
        assert.ok(
          cap.texts.some((t) => t.startsWith('logger.error:') && t.includes(`HTTP ${status} invalid write key`)),
          'the failure was logged',
        );
        assert.deepEqual(cap.leaks(FORMS), []);
        assert.deepEqual(unhandled.reasons, []);
      } finally {
        unhandled.stop();
        await client.close();
        await server.close();
      }
    },
  );
}
