import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { RudderAnalytics, type Sendable } from 'rudderanalytics';
import { assertNoKeyPrinted, at, deadUrl, rudder, SENTINEL, start, startPlane, waitForOutput, WRONG_KEY, type TestPlane } from './support/helpers.js';

let dp: TestPlane;
before(async () => {
  dp = await startPlane();
});
after(() => dp.stop());

let fileNo = 0;
function file(content: string): string {
  const path = join(dp.dir, `input-${++fileNo}.jsonl`);
  writeFileSync(path, content);
  return path;
}
const jsonl = (...lines: unknown[]) => lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
const readJsonl = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));

const MIXED = jsonl(
  { type: 'track', userId: 'mixed-1', event: 'Order Completed', properties: { revenue: 1 } },
  { type: 'identify', userId: 'mixed-2', traits: { plan: 'pro' } },
  'not json',
  '',
  { type: 'track', userId: 'mixed-3' },
  { type: 'page', anonymousId: 'mixed-4', name: 'Home' },
  {
    type: 'batch',
    batch: [
      { type: 'track', userId: 'mixed-5', event: 'E' },
      { type: 'group', userId: 'mixed-6' },
    ],
  },
  { type: 'alias', userId: 'mixed-7', previousId: 'anon-7' },
  { type: 'nope', userId: 'mixed-8' },
);

describe('a JSONL file with bad lines, --strict', () => {
  let run: Awaited<ReturnType<typeof rudder>>;
  let failedPath: string;
  before(async () => {
    failedPath = join(dp.dir, 'failed-mixed.jsonl');
    run = await rudder(['send', file(MIXED), ...at(dp), '--strict', '--failed-out', failedPath]);
  });

  test('exits 1 and the summary counts every outcome', () => {
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /read 9 · delivered 5 · invalid 4 · failed 0 · dropped 0 · [\d.]+s · [\d,]+ events\/s/);
  });

  test('each bad line is reported with its line number and the rule, in order', () => {
    const reports = run.stderr.split('\n').filter((l) => l.startsWith('line '));
    assert.deepEqual(
      reports.map((l) => l.split(':')[0]),
      ['line 3', 'line 5', 'line 7 item 2', 'line 9'],
    );
    assert.match(reports[0], /invalid JSON/);
    assert.match(reports[1], /event: is required on track/);
    assert.match(reports[2], /groupId: is required on group/);
    assert.match(reports[3], /type: must be one of/);
  });

  test('the good lines are all stored', () => {
    for (const [userId, type] of [
      ['mixed-1', 'track'],
      ['mixed-2', 'identify'],
      ['mixed-5', 'track'],
      ['mixed-7', 'alias'],
    ]) {
      const stored = dp.events({ userId });
      assert.equal(stored.length, 1, userId);
      assert.equal(stored[0].type, type);
      assert.equal(stored[0].source, 'test');
    }
    assert.equal(dp.events({ anonymousId: 'mixed-4' })[0]?.type, 'page');
    assert.equal(dp.count({ userId: 'mixed-3' }), 0);
    assert.equal(dp.count({ userId: 'mixed-6' }), 0);
  });

  test('--failed-out holds each undelivered event with its line, reason and the original call', () => {
    const records = readJsonl(failedPath);
    assert.deepEqual(records, [
      { line: 3, reason: records[0].reason, raw: 'not json' },
      { line: 5, reason: records[1].reason, event: { type: 'track', userId: 'mixed-3' } },
      { line: 7, item: 2, reason: 'groupId: is required on group and must not be blank', event: { type: 'group', userId: 'mixed-6' } },
      { line: 9, reason: records[3].reason, event: { type: 'nope', userId: 'mixed-8' } },
    ]);
    assert.match(records[0].reason, /^invalid JSON/);
    assert.match(records[1].reason, /^event: is required on track/);
    assert.match(records[3].reason, /^type: must be one of/);
    assert.match(run.stderr, /4 event\(s\) written to .*failed-mixed\.jsonl; replay with: rudder send/);
  });

  test('replaying the failed-out file reads its wrapped records (still invalid: same rules, new line numbers)', async () => {
    const replay = await rudder(['send', failedPath, ...at(dp), '--strict']);
    assert.equal(replay.code, 1);
    assert.match(replay.stderr, /read 4 · delivered 0 · invalid 4/);
    assert.match(replay.stderr, /line 2: event: is required on track/);
    assert.match(replay.stderr, /line 3: groupId: is required on group/);
  });
});

