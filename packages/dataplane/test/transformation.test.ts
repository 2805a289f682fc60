// --transformation: a later stage of the local pipeline. Every stored event goes through the user
// transformation after the tracking plan; the outcome (transformed, split, dropped, failed with its
// error and logs) is stored in its own table and served at /api/transformed; ingestion never waits.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseDataPlaneArgs, startDataPlane } from '../src/index.js';
import { basic, startTestPlane, tempDir, TEST_ENGINE } from './support/helpers.js';

type Plane = Awaited<ReturnType<typeof startTestPlane>>;
const planes: Plane[] = [];
after(async () => {
  for (const p of planes) await p.stop();
});

const CODE = `export function transformEvent(event, metadata) {
  if (event.event === 'Drop') return null;
  if (event.event === 'Fail') throw new Error('cannot send ' + metadata(event).eventName);
  log('saw', event.event, { source: metadata(event).sourceName });
  if (event.event === 'Split') return [{ ...event, part: 1 }, { ...event, part: 2 }];
  event.properties = { ...event.properties, enriched: true };
  return event;
}
`;

async function send(dp: { url: string; writeKey: string }, names: string[]): Promise<void> {
  const res = await fetch(`${dp.url}/v1/batch`, {
    method: 'POST',
    headers: { authorization: basic(dp.writeKey), 'content-type': 'application/json' },
    body: JSON.stringify({ batch: names.map((event) => ({ type: 'track', event, userId: 'u1' })) }),
  });
  assert.equal(res.status, 200, await res.text());
}

async function transformed(dp: { url: string }, query: string) {
  const res = await fetch(`${dp.url}/api/transformed?${query}`);
  return { status: res.status, body: (await res.json()) as any };
}

