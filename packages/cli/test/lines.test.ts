import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readLines, TOO_LONG, type Line } from '../src/send/lines.js';
import { isBad, parseText, type BadRecord, type InputRecord } from '../src/send/records.js';

async function split(chunks: Array<string | Buffer>, max = 1000): Promise<Line[]> {
  const out: Line[] = [];
  for await (const lines of readLines(
    (async function* () {
      for (const c of chunks) yield typeof c === 'string' ? Buffer.from(c) : c;
    })(),
    max,
  ))
    out.push(...lines);
  return out;
}

test('lines split across chunk boundaries, CRLF, and a last line without a newline', async () => {
  assert.deepEqual(await split(['{"a":', '1}\r\n{"b"', ':2}\n\n{"c":3}']), ['{"a":1}', '{"b":2}', '', '{"c":3}']);
});

test('a multi-byte character split between chunks is decoded whole', async () => {
  const bytes = Buffer.from('{"name":"Zoë 🚀"}\n');
  const at = bytes.indexOf(0xf0) + 2;
  assert.deepEqual(await split([bytes.subarray(0, at), bytes.subarray(at)]), ['{"name":"Zoë 🚀"}']);
});

test('a line over the cap is dropped as it is read, and the next line is intact', async () => {
  const long = 'x'.repeat(50);
  assert.deepEqual(await split([`${long.slice(0, 30)}`, `${long.slice(30)}\nok\n`], 40), [TOO_LONG, 'ok']);
  assert.deepEqual(await split([long], 40), [TOO_LONG]);
});

test('records: calls, batches, failed-out wrappers, and text that is not JSON', () => {
  const out: Array<InputRecord | BadRecord> = [];
  parseText('{"type":"track","userId":"u","event":"E"}', 1, out);
  parseText('{"batch":[{"type":"page","userId":"u","name":"P"},{"type":"group"}],"context":{"app":"x"}}', 2, out);
  parseText('{"line":9,"reason":"userId: …","event":{"type":"identify","userId":"u2"}}', 3, out);
  parseText('{"line":4,"reason":"invalid JSON","raw":"{\\"type\\":\\"alias\\"}"}', 4, out);
  parseText('{oops', 5, out);
  assert.deepEqual(out.slice(0, 4), [
    { line: 1, call: { type: 'track', userId: 'u', event: 'E' } },
    { line: 2, item: 1, call: { type: 'page', userId: 'u', name: 'P', context: { app: 'x' } } },
    { line: 2, item: 2, call: { type: 'group', context: { app: 'x' } } },
    { line: 3, call: { type: 'identify', userId: 'u2' } },
  ]);
  assert.deepEqual(out[4], { line: 4, call: { type: 'alias' } });
  assert.ok(isBad(out[5]));
  assert.equal(out[5].line, 5);
  assert.match((out[5] as BadRecord).reason, /^invalid JSON/);
  // A track call's own `event` is a string: it is never mistaken for a failed-out wrapper.
  const track: Array<InputRecord | BadRecord> = [];
  parseText('{"reason":"x","event":"Signed Up","userId":"u"}', 1, track);
  assert.deepEqual(track, [{ line: 1, call: { reason: 'x', event: 'Signed Up', userId: 'u' } }]);
});