describe('the same file without --strict: what the gateway accepts is delivered', () => {
  test('only the line that is not JSON is refused; the summary tells unchanged from warned, and why', async () => {
    const failedPath = join(dp.dir, 'failed-mixed-lenient.jsonl');
    // Ids of its own, so this run's events are told apart from the --strict run's.
    const input = MIXED.replaceAll('"mixed-', '"lenient-');
    const run = await rudder(['send', file(input), ...at(dp), '--failed-out', failedPath]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /read 9 · delivered 8 · invalid 1 · failed 0 · dropped 0/);
    assert.match(run.stderr, /^delivered 8: 7 unchanged, 1 with warnings \(delivered as given\)$/m);
    assert.match(run.stderr, /^ {2}warning ×1 {2}type: is not one of identify, track, page, screen, group, alias/m);
    assert.match(run.stderr, /^refused 1:\n {2}refused ×1 {2}invalid JSON$/m);
    for (const userId of ['lenient-3', 'lenient-6', 'lenient-8']) assert.equal(dp.count({ userId }), 1, userId);
    assert.deepEqual(
      readJsonl(failedPath).map((r) => r.line),
      [3],
    );
  });
});

describe('delivery failures and their replay', () => {
  test('a wrong key: every event failed with HTTP 401, written out; replayed with the right key, all delivered once', async () => {
    const input = file(
      jsonl(
        { type: 'track', userId: 'replay-1', event: 'E' },
        { type: 'track', userId: 'replay-2', event: 'E', messageId: 'replay-own-id' },
        { type: 'identify', userId: 'replay-3' },
      ),
    );
    const failedPath = join(dp.dir, 'failed-401.jsonl');
    const first = await rudder(['send', input, ...at(dp, WRONG_KEY), '--failed-out', failedPath]);
    assert.equal(first.code, 1);
    assert.match(first.stderr, /HTTP 401/);
    assert.match(first.stderr, /read 3 · delivered 0 · invalid 0 · failed 3 · dropped 0/);
    assert.match(first.stderr, /write key …4e2b/);
    assert.equal(dp.count({ userId: 'replay-1' }), 0);

    const records = readJsonl(failedPath);
    assert.deepEqual(
      records.map((r) => r.line),
      [1, 2, 3],
    );
    for (const r of records) assert.match(r.reason, /HTTP 401 invalid write key/);
    // The id given to each event travels with it, so a replay cannot store a second copy under a new id.
    assert.equal(records[1].event.messageId, 'replay-own-id');
    assert.ok(records[0].event.messageId, 'the CLI-assigned messageId is kept');

    const replay = await rudder(['send', failedPath, ...at(dp)]);
    assert.equal(replay.code, 0, replay.stderr);
    assert.match(replay.stderr, /read 3 · delivered 3 · invalid 0 · failed 0/);
    for (const r of records) {
      const stored = dp.events({ messageId: r.event.messageId });
      assert.equal(stored.length, 1);
      assert.equal(stored[0].userId, r.event.userId);
    }
  });
});

