// How a call's events and results cross between the runner and its sandbox: frames (a notice on a
// socket, the body in a shared file), JSON array chunks, and the metadata the runner attaches. What
// crosses must read back exactly as a JSON copy would, whatever its size or characters.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, describe, test } from 'node:test';
import { closeBodyFile, FrameChannel, openBodyFile, type Frame } from '../dist/frames.js';
import { TransformationRunner } from '../dist/index.js';
import { fromJsonChunks, jsonChunks } from '../dist/json-chunks.js';
import { jsonCopyOf } from '../dist/result-metadata.js';

const jsonCopy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('frames', () => {
  /** Two ends over a real stream and one body file; the receiving end is fed `sizes`-byte chunks. */
  function pair(sizes: number) {
    const fd = openBodyFile();
    const notices = new PassThrough();
    const received: Frame[] = [];
    const receiver = new FrameChannel(new PassThrough(), fd, (frame) => received.push(frame));
    notices.on('data', (chunk: Buffer) => {
      for (let at = 0; at < chunk.length; at += sizes) receiver.push(chunk.subarray(at, at + sizes));
    });
    const sender = new FrameChannel(notices, fd, () => assert.fail('the sender receives nothing'));
    return { sender, received, close: () => closeBodyFile(fd) };
  }

  test('headers and lines arrive as sent, notices split anywhere, text of any script', async () => {
    for (const size of [1, 3, 1024]) {
      const { sender, received, close } = pair(size);
      const lines = ['{"a":"é"}', '["日本語", "😀"]', '"line\\nwith an escaped newline"', ''];
      sender.send('{"id":1,"name":"ünïcode"}', lines);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(received, [{ header: '{"id":1,"name":"ünïcode"}', lines }]);
      close();
    }
  });

  test('frames back to back, one with no lines and one past the first buffer (64 KB)', async () => {
    const { sender, received, close } = pair(7);
    const big = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ i, text: 'x'.repeat(i % 90) + 'ß' }));
    sender.send('{"id":1}', big);
    await new Promise((resolve) => setImmediate(resolve));
    sender.send('{"id":2}', []);
    sender.send('{"id":3}', ['1']);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      received.map((f) => [f.header, f.lines.length]),
      [
        ['{"id":1}', 3000],
        ['{"id":2}', 0],
        ['{"id":3}', 1],
      ],
    );
    assert.deepEqual(received[0].lines, big);
    close();
  });
});

describe('JSON array chunks', () => {
  test('values come back in order, in chunks that stay under the regular string size', () => {
    const small = Array.from({ length: 5000 }, (_, i) => ({ i, s: `v-${i}` }));
    const large = Array.from({ length: 300 }, (_, i) => ({ i, s: 'y'.repeat(3000) }));
    for (const values of [small, large, [], [null, 1, 'two', [3]]]) {
      const chunks = jsonChunks(values, JSON.stringify);
      assert.deepEqual(fromJsonChunks(chunks), values);
      for (const chunk of chunks) assert.ok(chunk.length < 128 * 1024, `a chunk of ${chunk.length} characters`);
    }
    assert.ok(jsonChunks(small, JSON.stringify).length < 100, 'small values are grouped');
  });

  test('a value JSON leaves out of an array reads back as null, as in one JSON array', () => {
    assert.deepEqual(fromJsonChunks(jsonChunks([undefined, () => 1, 2], JSON.stringify)), [null, null, 2]);
  });
});

