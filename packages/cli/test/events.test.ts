import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RudderAnalytics } from 'rudderanalytics';
import { deadUrl, READ_TOKEN, rudder, SENTINEL, start, startPlane, stopAfter, waitForOutput, type TestPlane } from './support/helpers.js';
import { startReadGate } from './support/read-gate.js';

let dp: TestPlane;
let ids: Record<string, string>;

before(async () => {
  dp = await startPlane();
  // Seeded through the SDK with the sentinel key: this file tests reading, not sending.
  const client = RudderAnalytics.load(SENTINEL, dp.url, { flushAt: 100 });
  ids = {
    t1: client.track({ userId: 'alice', event: 'Order Completed', properties: { revenue: 5 } }),
    t2: client.track({ userId: 'bob', event: 'Order Completed' }),
    p1: client.page({ anonymousId: 'anon-9', name: 'Pricing' }),
    i1: client.identify({ userId: 'alice', traits: { plan: 'pro' } }),
    t3: client.track({ userId: 'alice', event: 'Signed Out' }),
  };
  await client.close();
  assert.equal(dp.count(), 5);
});
after(() => dp.stop());

const url = () => ['--data-plane-url', dp.url];
const jsonLines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('rudder events', () => {
  test('a table, oldest first, with time, type, user, event/name and messageId', async () => {
    const run = await rudder(['events', ...url()]);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.match(lines[0], /^TIME \(UTC\)\s+TYPE\s+USER\s+EVENT\/NAME\s+MESSAGE ID$/);
    assert.equal(lines.length, 6);
    assert.match(lines[1], new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\s+track\\s+alice\\s+Order Completed\\s+${ids.t1}$`));
    assert.match(lines[3], new RegExp(`page\\s+anon:anon-9\\s+Pricing\\s+${ids.p1}$`));
    assert.match(lines[5], new RegExp(`track\\s+alice\\s+Signed Out\\s+${ids.t3}$`));
  });

  test('--json prints one stored event per line, with its payload', async () => {
    const run = await rudder(['events', ...url(), '--json']);
    assert.equal(run.code, 0, run.stderr);
    const events = jsonLines(run.stdout);
    assert.deepEqual(
      events.map((e) => e.messageId),
      [ids.t1, ids.t2, ids.p1, ids.i1, ids.t3],
    );
    assert.deepEqual(events[0].payload.properties, { revenue: 5 });
  });

  test('filters: --type, --user-id, --anonymous-id, --event, --message-id, --limit, --since', async () => {
    const q = async (...args: string[]) => {
      const run = await rudder(['events', ...url(), '--json', ...args]);
      assert.equal(run.code, 0, run.stderr);
      return jsonLines(run.stdout).map((e) => e.messageId);
    };
    assert.deepEqual(await q('--type', 'track'), [ids.t1, ids.t2, ids.t3]);
    assert.deepEqual(await q('--user-id', 'alice'), [ids.t1, ids.i1, ids.t3]);
    assert.deepEqual(await q('--type', 'track', '--user-id', 'alice'), [ids.t1, ids.t3]);
    assert.deepEqual(await q('--anonymous-id', 'anon-9'), [ids.p1]);
    assert.deepEqual(await q('--event', 'Order Completed'), [ids.t1, ids.t2]);
    assert.deepEqual(await q('--event', 'Pricing'), [ids.p1]);
    assert.deepEqual(await q('--message-id', ids.i1), [ids.i1]);
    assert.deepEqual(await q('--limit', '2'), [ids.i1, ids.t3], 'the newest 2, oldest first');
    const [first] = dp.events({ messageId: ids.p1 });
    assert.deepEqual(await q('--since', String(first.id)), [ids.i1, ids.t3]);
    assert.deepEqual(await q('--since', '2000-01-01T00:00:00Z', '--type', 'page'), [ids.p1]);
    assert.deepEqual(await q('--user-id', 'nobody'), []);
  });

  test('--since pages forward: the first N after it, and says where the next page starts', async () => {
    const page = async (...args: string[]) => {
      const run = await rudder(['events', ...url(), '--json', '--limit', '2', ...args]);
      assert.equal(run.code, 0, run.stderr);
      return { events: jsonLines(run.stdout), stderr: run.stderr };
    };
    const seen: string[] = [];
    let since = '0';
    for (let i = 0; i < 5; i++) {
      const { events, stderr } = await page('--since', since);
      if (events.length === 0) break;
      seen.push(...events.map((e) => e.messageId));
      since = String(events.at(-1).id);
      // A full page points at the next one; a short one is the end.
      if (events.length === 2) assert.ok(stderr.includes(`rudder events --since ${since}`), stderr);
      else assert.equal(stderr, '');
    }
    assert.deepEqual(seen, [ids.t1, ids.t2, ids.p1, ids.i1, ids.t3]);
    // Without --since, a full page is the newest N and says how to start from the oldest.
    const newest = await page();
    assert.deepEqual(
      newest.events.map((e) => e.messageId),
      [ids.i1, ids.t3],
    );
    assert.match(newest.stderr, /the newest 2; to read from the oldest: rudder events --since 0/);
  });

  test('--limit is 1 to 10,000, as the query API: 0 and 10,001 are usage errors, 10,000 is fine', async () => {
    for (const limit of ['0', '10001', '20000']) {
      const run = await rudder(['events', ...url(), '--limit', limit]);
      assert.equal(run.code, 2, `${limit}: ${run.stderr}`);
      assert.match(run.stderr, /--limit must be an integer from 1 to 10000/);
      const api = await fetch(`${dp.url}/api/events?limit=${limit}`);
      assert.equal(api.status, 400, `the API refuses limit=${limit} too`);
      assert.match(((await api.json()) as { error: string }).error, /limit must be an integer from 1 to 10000/);
    }
    const max = await rudder(['events', ...url(), '--json', '--limit', '10000']);
    assert.equal(max.code, 0, max.stderr);
    assert.equal(jsonLines(max.stdout).length, 5);
  });

  test('no match: a note on stderr, nothing on stdout, exit 0', async () => {
    const run = await rudder(['events', ...url(), '--user-id', 'nobody']);
    assert.equal(run.code, 0);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /no events/);
  });

  test('--follow prints events as they are stored, until SIGINT (exit 0)', async (t) => {
    const child = stopAfter(t, start(['events', ...url(), '--follow', '--json', '--type', 'track', '--user-id', 'carol']));
    // No wait for the child to be ready: an event stored before its listing is listed, one stored
    // after it is replayed by the stream (it follows from the listing's last row), so it shows either way.
    const sent = await rudder(['track', ...url(), '--write-key', SENTINEL, '--user-id', 'carol', '--event', 'Followed']);
    assert.equal(sent.code, 0, sent.stderr);
    const out = await waitForOutput(child, /"Followed"/);
    const [event] = jsonLines(out);
    assert.equal(event.messageId, sent.stdout.trim());
    child.kill('SIGINT');
    const run = await child.result;
    assert.equal(run.code, 0, run.stderr);
  });

  test('an unreachable data plane: exit 1 with a hint', async () => {
    const dead = await deadUrl();
    const run = await rudder(['events', '--data-plane-url', dead]);
    assert.equal(run.code, 1);
    assert.ok(run.stderr.includes(`cannot reach the data plane at ${dead} (ECONNREFUSED)`), run.stderr);
    assert.match(run.stderr, /rudder dev/);
  });

  test('usage errors exit 2', async () => {
    for (const args of [['--type', 'click'], ['--limit', 'lots'], ['--since', 'last tuesday'], ['--bogus']]) {
      const run = await rudder(['events', ...url(), ...args]);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    }
  });

  describe('from another machine: the read token', () => {
    test('without one the data plane answers 401: exit 1 with a hint naming --read-token', async (t) => {
      const gate = await startReadGate(dp.url, READ_TOKEN);
      t.after(() => gate.close());
      const run = await rudder(['events', '--data-plane-url', gate.url]);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /HTTP 401/);
      assert.match(run.stderr, /--read-token \(or set RUDDER_READ_TOKEN\)/);
      assert.deepEqual(gate.authorizations, [undefined]);
    });

    test('--read-token and RUDDER_READ_TOKEN are sent as a bearer token; the token is never printed', async (t) => {
      const gate = await startReadGate(dp.url, READ_TOKEN);
      t.after(() => gate.close());
      const alice = [ids.t1, ids.i1, ids.t3];
      const byFlag = await rudder(['events', '--data-plane-url', gate.url, '--json', '--user-id', 'alice', '--read-token', READ_TOKEN]);
      assert.equal(byFlag.code, 0, byFlag.stderr);
      assert.deepEqual(
        jsonLines(byFlag.stdout).map((e) => e.messageId),
        alice,
      );
      const byEnv = await rudder(['events', '--data-plane-url', gate.url, '--json', '--user-id', 'alice'], {
        env: { RUDDER_READ_TOKEN: READ_TOKEN },
      });
      assert.equal(byEnv.code, 0, byEnv.stderr);
      assert.deepEqual(
        jsonLines(byEnv.stdout).map((e) => e.messageId),
        alice,
      );
      assert.deepEqual(gate.authorizations, [`Bearer ${READ_TOKEN}`, `Bearer ${READ_TOKEN}`]);
      // The flag wins over the environment, as --data-plane-url does; a wrong token is refused.
      const wrong = await rudder(['events', '--data-plane-url', gate.url, '--read-token', 'rt_not_the_token'], {
        env: { RUDDER_READ_TOKEN: READ_TOKEN },
      });
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /HTTP 401/);
      assert.ok(!wrong.stderr.includes('rt_not_the_token'), wrong.stderr);
    });

    test('--follow streams through it with the token too', async (t) => {
      const gate = await startReadGate(dp.url, READ_TOKEN);
      t.after(() => gate.close());
      const child = stopAfter(
        t,
        start(['events', '--data-plane-url', gate.url, '--read-token', READ_TOKEN, '--follow', '--json', '--user-id', 'dave']),
      );
      const sent = await rudder(['track', ...url(), '--write-key', SENTINEL, '--user-id', 'dave', '--event', 'Followed Remotely']);
      assert.equal(sent.code, 0, sent.stderr);
      const out = await waitForOutput(child, /"Followed Remotely"/);
      assert.equal(jsonLines(out)[0].messageId, sent.stdout.trim());
      child.kill('SIGINT');
      const run = await child.result;
      assert.equal(run.code, 0, run.stderr);
      assert.ok(gate.authorizations.length >= 2 && gate.authorizations.every((a) => a === `Bearer ${READ_TOKEN}`), String(gate.authorizations));
    });
  });

  describe('events a client could make hostile', () => {
    let hostile: TestPlane;
    const post = (body: string) =>
      fetch(`${hostile.url}/v1/track`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${SENTINEL}:`).toString('base64')}`, 'content-type': 'application/json' },
        body,
      });
    before(async () => {
      hostile = await startPlane();
    });
    after(() => hostile.stop());

    test('--json prints an event nested 5,000 deep, valid and with its numbers exactly as sent', async () => {
      const deep = `{"userId":"deep","event":"Deep","messageId":"m-deep","properties":{"big":12345678901234567890,"inf":1e400,"d":${'['.repeat(5000)}${']'.repeat(5000)}}}`;
      assert.equal((await post(deep)).status, 200);
      const run = await rudder(['events', '--data-plane-url', hostile.url, '--json', '--user-id', 'deep']);
      assert.equal(run.code, 0, run.stderr);
      const [line] = run.stdout.trim().split('\n');
      assert.equal((JSON.parse(line) as { messageId: string }).messageId, 'm-deep');
      assert.ok(line.includes('"big":12345678901234567890,"inf":1e400'), line.slice(0, 400));
      const table = await rudder(['events', '--data-plane-url', hostile.url, '--user-id', 'deep']);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /Deep\s+m-deep/);
    });

    test('control and bidi characters reach the terminal escaped, in the table and in --json', async () => {
      assert.equal(
        (await post(JSON.stringify({ userId: 'u\u009b2Jx', event: 'ev\u202eil', messageId: 'm-bidi', properties: { s: '\u0085\u2066' } }))).status,
        200,
      );
      const table = await rudder(['events', '--data-plane-url', hostile.url, '--message-id', 'm-bidi']);
      assert.equal(table.code, 0, table.stderr);
      assert.ok(!/[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/.test(table.stdout), JSON.stringify(table.stdout));
      assert.match(table.stdout, /ev\\u202eil/);
      const json = await rudder(['events', '--data-plane-url', hostile.url, '--message-id', 'm-bidi', '--json']);
      assert.ok(!/[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/.test(json.stdout), JSON.stringify(json.stdout));
      const [e] = jsonLines(json.stdout);
      assert.deepEqual([e.payload.userId, e.event, e.payload.properties.s], ['u\u009b2Jx', 'ev\u202eil', '\u0085\u2066']);
    });

    test("large events: the listing follows the data plane's cursor until --limit events are printed", async () => {
      const pad = 'x'.repeat(3_900_000);
      for (let i = 0; i < 4; i++)
        assert.equal((await post(JSON.stringify({ userId: 'big', event: 'Big', messageId: `m-big-${i}`, properties: { pad } }))).status, 200);
      const run = await rudder(['events', '--data-plane-url', hostile.url, '--user-id', 'big', '--limit', '3']);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(
        [...run.stdout.matchAll(/m-big-\d/g)].map((m) => m[0]),
        ['m-big-1', 'm-big-2', 'm-big-3'],
      );
      assert.match(run.stderr, /the newest 3/);
    });
  });

  test('a data plane started with a read token: rudder events needs it, on this machine too', async (t) => {
    const guarded = await startPlane({ readToken: READ_TOKEN });
    t.after(() => guarded.stop());
    const without = await rudder(['events', '--data-plane-url', guarded.url]);
    assert.equal(without.code, 1);
    assert.match(without.stderr, /HTTP 401/);
    const withToken = await rudder(['events', '--data-plane-url', guarded.url], { env: { RUDDER_READ_TOKEN: READ_TOKEN } });
    assert.equal(withToken.code, 0, withToken.stderr);
  });
});