describe('an unreachable data plane', () => {
  test('plain progress lines off a terminal; Ctrl-C during retries: summary, undelivered written out, exit 130', async () => {
    const input = file(jsonl({ type: 'track', userId: 'int-1', event: 'E' }, { type: 'identify', userId: 'int-2' }));
    const failedPath = join(dp.dir, 'failed-interrupted.jsonl');
    // Retries back off for minutes with 100 attempts: only the interrupt can end this run.
    const child = start([
      'send',
      input,
      '--data-plane-url',
      await deadUrl(),
      '--write-key',
      SENTINEL,
      '--max-attempts',
      '100',
      '--progress-interval',
      '1',
      '--failed-out',
      failedPath,
    ]);
    await waitForOutput(child, /^progress: 100% · 0 events\/s · delivered 0 · failed 0 · invalid 0 · read 2$/m, 'stderr');
    child.kill('SIGINT');
    const run = await child.result;
    assert.equal(run.code, 130, run.stderr);
    assert.match(run.stderr, /interrupted/);
    assert.match(run.stderr, /read 2 · delivered 0 · invalid 0 · failed 0 · dropped 2/);
    const records = readJsonl(failedPath);
    assert.deepEqual(
      records.map((r) => [r.line, r.event.userId]),
      [
        [1, 'int-1'],
        [2, 'int-2'],
      ],
    );
    // The connection was refused: provably never received, so not "may have been delivered".
    for (const r of records) {
      assert.match(r.reason, /^not delivered: the run was interrupted/);
      assert.equal(r.delivery, 'no');
    }
    assert.match(run.stderr, /interrupted: 0 event\(s\) may have been delivered .*, 2 were not delivered/);
  });
});

describe('interrupted while requests are in flight', () => {
  test('Ctrl-C: no new request; unanswered requests\' events are "may have been delivered", the rest "not delivered"', async (t) => {
    // A data plane that reads each request and never answers: what it received may or may not be stored.
    const received = new Set<string>();
    let requests = 0;
    let first!: () => void;
    const firstArrived = new Promise<void>((resolve) => (first = resolve));
    const sockets = new Set<import('node:net').Socket>();
    const server = createServer((req) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body).toString() : body.toString();
        for (const e of JSON.parse(text).batch) received.add(e.messageId);
        requests++;
        first();
      });
    });
    server.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => {
      for (const socket of sockets) socket.destroy();
      server.close();
    });
    const url = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
    const lines = Array.from({ length: 12 }, (_, i) => ({ type: 'track', userId: `hang-${i}`, event: 'E' }));
    const failedPath = join(dp.dir, 'failed-hanging.jsonl');
    const child = start([
      'send',
      file(jsonl(...lines)),
      '--data-plane-url',
      url,
      '--write-key',
      SENTINEL,
      '--batch-size',
      '2',
      '--timeout',
      '60000',
      '--failed-out',
      failedPath,
    ]);
    t.after(() => child.kill('SIGKILL'));
    await Promise.race([firstArrived, child.result.then(() => assert.fail('exited before any request arrived'))]);
    child.kill('SIGINT');
    const run = await child.result;
    assert.equal(run.code, 130, run.stderr);
    assert.match(run.stderr, /interrupted: reading stopped and no new request is sent; waiting up to 2 s/);
    const records = readJsonl(failedPath);
    const unknown = records.filter((r) => r.delivery === 'unknown').map((r) => r.event.messageId as string);
    const no = records.filter((r) => r.delivery === 'no').map((r) => r.event.messageId as string);
    // Every line is accounted for, once, and keeps its line number.
    assert.deepEqual(
      records.map((r) => r.line).sort((a, b) => a - b),
      lines.map((_, i) => i + 1),
    );
    assert.equal(unknown.length + no.length, lines.length);
    // What the data plane received is never reported as not delivered (a replay of "no" cannot duplicate).
    for (const id of received) assert.ok(unknown.includes(id), `${id} was received: it must be "may have been delivered"`);
    for (const id of no) assert.ok(!received.has(id), `${id} is marked not delivered but was received`);
    assert.ok(unknown.length > 0 && no.length > 0, `${unknown.length} unknown, ${no.length} not delivered`);
    for (const r of records)
      assert.match(r.reason, r.delivery === 'unknown' ? /^may have been delivered/ : /^not delivered: the run was interrupted/);
    assert.match(run.stderr, new RegExp(`interrupted: ${unknown.length} event\\(s\\) may have been delivered .*, ${no.length} were not delivered`));
    assert.ok(requests >= 1);
  });
});