describe('metadata attached by the runner', () => {
  test('reads as the JSON copy of the event metadata', () => {
    const metadata = {
      sourceId: 's',
      gone: undefined,
      notANumber: Number.NaN,
      at: new Date('2026-01-01T00:00:00.000Z'),
      nested: { list: [1, undefined, { deep: new Date(0) }] },
      fn: () => 1,
      nothing: null,
    };
    assert.deepEqual(jsonCopyOf(metadata), jsonCopy(metadata));
    assert.deepEqual(Object.keys(jsonCopyOf(metadata)), Object.keys(jsonCopy(metadata)));
    assert.deepEqual(jsonCopyOf(metadata, ['nothing', 'sourceId', 'missing']), { nothing: null, sourceId: 's' });
  });

  const runner = new TransformationRunner();
  after(() => runner.close());

  test('a module that awaits at its top level is evaluated before its function runs', async () => {
    const code = 'const base = await Promise.resolve(40);\nexport function transformEvent(e) { return { ...e, n: base + 2 }; }';
    const run = await runner.run({ code, events: [{ messageId: 'm1', type: 'track' }] });
    assert.deepEqual(
      run.results.map((r) => ('output' in r ? r.output.n : r.statusCode)),
      [42],
    );
  });

  test('a call through the sandbox: outputs and metadata as JSON copies, whatever the globals say', async () => {
    // The module replaces JSON, Math and Array.prototype.map before its functions run: how events
    // and results cross does not use what user code can replace (the hosted boundary does not either).
    const code = `
      JSON.parse = JSON.stringify = () => { throw new Error('replaced'); };
      Math.min = Math.ceil = () => 0;
      export function transformEvent(event, metadata) {
        if (event.event === 'drop') return null;
        const out = { ...event, seen: metadata(event).sourceId, count: event.items.length };
        if (event.event === 'split') return [{ part: 1, ...out }, { part: 2, ...out }];
        return out;
      }`;
    const events = Array.from({ length: 400 }, (_, i) => ({
      messageId: `m${i}`,
      type: 'track',
      event: i % 7 === 0 ? 'drop' : i % 5 === 0 ? 'split' : 'keep',
      items: Array.from({ length: i % 9 }, (_, k) => ({ k, name: `名前-${k}`, emoji: '😀' })),
    }));
    const inputs = events.map((message, i) => ({
      message,
      metadata: { sourceId: `s${i % 3}`, messageId: message.messageId, receivedAt: new Date(i * 1000), skip: undefined },
    }));
    const run = await runner.run({ code, inputs });
    assert.equal(run.error, undefined);
    const expected = (i: number) => jsonCopy(inputs[i].metadata);
    const kept = run.results.filter((r) => r.statusCode === 200);
    assert.equal(kept.length, events.filter((e) => e.event === 'keep').length + 2 * events.filter((e) => e.event === 'split').length);
    for (const r of run.results) {
      const i = Number(String(r.metadata.messageId).slice(1));
      if (r.statusCode === 298) {
        assert.equal(events[i].event, 'drop');
        continue;
      }
      assert.ok('output' in r);
      assert.deepEqual(r.metadata, expected(i));
      const { part, seen, count, ...rest } = r.output as Record<string, unknown>;
      assert.deepEqual(rest, events[i]);
      assert.equal(seen, `s${i % 3}`);
      assert.equal(count, events[i].items.length);
      if (events[i].event === 'split') assert.ok(part === 1 || part === 2);
    }
  });
});

describe('transformEvent results settle as the hosted wrapper settles them', () => {
  const runner = new TransformationRunner();
  after(() => runner.close());
  const events = ['m1', 'm2', 'm3', 'm4'].map((messageId, i) => ({ messageId, type: 'track', n: i }));
  const outputs = (run: Awaited<ReturnType<TransformationRunner['run']>>) =>
    run.results.map((r) => ('output' in r ? `${r.metadata.messageId}:${String(r.output.via)}` : `${r.metadata.messageId}:${r.statusCode}`));

  test('plain results and settled promises in event order; a later promise after them', async () => {
    // Hosted, each call's result is awaited: a plain value and an already settled promise settle in the
    // first microtask turn, in event order; a promise that settles a turn later is recorded after them.
    const code = `export function transformEvent(e) {
      if (e.n === 0) return Promise.resolve().then(() => ({ ...e, via: 'later' }));
      if (e.n === 2) return Promise.resolve({ ...e, via: 'settled' });
      return { ...e, via: 'plain' };
    }`;
    assert.deepEqual(outputs(await runner.run({ code, events })), ['m2:plain', 'm3:settled', 'm4:plain', 'm1:later']);
  });

  test('every call is made before any result is read, and each keeps the metadata of the event as sent', async () => {
    // The code changes each event's messageId, and its last call puts a non-object into the first event's
    // returned array. Hosted, metadata is looked up before each call and results are read only after every
    // call was made: the first event fails as an array with a non-object, the others keep their metadata.
    const code = `let first;
    export function transformEvent(e) {
      const out = { ...e, messageId: 'changed-' + e.messageId, via: 'plain' };
      if (e.n === 0) return (first = [out]);
      if (e.n === 3) first.push('not an object');
      return out;
    }`;
    const run = await runner.run({ code, events });
    assert.equal(run.error, undefined);
    assert.deepEqual(outputs(run), ['m1:400', 'm2:plain', 'm3:plain', 'm4:plain']);
    assert.equal((run.results[0] as { error: string }).error, 'returned event in events array from transformEvent(event) is not an object');
  });

  test('a thrown string fails the whole call only after every event was called', async () => {
    const code = `export function transformEvent(e) { log('called', e.messageId); if (e.n === 1) throw 'no stack'; return e; }`;
    const run = await runner.run({ code, events });
    assert.equal(run.error, "Error: Cannot read properties of undefined (reading 'split')");
    assert.deepEqual(run.logs, ['Log: called m1', 'Log: called m2', 'Log: called m3', 'Log: called m4']);
  });
});
