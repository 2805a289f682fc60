/** The file store on its own: replay order, torn tails, compaction, the directory lock. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { RudderAnalytics, type QueuedEvent, type Stats } from '../../src/index.js';
import { FileStore, StoreLockedError } from '../../src/node/index.js';
import { encodeEvent } from '../../src/encode.js';
import { startFaultServer } from '../support/fault-server.js';
import { WITH_TS_LOADER } from '../../../../test/support/ts-loader.js';

const tmp = mkdtempSync(join(tmpdir(), 'rudder-file-store-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(tmp, `store-${++dirs}`);
const quiet = { warn: () => undefined };

function event(i: number): QueuedEvent {
  const encoded = encodeEvent({ type: 'track', event: 'E', userId: 'u', messageId: `m-${i}`, originalTimestamp: '2026-01-01T00:00:00.000Z' });
  return { ...encoded, seq: i + 1 };
}

/** What a store hands the client at start: the events it found unacknowledged, in order. */
function replayed(store: FileStore): QueuedEvent[] {
  const found: QueuedEvent[] = [];
  void store.replay({ push: (events) => found.push(...events), backlog: 0 });
  return found;
}

const segments = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.startsWith('seg-'))
    .sort();

test('unacknowledged events come back in their original order with their original bytes; acknowledged ones do not', async () => {
  const dir = freshDir();
  const store = new FileStore({ dir, logger: quiet });
  const events = Array.from({ length: 10 }, (_, i) => event(i));
  store.append(events);
  store.settle(events.slice(0, 3));
  // events 3 and 4 in flight, never settled: they come back like those still waiting
  await store.close();

  const reopened = new FileStore({ dir, logger: quiet });
  assert.equal(reopened.stats().replayed, 7);
  const back = replayed(reopened);
  assert.deepEqual(
    back.map((e) => e.messageId),
    events.slice(3).map((e) => e.messageId),
  );
  assert.deepEqual(
    back.map((e) => e.json),
    events.slice(3).map((e) => e.json),
  );
  assert.deepEqual(
    back.map((e) => e.bytes),
    events.slice(3).map((e) => e.bytes),
  );
  await reopened.close();
});

test('a torn last line (the process died mid-write) is skipped, the records before it are replayed', async () => {
  const dir = freshDir();
  const store = new FileStore({ dir, logger: quiet });
  store.append([0, 1, 2].map(event));
  await store.close();
  const [segment] = segments(dir).filter((f) => f.endsWith('.jsonl'));
  appendFileSync(join(dir, segment), event(3).json.slice(0, 25));
  const warnings: string[] = [];
  const reopened = new FileStore({ dir, logger: { warn: (m) => warnings.push(m) } });
  assert.deepEqual(
    replayed(reopened).map((e) => e.messageId),
    ['m-0', 'm-1', 'm-2'],
  );
  // New events go to a new segment: never glued to the torn bytes.
  reopened.append([event(4)]);
  await reopened.close();
  const again = new FileStore({ dir, logger: quiet });
  assert.deepEqual(
    replayed(again).map((e) => e.messageId),
    ['m-0', 'm-1', 'm-2', 'm-4'],
  );
  await again.close();
});

test('a line of garbage in the middle (power loss) is skipped with a warning; the rest is replayed', async () => {
  const dir = freshDir();
  const store = new FileStore({ dir, logger: quiet });
  store.append([event(0)]);
  await store.close();
  const [segment] = segments(dir);
  appendFileSync(join(dir, segment), '\0\0\0\0\n' + event(1).json + '\n');
  const warnings: string[] = [];
  const reopened = new FileStore({ dir, logger: { warn: (m) => warnings.push(m) } });
  assert.deepEqual(
    replayed(reopened).map((e) => e.messageId),
    ['m-0', 'm-1'],
  );
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /1 unreadable record/);
  await reopened.close();
});

test('segments rotate by size and are deleted once every event in them is acknowledged', async () => {
  const dir = freshDir();
  const store = new FileStore({ dir, segmentBytes: 1000, logger: quiet });
  const events = Array.from({ length: 60 }, (_, i) => event(i));
  store.append(events);
  assert.ok(segments(dir).filter((f) => f.endsWith('.jsonl')).length > 3, 'several segments were written');
  // Delivered out of order (retries, split batches): each segment goes when its last event does.
  store.settle(events.slice(30));
  assert.ok(segments(dir).length > 2);
  store.settle(events.slice(0, 30));
  assert.deepEqual(segments(dir), [segments(dir).find((f) => f.endsWith('.jsonl'))], 'only the open segment is left, without an ack file');
  await store.close();
  assert.deepEqual(segments(dir), [], 'a fully acknowledged open segment is removed on close');
});

