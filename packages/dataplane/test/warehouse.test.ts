// `--warehouse`: the data plane loads what it stores into RudderStack's warehouse tables, as a later
// stage. The SDK sends the six types, and the real-event corpus goes in over HTTP; SQL against the
// DuckDB file and a real Postgres then returns the rows eventToRows predicts for the stored events.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { eventToRows, openDuckDb, planRow, withProcessorTimeFields, type Flavour, type Schema } from '@rudderanalytics/warehouse';
import { RudderAnalytics } from 'rudderanalytics';
import { startPostgres, type PostgresServer } from '../../warehouse/test/support/postgres-server.js';
import { backfillWarehouse } from '../src/index.js';
import { post, startTestPlane, tempDir } from './support/helpers.js';

type Plane = Awaited<ReturnType<typeof startTestPlane>>;

let pgServer: PostgresServer;
before(async () => {
  pgServer = await startPostgres();
});
after(() => pgServer.stop());

const corpusDir = new URL('../../../test/corpus/gateway/', import.meta.url);
const corpus = readFileSync(new URL('events.jsonl', corpusDir), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Record<string, unknown>);

async function sendSix(dp: Plane): Promise<void> {
  const client = RudderAnalytics.load(dp.writeKey, dp.url);
  const ids = { userId: 'user-42', anonymousId: 'anon-42' };
  client.identify({ ...ids, traits: { email: 'ada@example.com', plan: 'pro', logins: 3 } });
  client.track({ ...ids, event: 'Order Completed', properties: { revenue: 19.99, items: 2, coupon: 'SPRING', paid: true } });
  client.page({ ...ids, name: 'Pricing', properties: { path: '/pricing' } });
  client.screen({ ...ids, name: 'Home', properties: { tab: 'feed' } });
  client.group({ ...ids, groupId: 'acme', traits: { seats: 12 } });
  client.alias({ userId: 'user-42', previousId: 'anon-42' });
  await client.close();
  await dp.waitForEvents(6);
}

/**
 * What the rules predict for every stored event, in stored order: eventToRows, then the schema rules
 * (a column keeps its first type; conversions; conflicts leave the column empty). Rows by table,
 * grouped by id (messageIds may repeat).
 */
function predicted(dp: Plane, flavour: Flavour): Map<string, Map<string, Record<string, unknown>[]>> {
  const out = new Map<string, Map<string, Record<string, unknown>[]>>();
  const schema: Schema = {};
  for (const e of dp.events({ limit: 10_000, order: 'asc' })) {
    let rows;
    try {
      const event = e.receivedAt ? withProcessorTimeFields(e.payload, e.receivedAt) : e.payload;
      rows = eventToRows(event, { destination: flavour, sourceId: e.source, receivedAt: e.receivedAt ?? undefined });
    } catch {
      continue;
    }
    for (const r of rows) {
      if (!out.has(r.table)) out.set(r.table, new Map());
      const byId = out.get(r.table)!;
      const id = String(r.data[flavour === 'snowflake' ? 'ID' : 'id']);
      const plan = planRow(schema, r, flavour);
      const conflicts = plan.discards.map((d) => d.column_name);
      byId.set(id, [...(byId.get(id) ?? []), { ...plan.values, ...Object.fromEntries(conflicts.map((c) => [c, null])) }]);
    }
  }
  const users = out.get(flavour === 'snowflake' ? 'USERS' : 'users');
  if (users) for (const [id, rows] of users) users.set(id, [mergedUser(rows, flavour === 'snowflake' ? 'RECEIVED_AT' : 'received_at')]);
  return out;
}

/** One row per user, as hosted: per column the latest non-null value by received_at (the later event on a tie). */
function mergedUser(rows: Record<string, unknown>[], receivedAt: string): Record<string, unknown> {
  const time = (r: Record<string, unknown>) => (r[receivedAt] == null ? -Infinity : Date.parse(String(r[receivedAt])));
  const oldestFirst = rows.map((r, i) => ({ r, i })).sort((a, b) => time(a.r) - time(b.r) || a.i - b.i);
  const merged: Record<string, unknown> = {};
  for (const { r } of oldestFirst) {
    for (const [column, value] of Object.entries(r)) if (value !== null && value !== undefined) merged[column] = value;
    for (const column of Object.keys(r)) if (!(column in merged)) merged[column] = null;
  }
  return merged;
}

/** A database value in the form eventToRows writes it (ISO datetimes, numbers, JSON text). */
function normal(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+00$/.test(v)) return new Date(v.replace(' ', 'T') + ':00').toISOString();
  return v;
}