describe('--dry-run', () => {
  test('validates only: nothing stored, no network needed; exit 0 when all valid', async () => {
    const before = dp.count();
    const input = file(jsonl({ type: 'track', userId: 'dry-1', event: 'E' }, { type: 'page', userId: 'dry-2', name: 'P' }));
    // Nothing listens there: any attempt to send would fail the run.
    const run = await rudder(['send', input, '--dry-run', '--data-plane-url', await deadUrl(), '--write-key', SENTINEL, '--max-attempts', '1']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /read 2 · valid 2 · invalid 0 .*dry run: nothing sent/);
    assert.equal(dp.count(), before);
  });

  test('exit 1 when some lines are invalid, still nothing stored', async () => {
    const before = dp.count();
    const run = await rudder(['send', file(MIXED), '--dry-run', ...at(dp)]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /read 9 · valid 8 · invalid 1/);
    assert.match(run.stderr, /line 3: invalid JSON/);
    assert.equal(dp.count(), before);
  });
});

describe('input forms', () => {
  test('a pretty-printed JSON array', async () => {
    const calls = [
      { type: 'track', userId: 'array-1', event: 'E' },
      { type: 'track', event: 'E' },
      { type: 'screen', userId: 'array-3', name: 'S' },
    ];
    const run = await rudder(['send', file(JSON.stringify(calls, null, 2)), ...at(dp)]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /read 3 · delivered 2 · invalid 1/);
    assert.match(run.stderr, /line 1 item 2: userId:/);
    assert.equal(dp.count({ userId: 'array-1' }), 1);
    assert.equal(dp.count({ userId: 'array-3' }), 1);
  });

  test('a pretty-printed {"batch":[…]} document, batch-level context applied to each item', async () => {
    const doc = {
      batch: [
        { type: 'track', userId: 'batch-1', event: 'E' },
        { type: 'identify', userId: 'batch-2' },
      ],
      context: { app: { name: 'cli-test' } },
    };
    const run = await rudder(['send', file(JSON.stringify(doc, null, 2)), ...at(dp)]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /read 2 · delivered 2/);
    const stored = dp.events({ userId: 'batch-1' })[0]?.payload as { context: { app: { name: string } } } | undefined;
    assert.equal(stored?.context.app.name, 'cli-test');
    assert.equal(dp.events({ userId: 'batch-2' })[0]?.type, 'identify');
  });

  test('stdin with -, CRLF line ends and several files in one run', async () => {
    const second = file(jsonl({ type: 'track', userId: 'multi-2', event: 'E' }, { type: 'track', event: 'no ids' }));
    const run = await rudder(['send', '-', second, ...at(dp)], {
      stdin: `${JSON.stringify({ type: 'track', userId: 'multi-1', event: 'E' })}\r\n`,
    });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /read 3 · delivered 2 · invalid 1/);
    assert.match(run.stderr, /input-\d+\.jsonl: line 2: userId: a userId or an anonymousId is required/);
    assert.equal(dp.count({ userId: 'multi-1' }), 1);
    assert.equal(dp.count({ userId: 'multi-2' }), 1);
  });

  test('20,000 lines through stdin in small batches: all delivered, once', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) lines.push(JSON.stringify({ type: 'track', anonymousId: 'bulk', event: 'Bulk', properties: { i } }));
    const run = await rudder(['send', ...at(dp), '--batch-size', '250', '--quiet'], { stdin: lines.join('\n') });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /read 20,000 · delivered 20,000 · invalid 0 · failed 0 · dropped 0/);
    assert.equal(dp.count({ anonymousId: 'bulk' }), 20_000);
  });

  test('an empty input is not an error', async () => {
    const run = await rudder(['send', file(''), ...at(dp)]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /read 0 · delivered 0/);
  });
});