test('fsync "batch": flush() resolves once appended events are synced; "always" syncs in append()', async () => {
  for (const fsync of ['batch', 'always'] as const) {
    const dir = freshDir();
    const store = new FileStore({ dir, fsync, logger: quiet });
    store.append(Array.from({ length: 100 }, (_, i) => event(i)));
    await store.flush();
    await store.close();
    const reopened = new FileStore({ dir, logger: quiet });
    assert.equal(replayed(reopened).length, 100);
    await reopened.close();
  }
});

test('a second store on the same directory fails with a clear StoreLockedError', async () => {
  const dir = freshDir();
  const store = new FileStore({ dir, logger: quiet });
  assert.throws(
    () => new FileStore({ dir, logger: quiet }),
    (error: unknown) =>
      error instanceof StoreLockedError &&
      error.code === 'store_locked' &&
      error.pid === process.pid &&
      error.message.includes(dir) &&
      /in use by process \d+/.test(error.message),
  );
  await store.close();
  const next = new FileStore({ dir, logger: quiet }); // closed: the lock is free again
  await next.close();
});

// The holder is a separate process evaluating a snippet, so it names the module by URL.
const NODE_ENTRY = new URL('../../src/node/index.ts', import.meta.url).href;

test('another live process holding the directory is refused; its lock is taken over once it is killed', async () => {
  const dir = freshDir();
  const holder = spawn(
    process.execPath,
    [
      ...WITH_TS_LOADER,
      '--input-type=module',
      '-e',
      `import { FileStore } from ${JSON.stringify(NODE_ENTRY)}; new FileStore({ dir: ${JSON.stringify(dir)} }); console.log('held'); setInterval(() => {}, 1000);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise((resolve) => holder.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    holder.stdout!.once('data', () => resolve());
    holder.once('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
  assert.equal(readFileSync(join(dir, 'lock'), 'utf8').split(' ')[0], String(holder.pid));
  assert.throws(
    () => new FileStore({ dir, logger: quiet }),
    (e: unknown) => e instanceof StoreLockedError && e.pid === holder.pid,
  );
  holder.kill('SIGKILL'); // the lock file stays behind, naming a dead pid
  await exited;
  const store = new FileStore({ dir, logger: quiet });
  assert.equal(readFileSync(join(dir, 'lock'), 'utf8').split(' ')[0], String(process.pid));
  await store.close();
});

test('close() out of time with a FileStore: the events stay on disk, counted as persisted, and the books balance before and after the restart', async (t) => {
  const dir = freshDir();
  const stalled = await startFaultServer(() => ({ stall: true }));
  const healthy = await startFaultServer();
  t.after(() => Promise.all([stalled.close(), healthy.close()]));
  const balance = (s: Stats) => s.accepted + s.replayed - (s.delivered + s.failed + s.dropped + s.queued + s.inFlight + s.persisted);

  const first = RudderAnalytics.load('wk', stalled.url, {
    storage: new FileStore({ dir, logger: quiet }),
    flushAt: 5,
    logger: quiet,
    flushOnExit: false,
  });
  for (let i = 0; i < 11; i++) first.track({ userId: 'u', event: 'Kept', properties: { i } });
  await first.close({ timeoutMs: 100 });
  const atClose = first.stats();
  assert.equal(atClose.accepted, 11);
  assert.equal(atClose.persisted, 11, 'in flight and still queued alike');
  assert.equal(balance(atClose), 0, JSON.stringify(atClose));

  const second = RudderAnalytics.load('wk', healthy.url, { storage: new FileStore({ dir, logger: quiet }), logger: quiet, flushOnExit: false });
  await second.close();
  const after2 = second.stats();
  assert.deepEqual({ replayed: after2.replayed, delivered: after2.delivered }, { replayed: 11, delivered: 11 });
  assert.equal(balance(after2), 0, JSON.stringify(after2));
  assert.equal(new Set(healthy.delivered().map((e) => e.messageId)).size, 11);
});
