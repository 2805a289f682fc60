/**
 * Events that can never be delivered are kept, with the reason, in a dead-letter file that can be
 * replayed through the SDK once the cause is fixed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { startDataPlane, type DataPlane } from '@rudderanalytics/dataplane';
import { RudderAnalytics } from '../../src/index.js';
import { FileStore, readDeadLetters, replayDeadLetters, type DeadLetter } from '../../src/node/index.js';
import { startFaultServer } from '../support/fault-server.js';

let tmp: string;
let dataPlane: DataPlane;
const quiet = { warn: () => undefined, error: () => undefined };

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'rudder-dead-letter-'));
  dataPlane = await startDataPlane({ port: 0, dbPath: join(tmp, 'dataplane.db'), quiet: true });
});
after(async () => {
  await dataPlane.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function collect(path: string): Promise<DeadLetter[]> {
  const records: DeadLetter[] = [];
  for await (const record of readDeadLetters(path)) records.push(record);
  return records;
}

test('a 401 sends every event to the dead-letter file with its reason; replayed to a healthy data plane, all arrive', async () => {
  const refusing = await startFaultServer(() => ({ status: 401, body: 'invalid write key\n' }));
  const dir = join(tmp, 'store-401');
  const store = new FileStore({ dir, logger: quiet });
  const client = RudderAnalytics.load('wrong-key', refusing.url, { storage: store, flushAt: 20, logger: quiet });
  const ids: string[] = [];
  for (let i = 0; i < 45; i++) {
    ids.push(
      client.track({
        userId: `u${i}`,
        event: 'Refused',
        properties: { i },
        context: { ip: '10.0.0.1' },
        originalTimestamp: '2026-01-02T03:04:05.678Z',
      }),
    );
  }
  const sent = client.send({ type: 'identify', userId: 'u-send', traits: { plan: 'pro' } });
  await assert.rejects(sent, /401/);
  ids.push((await collect(store.deadLetterPath)).find((r) => r.event.type === 'identify')!.event.messageId as string);
  await client.close();
  await refusing.close();

  const records = await collect(store.deadLetterPath);
  assert.equal(records.length, 46);
  assert.deepEqual(records.map((r) => r.event.messageId).sort(), [...ids].sort());
  for (const record of records) {
    assert.equal(record.reason, 'rejected');
    assert.equal(record.status, 401);
    assert.equal(record.message, 'invalid write key');
    assert.ok(!Number.isNaN(Date.parse(record.failedAt)));
    assert.equal(record.event.sentAt, undefined);
    assert.equal(record.event.channel, 'server', 'kept: the SDK stamps channel only when absent, so a replay sends the event as first accepted');
  }
  const track = records.find((r) => r.event.type === 'track')!;
  const context = track.event.context as { ip?: string; library?: { name?: string } };
  assert.equal(context.ip, '10.0.0.1');
  assert.equal(context.library?.name, 'rudderanalytics', 'the producing library is kept for the replay');
  assert.equal(track.event.originalTimestamp, '2026-01-02T03:04:05.678Z');
  assert.ok(!readFileSync(store.deadLetterPath, 'utf8').includes('wrong-key'), 'the write key is never written');
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.startsWith('seg-')),
    [],
    'dead-lettered events are acknowledged in the store',
  );

  // The fix: the right key. Move the file aside, then send it again (the same messageIds).
  const replayPath = join(tmp, 'replay.jsonl');
  renameSync(store.deadLetterPath, replayPath);
  const healthy = RudderAnalytics.load(dataPlane.writeKey, dataPlane.url, { logger: quiet });
  const result = await replayDeadLetters(healthy, replayPath);
  await healthy.close();
  assert.deepEqual({ sent: result.sent, failed: result.failed }, { sent: 46, failed: 0 });
  const stored = dataPlane.events({ limit: 1000 });
  assert.deepEqual(stored.map((e) => e.messageId).sort(), [...ids].sort());
  const storedTrack = stored.find((e) => e.messageId === track.event.messageId)!;
  assert.equal(storedTrack.originalTimestamp, '2026-01-02T03:04:05.678Z', 'the original call time is kept');
});

test('retries used up (503 throughout) also end in the dead-letter file, with the last status', async () => {
  const down = await startFaultServer(() => ({ status: 503, body: 'unavailable' }));
  const store = new FileStore({ dir: join(tmp, 'store-503'), logger: quiet });
  const client = RudderAnalytics.load('key', down.url, { storage: store, logger: quiet, retry: { maxAttempts: 2, minDelayMs: 1, maxDelayMs: 1 } });
  client.track({ userId: 'u', event: 'Never' });
  await client.flush();
  await client.close();
  await down.close();
  const [record] = await collect(store.deadLetterPath);
  assert.equal(record.reason, 'retries_exhausted');
  assert.equal(record.status, 503);
  assert.equal(record.event.event, 'Never');
});

test("overflow 'drop-oldest' keeps what it drops as a dead letter (reason queue_full)", async () => {
  const server = await startFaultServer();
  const store = new FileStore({ dir: join(tmp, 'store-full'), logger: quiet });
  const client = RudderAnalytics.load('key', server.url, {
    storage: store,
    logger: quiet,
    maxQueueSize: 2,
    overflow: 'drop-oldest',
    flushInterval: 60_000,
  });
  const first = client.track({ userId: 'u', event: 'A' });
  client.track({ userId: 'u', event: 'B' });
  client.track({ userId: 'u', event: 'C' });
  await client.close();
  await server.close();
  const records = await collect(store.deadLetterPath);
  assert.deepEqual(
    records.map((r) => [r.reason, r.event.messageId]),
    [['queue_full', first]],
  );
});

test('a dead-letter file is replayed as is by the CLI (`rudder send dead-letter.jsonl`)', async () => {
  const rudder = fileURLToPath(new URL('../../../cli/bin/rudder.js', import.meta.url));
  assert.ok(existsSync(rudder), `the CLI is not built (${rudder}): run npm run build`);
  const refusing = await startFaultServer(() => ({ status: 404, body: 'source is disabled' }));
  const store = new FileStore({ dir: join(tmp, 'store-cli'), logger: quiet });
  const client = RudderAnalytics.load('disabled-source', refusing.url, { storage: store, logger: quiet });
  const ids = [
    client.identify({ userId: 'cli-u1', traits: { plan: 'pro' }, context: { locale: 'fr-FR' } }),
    client.track({ anonymousId: 'cli-a1', event: 'Signed Up', properties: { via: 'cli' } }),
    client.page({ userId: 'cli-u1', name: 'Pricing' }),
    client.group({ userId: 'cli-u1', groupId: 'g1' }),
    client.alias({ userId: 'cli-u2', previousId: 'cli-a1' }),
    client.screen({ userId: 'cli-u1', name: 'Home' }),
  ];
  await client.close();
  await refusing.close();
  assert.equal((await collect(store.deadLetterPath)).length, ids.length);

  // Asynchronously: the data plane answering it runs in this process.
  const run = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const args = [rudder, 'send', store.deadLetterPath, '--quiet', '--write-key', dataPlane.writeKey, '--data-plane-url', dataPlane.url];
    const child = execFile(process.execPath, args, { timeout: 30_000 }, (_error, stdout, stderr) =>
      resolve({ code: child.exitCode, output: stdout + stderr }),
    );
  });
  assert.equal(run.code, 0, `rudder send failed:\n${run.output}`);
  const stored = new Map(dataPlane.events({ limit: 1000 }).map((e) => [e.messageId, e]));
  assert.deepEqual(
    ids.filter((id) => !stored.has(id)),
    [],
    'every dead letter was sent, with its original messageId',
  );
  assert.equal((stored.get(ids[0])!.payload.context as Record<string, unknown>).locale, 'fr-FR');
});