function sameValue(db: unknown, want: unknown): boolean {
  const got = normal(db);
  if (typeof want === 'number') return Number(got) === want;
  // Arrays are stored as JSON text, keys sorted as Go's encoder writes them: compare as values.
  if (Array.isArray(want)) return isDeepStrictEqual(typeof got === 'string' ? JSON.parse(got) : got, want);
  if (typeof got === 'object' && got !== null) return JSON.stringify(got) === JSON.stringify(typeof want === 'string' ? JSON.parse(want) : want);
  if (typeof got === 'string' && typeof want === 'string' && got !== want) {
    // JSON columns come back as text in DuckDB: compare parsed.
    try {
      return JSON.stringify(JSON.parse(got)) === JSON.stringify(JSON.parse(want));
    } catch {
      return false;
    }
  }
  return got === want;
}

async function assertLoadedAsPredicted(dp: Plane, flavour: Flavour): Promise<number> {
  await dp.warehouse!.drain();
  const want = predicted(dp, flavour);
  const id = flavour === 'snowflake' ? 'ID' : 'id';
  let compared = 0;
  for (const [table, rows] of want) {
    const got = await dp.warehouse!.query(`SELECT * FROM "${table}"`);
    const expectedRows = [...rows.values()].reduce((n, list) => n + list.length, 0);
    assert.equal(got.length, expectedRows, `${table}: one row per predicted row`);
    for (const g of got) {
      const candidates = rows.get(String(g[id]));
      assert.ok(candidates?.length, `${table}: unexpected row ${String(g[id])}`);
      const matches = (w: Record<string, unknown>) => Object.entries(w).every(([column, value]) => sameValue(g[column], value));
      const at = candidates.findIndex(matches);
      if (at < 0) {
        const [w] = candidates;
        for (const [column, value] of Object.entries(w)) {
          assert.ok(sameValue(g[column], value), `${table}.${column} of ${String(g[id])}: ${JSON.stringify(g[column])} ≠ ${JSON.stringify(value)}`);
        }
      }
      compared += Object.keys(candidates[at]).length;
      candidates.splice(at, 1);
    }
  }
  return compared;
}

test('GET /api/warehouse without --warehouse: 404 saying how to turn it on', async () => {
  const dp = await startTestPlane({});
  try {
    const res = await fetch(`${dp.url}/api/warehouse`);
    assert.equal(res.status, 404);
    assert.match(await res.text(), /--warehouse/);
  } finally {
    await dp.stop();
  }
});

test('rudder warehouse load (backfill) merges users the same way', async () => {
  const dp = await startTestPlane({});
  const files = tempDir();
  try {
    const identify = (messageId: string, traits: Record<string, unknown>) => ({ type: 'identify', userId: 'u-back', messageId, traits });
    assert.equal((await post(dp, '/v1/identify', identify('b-1', { email: 'a@example.com', plan: 'free' }))).status, 200);
    assert.equal((await post(dp, '/v1/identify', identify('b-2', { plan: 'pro' }))).status, 200);
    await dp.close();
    const to = `duckdb:${join(files.dir, 'back.duckdb')}`;
    await backfillWarehouse({ from: join(dp.dir, 'events.db'), to });
    const target = await openDuckDb(join(files.dir, 'back.duckdb'));
    try {
      assert.deepEqual(await target.query(`SELECT id, email, plan FROM users`), [{ id: 'u-back', email: 'a@example.com', plan: 'pro' }]);
    } finally {
      await target.close();
    }
  } finally {
    await dp.stop();
    files.remove();
  }
});

const targets: [string, () => string, Flavour][] = [
  ['DuckDB', () => '', 'postgres'],
  ['DuckDB with Snowflake rules', () => '', 'snowflake'],
  ['PostgreSQL', () => pgServer.url, 'postgres'],
];

