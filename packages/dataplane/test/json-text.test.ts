// Edits on JSON text: what ingest stores is the client's text, so these must agree with JSON.parse on
// every valid input, at any depth, and keep number literals as written.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arrayItems, editObject, memberText, minifyJson, valueEnd } from '../src/json-text.js';
import { sseFrame } from '../src/sse.js';
import { preparedRow } from '../src/rows.js';

test('minifyJson drops whitespace between tokens only, and leaves minimal text as it is', () => {
  const spaced = ' { "a" : [ 1 , 2e5 ] ,\n"s":"x , y \\" : [ z" ,\t"n" : null } \r\n';
  assert.equal(minifyJson(spaced), '{"a":[1,2e5],"s":"x , y \\" : [ z","n":null}');
  assert.deepEqual(JSON.parse(minifyJson(spaced)), JSON.parse(spaced));
  const minimal = '{"a":"b c","d":[1,{"e":"f, g"}]}';
  assert.equal(minifyJson(minimal), minimal);
});

test('valueEnd, arrayItems and memberText find values at any depth, strings with escapes included', () => {
  const deep = `[${'['.repeat(100_000)}${']'.repeat(100_000)},"\\\\",3]`;
  assert.equal(valueEnd(deep, 0), deep.length);
  assert.deepEqual(arrayItems(deep).slice(1), ['"\\\\"', '3']);
  const obj = '{"batch":[{"a":"]"},{"b":"\\"}"}],"x":1e400,"batch":[{"c":1}]}';
  assert.equal(memberText(obj, 'batch'), '[{"c":1}]', 'the last duplicate, as JSON.parse reads it');
  assert.equal(memberText(obj, 'x'), '1e400');
  assert.equal(memberText(obj, 'nope'), undefined);
});

test('editObject replaces in place, appends new keys, drops keys and earlier duplicates, keeps numbers', () => {
  const obj = '{"a":1,"n":12345678901234567890,"a":2,"\\u0062":"b","drop":true,"z":[1e400]}';
  const out = editObject(
    obj,
    new Map([
      ['b', '"B"'],
      ['new', '{"k":1}'],
    ]),
    new Set(['drop']),
  );
  assert.equal(out, '{"n":12345678901234567890,"a":2,"\\u0062":"B","z":[1e400],"new":{"k":1}}');
  assert.equal(editObject('{}', new Map([['k', '1']])), '{"k":1}');
  assert.equal(editObject('{"only":0}', new Map(), new Set(['only'])), '{}');
});

test("a live row's stream frame is made once and shared by every connection", () => {
  const row = preparedRow('dev', 7, {
    json: '{"userId":"u"}',
    type: 'track',
    userId: 'u',
    anonymousId: null,
    event: null,
    messageId: 'm',
    originalTimestamp: null,
    sentAt: null,
    receivedAt: null,
    planViolations: null,
    planDropped: null,
  });
  const frame = sseFrame(row);
  assert.equal(sseFrame(row), frame, 'the same bytes, not a copy');
  assert.match(frame.toString(), /^id: 7\ndata: \{"id":7,.*"payload":\{"userId":"u"\}\}\n\n$/);
});
