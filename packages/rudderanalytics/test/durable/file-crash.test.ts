/**
 * The file store's promise: an accepted event survives `kill -9`. A child process accepts N events and
 * is killed while batches are in flight; a second child on the same directory delivers the rest.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startDataPlane, type DataPlane } from '@rudderanalytics/dataplane';
import { startProducer, within } from '../support/child.js';
import { startForwarder, startGate } from '../support/gate.js';

const N = 5000;
const FLUSH_AT = 100;
let tmp: string;
let dataPlane: DataPlane;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'rudder-file-crash-'));
  dataPlane = await startDataPlane({ port: 0, dbPath: join(tmp, 'dataplane.db'), quiet: true });
});

after(async () => {
  await dataPlane.close();
  rmSync(tmp, { recursive: true, force: true });
});

test(`a process killed with SIGKILL mid-delivery loses none of its ${N} accepted events, and the restarted one's books balance`, async (t) => {
  const dir = join(tmp, 'store');
  const expected = new Set(Array.from({ length: N }, (_, i) => `crash-${i}`));
  const gate = await startGate(dataPlane.url, 2);
  t.after(() => gate.server.close());
  const first = startProducer({
    store: 'file',
    fsync: 'batch',
    dir,
    url: gate.server.url,
    writeKey: dataPlane.writeKey,
    count: N,
    prefix: 'crash',
    flushAt: FLUSH_AT,
  });
  t.after(() => first.stop());
  await first.waitFor((l) => l === `accepted ${N}`, 'accepted');
  await first.waitFor((l) => l.startsWith('delivered '), 'a first delivery');
  await within(gate.stalled, 'the third batch stored'); // batch 3 stored by the data plane, its answer never given: in flight when killed
  first.process.kill('SIGKILL');
  await within(first.exited, 'the killed child exits');
  await gate.server.close();
  const before = new Set(dataPlane.events({ limit: 100_000 }).map((e) => e.messageId));
  assert.equal(before.size, 3 * FLUSH_AT, 'exactly three batches reached the data plane before the kill');

  const healthy = await startForwarder(dataPlane.url);
  t.after(() => healthy.close());
  const second = startProducer({ store: 'file', dir, url: healthy.url, writeKey: dataPlane.writeKey, count: 0, prefix: 'none', flushAt: FLUSH_AT });
  t.after(() => second.stop());
  const ready = await second.waitFor((l) => l.startsWith('ready '), 'ready');
  // Batches 1 and 2 were acknowledged; batch 3 (stored, unanswered) and the rest come again.
  assert.equal(ready, `ready replayed=${N - 2 * FLUSH_AT}`);
  const done = await second.waitFor((l) => l.startsWith('done '), 'done');
  assert.equal(await within(second.exited, 'the second child exits'), 0, second.stderr());
  // The restarted process accepted nothing itself: everything it delivered was replayed, and it says so.
  const { client: books } = JSON.parse(done.slice('done '.length)) as { client: Record<string, number> };
  assert.equal(books.replayed, N - 2 * FLUSH_AT);
  assert.equal(
    books.accepted + books.replayed,
    books.delivered + books.failed + books.dropped + books.queued + books.inFlight + books.persisted,
    JSON.stringify(books),
  );
  await healthy.close();

  const stored = dataPlane.events({ limit: 100_000 });
  const ids = new Set(stored.map((e) => e.messageId));
  const missing = [...expected].filter((id) => !ids.has(id));
  assert.deepEqual(missing, [], `${missing.length} accepted event(s) lost`);
  assert.equal(stored.length, N + FLUSH_AT, 'only the batch in flight at the kill is delivered twice');
  // Replayed events keep the time of the original call, not the time of the replay.
  const replayed = stored.find((e) => e.messageId === `crash-${N - 1}`)!;
  assert.ok(replayed.originalTimestamp! < replayed.sentAt!, 'originalTimestamp is the call time, before the replay sent it');
  // Everything acknowledged: no segment file is left behind.
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.startsWith('seg-')),
    [],
  );
});