describe("a batch's own fields, as send() of the batch warns about them", () => {
  // Two items under a batch with a field the gateway ignores and a context that cannot apply, then a plain call.
  const BATCH = {
    type: 'batch',
    batch: [
      { type: 'track', userId: 'bw-1', event: 'E' },
      { type: 'identify', userId: 'bw-2' },
    ],
    writeKey: 'not-here',
    context: 'web',
  };
  const sdkWarnings = async () => {
    // What the SDK itself says about this batch (nothing is sent: enable: false).
    const client = RudderAnalytics.load(SENTINEL, dp.url, { enable: false });
    const seen: string[] = [];
    client.on('warning', (w) => seen.push(`${w.field}: ${w.rule}`));
    await client.send(structuredClone(BATCH) as Sendable);
    await client.close();
    return seen;
  };

  test('delivered with warnings: each item counted, each batch-level warning named as the SDK names it', async () => {
    const warnings = await sdkWarnings();
    assert.equal(warnings.length, 2, String(warnings));
    const run = await rudder(['send', file(jsonl(BATCH, { type: 'track', userId: 'bw-3', event: 'E' })), ...at(dp)]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^delivered 3: 1 unchanged, 2 with warnings \(delivered as given\)$/m);
    for (const w of warnings) assert.ok(run.stderr.includes(`  warning ×2  ${w}\n`), `${w}\n${run.stderr}`);
    assert.ok(warnings.some((w) => w.startsWith('writeKey: is not a field of a batch call')));
    assert.equal(dp.count({ userId: 'bw-1' }) + dp.count({ userId: 'bw-2' }) + dp.count({ userId: 'bw-3' }), 3);
  });

  test('--strict refuses every item of that batch, as the SDK refuses the batch, and sends the rest', async () => {
    const strict = RudderAnalytics.load(SENTINEL, dp.url, { enable: false, strict: true });
    const refusal = await strict.send(structuredClone(BATCH) as Sendable).then(
      () => assert.fail('the SDK accepted it in strict mode'),
      (error: Error) => error.message,
    );
    await strict.close();
    const failedPath = join(dp.dir, 'batch-strict-failed.jsonl');
    const run = await rudder([
      'send',
      file(jsonl({ ...BATCH, batch: [{ type: 'track', userId: 'bws-1', event: 'E' }] }, { type: 'track', userId: 'bws-2', event: 'E' })),
      ...at(dp),
      '--strict',
      '--failed-out',
      failedPath,
    ]);
    assert.equal(run.code, 1, run.stderr);
    assert.ok(run.stderr.includes(`line 1 item 1: ${refusal}\n`), `${refusal}\n${run.stderr}`);
    assert.match(run.stderr, /read 2 · delivered 1 · invalid 1/);
    assert.equal(dp.count({ userId: 'bws-1' }), 0);
    assert.equal(dp.count({ userId: 'bws-2' }), 1);
    const [record] = readJsonl(failedPath);
    assert.deepEqual([record.line, record.item, record.reason, record.event.userId], [1, 1, refusal, 'bws-1']);
  });
});

describe('usage errors exit 2', () => {
  for (const [name, args] of [
    ['a missing file', ['send', '/nonexistent/events.jsonl']],
    ['an unknown flag', ['send', '--fast']],
    ['a --failed-out that cannot be written', ['send', '-', '--failed-out', '/nonexistent/dir/failed.jsonl']],
    ['stdin twice', ['send', '-', '-']],
    ['a bad --batch-size', ['send', '-', '--batch-size', '0']],
  ] as const) {
    test(name, async () => {
      const run = await rudder([...args, '--write-key', SENTINEL]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /^error: /);
    });
  }
});

test('the write key never appears in any output of this file', () => {
  assertNoKeyPrinted();
});
