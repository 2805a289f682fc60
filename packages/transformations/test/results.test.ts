// The processor-facing shape (rudderlabs/rudder-transformer @ c98d160cfaddc5fe5ddee7891c4f4a23014b9aa8,
// src/services/userTransform.ts transformRoutine): drops as 298 first, outputs 200, failures 400.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { runTransformation, TransformationRunner } from '../dist/index.js';

const runner = new TransformationRunner();
after(() => runner.close());

const events = [
  { messageId: 'a', type: 'track', event: 'Keep', receivedAt: '2026-01-01T00:00:00.000Z' },
  { messageId: 'b', type: 'track', event: 'Drop' },
  { messageId: 'c', type: 'track', event: 'Split' },
  { messageId: 'd', type: 'track', event: 'Fail' },
];
const metadata = { sourceId: 'src1', sourceName: 'Local', workspaceId: 'ws', destinationId: 'dst' };

test('keep, drop, split and fail in one call', async () => {
  const code = `export function transformEvent(event, metadata) {
    if (event.event === 'Drop') return null;
    if (event.event === 'Fail') throw new Error('no ' + metadata(event).eventName);
    if (event.event === 'Split') return [{ ...event, part: 1 }, { ...event, part: 2 }];
    log('kept', { id: event.messageId });
    return event;
  }`;
  const run = await runner.run({ code, events, metadata });
  assert.deepEqual(
    run.results.map((r) => [r.statusCode, r.metadata.messageId, 'output' in r ? (r.output.part ?? r.output.event) : 'error' in r ? r.error : null]),
    [
      [298, 'b', null],
      // a synchronous throw is recorded before the returned values, whose await takes a tick (as hosted)
      [400, 'd', 'Error: no Fail\n    at transformEvent (base transformation:3:39)'],
      [200, 'a', 'Keep'],
      [200, 'c', 1],
      [200, 'c', 2],
    ],
  );
  assert.equal(run.results[2].metadata.sourceId, 'src1');
  assert.equal(run.results[2].metadata.receivedAt, '2026-01-01T00:00:00.000Z');
  assert.deepEqual(run.results[0].metadata.messageIds, null);
  assert.deepEqual(run.logs, ['Log: kept {"id":"a"}']);
});

test('metadata(event) exposes the hosted fields, filled from the given metadata and the event', async () => {
  const code = `export function transformEvent(event, metadata) { return { seen: metadata(event) }; }`;
  const run = await runner.run({ code, events: events.slice(0, 1), metadata: { ...metadata, secret: 'not exposed' } });
  assert.deepEqual((run.results[0] as unknown as { output: { seen: unknown } }).output.seen, {
    sourceId: 'src1',
    sourceName: 'Local',
    workspaceId: 'ws',
    destinationId: 'dst',
    messageId: 'a',
    receivedAt: '2026-01-01T00:00:00.000Z',
    eventName: 'Keep',
    eventType: 'track',
  });
});

test('transformBatch: an output with an unknown messageId gets new metadata; a missing input is dropped', async () => {
  const code = `export function transformBatch(events, metadata) {
    return [events[0], { type: 'track', event: 'Summary', messageId: 'new' }];
  }`;
  const run = await runTransformation({ code, events: events.slice(0, 2), metadata });
  assert.deepEqual(
    run.results.map((r) => [r.statusCode, 'output' in r ? r.output.event : null]),
    [
      [298, null],
      [200, 'Keep'],
      [200, 'Summary'],
    ],
  );
  const summary = run.results[2].metadata;
  assert.equal(summary.eventName, 'Summary');
  assert.equal(summary.sourceId, 'src1');
  assert.match(String(summary.messageId), /^[0-9a-f-]{36}$/);
});

test('transformBatch must return an array', async () => {
  const run = await runner.run({ code: 'export function transformBatch(events) { return events[0]; }', events, metadata });
  assert.deepEqual(run.transformedEvents, [{ error: 'returned events from transformBatch(event) is not an array', metadata: {} }]);
  // an error without metadata covers every event of the call: none is reported dropped
  assert.deepEqual(
    run.results.map((r) => r.statusCode),
    [400],
  );
});

test('language python is refused with a clear message', async () => {
  const run = await runner.run({ code: 'def transformEvent(event, metadata):\n  return event', language: 'python', events });
  assert.match(run.error ?? '', /language "python" is not supported offline/);
  assert.equal(run.results.length, events.length);
});

test('module state starts over with every call, as hosted (UT "cache expires": variable stays 1)', async () => {
  const code = 'let variable = 0;\nexport function transformEvent(event) { variable += 1; event.variable = variable; return event; }';
  for (let i = 0; i < 2; i++) {
    const run = await runner.run({ code, events: events.slice(0, 1) });
    assert.equal((run.results[0] as { output: { variable: number } }).output.variable, 1);
  }
});