for (const [name, url, flavour] of targets) {
  describe(`--warehouse ${name}`, () => {
    let dp: Plane;
    const files = tempDir();
    before(async () => {
      const target = url() || `duckdb:${join(files.dir, 'events.duckdb')}`;
      dp = await startTestPlane({ warehouse: target, warehouseFlavour: name.includes('DuckDB') ? flavour : undefined });
    });
    after(async () => {
      await dp.stop();
      files.remove();
    });

    test('the SDK sends the six types: the tables RudderStack creates, typed columns, one row each', async () => {
      await sendSix(dp);
      await assertLoadedAsPredicted(dp, flavour);
      const up = (s: string) => (flavour === 'snowflake' ? s.toUpperCase() : s);
      const tables = (await dp.warehouse!.describe()).tables;
      const byName = new Map(tables.map((t) => [t.table, t]));
      for (const t of ['tracks', 'order_completed', 'identifies', 'users', 'pages', 'screens', 'groups', 'aliases']) {
        assert.equal(byName.get(up(t))?.rows, 1, `${up(t)} has one row`);
      }
      const oc = byName.get(up('order_completed'))!;
      const type = (c: string) => oc.columns.find((x) => x.name === up(c))?.type;
      assert.deepEqual(
        [type('revenue'), type('items'), type('coupon'), type('paid'), type('timestamp')],
        ['float', 'int', 'string', 'boolean', 'datetime'],
      );
      // The same listing over the read API (what a warehouse view shows): tables, row counts, typed columns.
      const api = (await (await fetch(`${dp.url}/api/warehouse`)).json()) as { tables: { table: string; rows: number }[]; cursor: number };
      assert.equal(api.tables.find((t) => t.table === up('tracks'))?.rows, 1);
      assert.equal(api.cursor, 6);
      const [user] = await dp.warehouse!.query(`SELECT "${up('id')}" AS id, "${up('email')}" AS email FROM "${up('users')}"`);
      assert.deepEqual(user, { id: 'user-42', email: 'ada@example.com' });
    });

    test('the real-event corpus loads as the rules predict, column by column', async () => {
      const res = await post(dp, '/v1/batch', { batch: corpus });
      assert.ok(res.status === 200 || res.status === 400, res.text);
      // Send one by one: the gateway refuses a batch with any unusable event as a whole.
      for (const e of corpus) await post(dp, `/v1/${String(e.type ?? 'track')}`, e);
      const compared = await assertLoadedAsPredicted(dp, flavour);
      assert.ok(compared > 5000, `${compared} values compared`);
    });

    test('users holds one row per user: a later identify updates it, a trait it leaves out keeps its value', async () => {
      const up = (s: string) => (flavour === 'snowflake' ? s.toUpperCase() : s);
      const identify = (messageId: string, traits: Record<string, unknown>) => ({ type: 'identify', userId: 'u-merge', messageId, traits });
      assert.equal((await post(dp, '/v1/identify', identify('m-1', { email: 'old@example.com', plan: 'free' }))).status, 200);
      await dp.warehouse!.drain();
      assert.equal((await post(dp, '/v1/identify', identify('m-2', { plan: 'pro' }))).status, 200);
      // Two in one request share a received_at: the later one wins.
      const batch = { batch: [identify('m-3', { seats: 3 }), identify('m-4', { seats: 4 })] };
      assert.equal((await post(dp, '/v1/batch', batch)).status, 200);
      await dp.warehouse!.drain();
      const rows = await dp.warehouse!.query(
        `SELECT "${up('email')}" AS email, "${up('plan')}" AS plan, "${up('seats')}" AS seats FROM "${up('users')}" WHERE "${up('id')}" = 'u-merge'`,
      );
      assert.deepEqual(
        rows.map((r) => ({ ...r, seats: Number(r.seats) })),
        [{ email: 'old@example.com', plan: 'pro', seats: 4 }],
      );
      const [{ n }] = await dp.warehouse!.query(`SELECT count(*) AS n FROM "${up('identifies')}" WHERE "${up('user_id')}" = 'u-merge'`);
      assert.equal(Number(n), 4, 'identifies keeps every identify');
    });

    test('a type conflict keeps the column and sends the value to rudder_discards with its reason', async () => {
      const up = (s: string) => (flavour === 'snowflake' ? s.toUpperCase() : s);
      const base = { type: 'track', event: 'Plan Chosen', userId: 'u-conflict' };
      assert.equal((await post(dp, '/v1/track', { ...base, messageId: 'c-1', properties: { seats: 5 } })).status, 200);
      await dp.warehouse!.drain();
      assert.equal((await post(dp, '/v1/track', { ...base, messageId: 'c-2', properties: { seats: { many: true } } })).status, 200);
      assert.equal((await post(dp, '/v1/track', { ...base, messageId: 'c-3', properties: { seats: 'ten' } })).status, 200);
      await dp.warehouse!.drain();
      const rows = await dp.warehouse!.query(`SELECT "${up('id')}" AS id, "${up('seats')}" AS seats FROM "${up('plan_chosen')}" ORDER BY 1`);
      assert.deepEqual(
        rows.map((r) => ({ id: r.id, seats: r.seats === null ? null : Number(r.seats) })),
        [
          { id: 'c-1', seats: 5 },
          { id: 'c-2', seats: null },
          { id: 'c-3', seats: null },
        ],
      );
      const discards = await dp.warehouse!.query(
        `SELECT "${up('row_id')}" AS row_id, "${up('column_name')}" AS c, "${up('column_value')}" AS v, "${up('reason')}" AS reason FROM "${up('rudder_discards')}" WHERE "${up('table_name')}" = '${up('plan_chosen')}' ORDER BY 1`,
      );
      assert.deepEqual(discards, [{ row_id: 'c-3', c: up('seats'), v: 'ten', reason: 'incompatible schema conversion from int to string' }]);
      // The object became a column of its own (seats_many), not a conflict.
      const described = await dp.warehouse!.describe();
      assert.ok(described.discards.some((d) => d[up('row_id')] === 'c-3'));
    });
  });
}