describe('data plane with a transformation', () => {
  test('each stored event as received and as transformed: kept, dropped, split, failed, with logs', async () => {
    const dp = await startTestPlane({ transformation: { code: CODE } });
    planes.push(dp);
    await send(dp, ['Keep', 'Drop', 'Split', 'Fail']);
    const stored = await dp.waitForEvents(4);
    await dp.transformation!.caughtUp();
    const { body } = await transformed(dp, 'since=0');
    assert.equal(body.enabled, true);
    assert.equal(body.position, stored[3].id);
    const byEvent = new Map(body.transformed.map((r: any) => [stored.find((s) => s.id === r.id)!.event, r]));
    const keep: any = byEvent.get('Keep');
    assert.equal(keep.status, 'transformed');
    assert.deepEqual(keep.results[0].output.properties, { enriched: true });
    assert.equal(keep.results[0].statusCode, 200);
    assert.deepEqual(keep.logs, ['Log: saw Keep {"source":"dev"}']);
    assert.deepEqual(byEvent.get('Drop'), { ...(byEvent.get('Drop') as object), status: 'dropped', results: [{ statusCode: 298 }], logs: [] });
    const split: any = byEvent.get('Split');
    assert.equal(split.status, 'split');
    assert.deepEqual(
      split.results.map((r: any) => r.output.part),
      [1, 2],
    );
    const fail: any = byEvent.get('Fail');
    assert.equal(fail.status, 'failed');
    assert.deepEqual(fail.results, [{ statusCode: 400, error: 'Error: cannot send Fail\n    at transformEvent (base transformation:3:37)' }]);
    // what was received stays as received
    assert.equal(stored[0].payload.properties, undefined);
    assert.deepEqual(
      dp.transformation!.records([stored[1].id]).map((r) => r.status),
      ['dropped'],
    );
    const picked = await transformed(dp, `ids=${stored[2].id},${stored[3].id}`);
    assert.deepEqual(
      picked.body.transformed.map((r: any) => r.status),
      ['split', 'failed'],
    );
    assert.equal((await transformed(dp, 'ids=1,x')).status, 400);
  });

  test('a runaway transformation never blocks ingestion nor loses an event; each call fails with the hosted error', async () => {
    const dp = await startTestPlane({
      transformation: { code: 'export function transformEvent(e) { for (;;) {} }' },
      transformationLimits: { timeoutMs: 300 },
    });
    planes.push(dp);
    // Three requests answered while the stage is busy with the first event.
    await send(dp, ['A']);
    await send(dp, ['B']);
    await send(dp, ['C']);
    const stored = await dp.waitForEvents(3);
    assert.deepEqual(
      stored.map((e) => e.event),
      ['A', 'B', 'C'],
    );
    await dp.transformation!.caughtUp();
    const records = dp.transformation!.records(stored.map((e) => e.id));
    assert.deepEqual(
      records.map((r) => [r.status, r.results[0].error]),
      Array(3).fill(['failed', 'Error: Script execution timed out.']),
    );
    assert.equal((await fetch(`${dp.url}/health`)).status, 200);
  });

  test('the stage resumes from its cursor after a restart, and starts over when the transformation changes', async () => {
    const { dir, remove } = tempDir();
    const dbPath = join(dir, 'events.db');
    const start = (code: string) => startDataPlane({ port: 0, dbPath, quiet: true, engine: TEST_ENGINE, transformation: { code } });
    try {
      const first = await start('export function transformEvent(e) { log("v1"); return e; }');
      await send(first, ['One']);
      await first.waitForEvents(1);
      await first.transformation!.caughtUp();
      const [one] = first.events();
      const before = first.transformation!.records([one.id])[0].transformedAt;
      await first.close();

      const again = await start('export function transformEvent(e) { log("v1"); return e; }');
      await send(again, ['Two']);
      await again.waitForEvents(2);
      await again.transformation!.caughtUp();
      assert.equal(again.transformation!.records([one.id])[0].transformedAt, before, 'not run again');
      await again.close();

      const changed = await start('export function transformEvent(e) { log("v2"); return e; }');
      await changed.transformation!.caughtUp();
      const ids = changed.events().map((e) => e.id);
      assert.deepEqual(
        changed.transformation!.records(ids).map((r) => r.logs),
        [['Log: v2'], ['Log: v2']],
      );
      await changed.close();
    } finally {
      remove();
    }
  });

  test('--transformation reads a rudder-cli project (PATH#id), with its libraries', async () => {
    const { dir, remove } = tempDir();
    try {
      mkdirSync(join(dir, 'p'));
      writeFileSync(
        join(dir, 'p', 'lib.yaml'),
        'version: rudder/v1\nkind: transformation-library\nspec:\n  id: l\n  name: L\n  language: javascript\n  import_name: tags\n  code: |\n    export const tag = (e) => ({ ...e, tagged: true });\n',
      );
      for (const id of ['a', 'b']) {
        writeFileSync(
          join(dir, 'p', `${id}.yaml`),
          `version: rudder/v1\nkind: transformation\nspec:\n  id: ${id}\n  name: T ${id}\n  language: javascript\n  code: |\n    import { tag } from 'tags';\n    export function transformEvent(e) { return { ...tag(e), by: '${id}' }; }\n`,
        );
      }
      const opts = parseDataPlaneArgs(['--transformation', `${join(dir, 'p')}#b`]);
      assert.equal(opts.transformation, `${join(dir, 'p')}#b`);
      const dp = await startTestPlane(opts);
      planes.push(dp);
      await send(dp, ['X']);
      const [x] = await dp.waitForEvents(1);
      await dp.transformation!.caughtUp();
      const out = dp.transformation!.records([x.id])[0].results[0].output!;
      assert.equal(out.tagged, true);
      assert.equal(out.by, 'b');
      await assert.rejects(startTestPlane({ transformation: join(dir, 'p') }), /the project has 2 transformations \(a, b\); name one as PATH#id/);
    } finally {
      remove();
    }
  });

  test('without a transformation /api/transformed says so', async () => {
    const dp = await startTestPlane();
    planes.push(dp);
    assert.deepEqual((await transformed(dp, '')).body, { enabled: false, transformed: [] });
  });
});
