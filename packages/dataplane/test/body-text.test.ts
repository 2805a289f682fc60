// Request bodies become text chunk by chunk, and the writer reuses the buffers it hands back: what is stored must
// still be exactly the bytes each request sent, whatever the chunk boundaries and whatever an earlier request left.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { post, startTestPlane } from './support/helpers.js';

/** The inflater hands out its output in chunks of this many bytes (read-body.ts). */
const INFLATE_CHUNK = 64 * 1024;

/** A one-event batch whose `properties.text` holds `middle` so that its first byte sits at `offset` of the body. */
function batchWithBytesAt(offset: number, middle: Buffer): Buffer {
  const head = Buffer.from('{"batch":[{"type":"track","event":"E","userId":"u1","messageId":"m","properties":{"text":"');
  const tail = Buffer.from('"}}]}');
  return Buffer.concat([head, Buffer.alloc(offset - head.length, 'a'), middle, Buffer.from('z'), tail]);
}

/** `properties.text` as a decode of the whole body at once reads it. */
const wholeBodyText = (body: Buffer) =>
  (JSON.parse(body.toString('utf8')) as { batch: Array<{ properties: { text: string } }> }).batch[0]!.properties.text;

const storedText = (dp: Awaited<ReturnType<typeof startTestPlane>>) => (dp.events({ limit: 1 })[0]!.payload.properties as { text: string }).text;

describe('request bodies as text', () => {
  let dp: Awaited<ReturnType<typeof startTestPlane>>;
  before(async () => {
    dp = await startTestPlane();
  });
  after(() => dp.stop());
  beforeEach(() => dp.clear());

  for (const gzip of [true, false]) {
    test(`a character split across chunk boundaries is stored whole (${gzip ? 'gzip' : 'plain'})`, async () => {
      // The emoji's four bytes straddle the first 64 KiB boundary: two in one chunk, two in the next.
      const body = batchWithBytesAt(INFLATE_CHUNK - 2, Buffer.from('😀'));
      assert.equal((await post(dp, '/v1/batch', body, { gzip })).status, 200);
      assert.ok(wholeBodyText(body).endsWith('a😀z'));
      assert.equal(storedText(dp), wholeBodyText(body));
    });

    test(`invalid UTF-8 becomes U+FFFD as a whole-body decode makes it (${gzip ? 'gzip' : 'plain'})`, async () => {
      // A truncated four-byte sequence and a stray 0xff, the truncated one cut by the boundary.
      const body = batchWithBytesAt(INFLATE_CHUNK - 1, Buffer.from([0xf0, 0x9f, 0x98, 0x41, 0xff]));
      assert.equal((await post(dp, '/v1/batch', body, { gzip })).status, 200);
      assert.ok(wholeBodyText(body).endsWith('a\ufffdA\ufffdz'));
      assert.equal(storedText(dp), wholeBodyText(body));
    });
  }
});

describe('reused writer buffers', () => {
  let dp: Awaited<ReturnType<typeof startTestPlane>>;
  before(async () => {
    dp = await startTestPlane();
  });
  after(() => dp.stop());

  test('a small request after a large one stores only its own bytes', async () => {
    const sent: string[] = [];
    // Large, small, medium, large again: each request may fill a buffer a larger earlier one came back in.
    for (const [n, pad] of [
      [400, 900],
      [1, 3],
      [37, 50],
      [400, 700],
      [2, 0],
    ] as const) {
      const batch = Array.from({ length: n }, (_, i) => ({
        type: 'track',
        event: 'E',
        userId: 'u1',
        messageId: `m-${sent.length + i}`,
        properties: { text: `${sent.length + i}:${'x'.repeat(pad)}` },
      }));
      assert.equal((await post(dp, '/v1/batch', { batch }, { gzip: true })).status, 200);
      sent.push(...batch.map((e) => e.properties.text));
    }
    const stored = dp.events({ order: 'asc', limit: 10_000 }).map((e) => (e.payload.properties as { text: string }).text);
    assert.deepEqual(stored, sent);
  });
});
