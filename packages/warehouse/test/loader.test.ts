// The loader against real targets: a DuckDB file and a PostgreSQL server started for the test. The
// same scenarios run on both: the tables and typed columns the rules predict, schema evolution with a
// type conflict sent to rudder_discards with its reason, a refused event, and a cursor that moves with
// the rows in one transaction.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mergeUsers, openDuckDb, openPostgres, WarehouseLoader, type Flavour, type WarehouseTarget } from '../src/index.js';
import { startPostgres, type PostgresServer } from './support/postgres-server.js';

const base = {
  anonymousId: 'anon-1',
  userId: 'user-1',
  sentAt: '2024-05-01T10:00:00.000Z',
  timestamp: '2024-05-01T10:00:00.000Z',
  originalTimestamp: '2024-05-01T10:00:00.000Z',
  receivedAt: '2024-05-01T10:00:01.000Z',
  channel: 'server',
  context: { library: { name: 'rudderanalytics', version: '1.0.0' }, ip: '10.0.0.1' },
};
const track = (id: string, properties: Record<string, unknown>, event = 'Order Completed') => ({
  event: { ...base, type: 'track', messageId: id, event, properties },
});

let dir: string;
let server: PostgresServer | undefined;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rudder-wh-loader-'));
  server = await startPostgres();
});
after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const targets: [string, Flavour, () => Promise<WarehouseTarget>][] = [
  ['duckdb', 'postgres', () => openDuckDb(join(dir, 'a.duckdb'))],
  ['duckdb with snowflake rules', 'snowflake', () => openDuckDb(join(dir, 'sf.duckdb'))],
  ['postgres', 'postgres', () => openPostgres(server!.url)],
];

for (const [name, flavour, open] of targets) {
  describe(`loader → ${name}`, () => {
    const up = (s: string) => (flavour === 'snowflake' ? s.toUpperCase() : s);
    const q = (s: string) => `"${up(s)}"`;

    it('creates the tables and typed columns the rules predict, and moves the cursor with them', async () => {
      const loader = await WarehouseLoader.open(await open(), { flavour });
      const summary = await loader.load([track('m1', { total: 10, coupon: 'X', paid: true, at: '2024-05-01T09:00:00Z' })], 7);
      assert.deepEqual(summary.newTables.sort(), [up('order_completed'), up('tracks')].sort());
      assert.equal(await loader.cursor(), 7);
      const schema = loader.currentSchema();
      const t = schema[up('order_completed')];
      assert.equal(t[up('total')], 'int');
      assert.equal(t[up('coupon')], 'string');
      assert.equal(t[up('paid')], 'boolean');
      assert.equal(t[up('at')], 'datetime');
      assert.equal(t[up('context_library_name')], 'string');
      assert.equal(t[up('uuid_ts')], 'datetime');
      const rows = await loader.target.query(
        `SELECT ${q('id')} AS id, ${q('total')} AS total, ${q('coupon')} AS coupon, ${q('event')} AS event FROM ${q('order_completed')}`,
      );
      assert.deepEqual(
        rows.map((r) => ({ ...r, total: Number(r.total) })),
        [{ id: 'm1', total: 10, coupon: 'X', event: 'order_completed' }],
      );
      await loader.close();
    });

    it('keeps the first type of a column: int into float, anything into string, the rest to rudder_discards', async () => {
      const loader = await WarehouseLoader.open(await open(), { flavour });
      // total was created as int: a float is truncated into it; coupon was string: a number is
      // stringified; paid was boolean: a string cannot go in and is discarded with its reason.
      const summary = await loader.load([track('m2', { total: 12.75, coupon: 42, paid: 'yes' })], 8);
      assert.equal(summary.discarded, 1);
      const rows = await loader.target.query(
        `SELECT ${q('total')} AS total, ${q('coupon')} AS coupon, ${q('paid')} AS paid FROM ${q('order_completed')} WHERE ${q('id')} = 'm2'`,
      );
      assert.deepEqual(
        rows.map((r) => ({ ...r, total: Number(r.total) })),
        [{ total: 12, coupon: '42', paid: null }],
      );
      const discards = await loader.target.query(
        `SELECT ${q('table_name')} AS t, ${q('row_id')} AS id, ${q('column_name')} AS c, ${q('column_value')} AS v, ${q('reason')} AS reason FROM ${q('rudder_discards')}`,
      );
      assert.deepEqual(discards, [
        { t: up('order_completed'), id: 'm2', c: up('paid'), v: 'yes', reason: 'incompatible schema conversion from boolean to string' },
      ]);
      const latest = await loader.target.latestDiscards(5);
      assert.equal(latest.length, 1);
      await loader.close();
    });

    it('adds new columns to an existing table and reads the schema back after a restart', async () => {
      const loader = await WarehouseLoader.open(await open(), { flavour });
      assert.equal(loader.currentSchema()[up('order_completed')][up('total')], 'int', 'schema read back from the target');
      const summary = await loader.load([track('m3', { total: 1, shipping: 4.5 })], 9);
      assert.equal(summary.newColumns, 1);
      assert.equal(loader.currentSchema()[up('order_completed')][up('shipping')], 'float');
      const info = await loader.target.describe();
      const oc = info.find((t) => t.table === up('order_completed'))!;
      assert.equal(oc.rows, 3);
      assert.ok(oc.columns.some((c) => c.name === up('shipping') && c.type === 'float'));
      await loader.close();
    });

    it('records a refused event with its reason and still moves the cursor', async () => {
      const loader = await WarehouseLoader.open(await open(), { flavour });
      const wide = Object.fromEntries(Array.from({ length: 1700 }, (_, i) => [`p${i}`, i]));
      const summary = await loader.load([track('m4', wide), { event: { ...base, type: 'nonsense', messageId: 'm5' } }], 11);
      assert.equal(summary.refused, 2);
      const refused = await loader.target.latestRefused(5);
      assert.deepEqual(refused.map((r) => r.message_id).sort(), ['m4', 'm5']);
      assert.ok(
        refused.some(
          (r) => r.reason === `${flavour === 'snowflake' ? 'snowflake' : 'postgres'} transformer: Too many columns outputted from the event`,
        ),
      );
      assert.ok(refused.some((r) => r.reason === 'Unknown event type: "nonsense"'));
      assert.equal(await loader.cursor(), 11);
      await loader.close();
    });

    it('writes each type, JSON columns and text with tabs, newlines and backslashes as sent, columns added mid-batch included', async () => {
      const loader = await WarehouseLoader.open(await open(), { flavour, config: { jsonPaths: 'track.properties.cart' } });
      const tricky = 'a\tb\nc\r\\d "e" \'f\' \\N ü😀';
      // The first row of the batch has neither `note` nor `cart`: its table gets them from later rows.
      await loader.load(
        [
          track('v1', { total: 1 }, 'Value Types'),
          track('v2', { total: 2, price: 2.5, gift: false, note: tricky, cart: { items: [1, 'x'], nested: { ok: true } } }, 'Value Types'),
          track('v3', { total: 3, cart: 'not json', shipped_at: '2024-02-29T23:59:59.999Z' }, 'Value Types'),
        ],
        12,
      );
      const t = q('value_types');
      const rows = await loader.target.query(
        `SELECT ${q('id')} AS id, ${q('total')} AS total, ${q('price')} AS price, ${q('gift')} AS gift, ${q('note')} AS note, CAST(${q('cart')} AS VARCHAR) AS cart, ${q('shipped_at')} AS shipped_at FROM ${t} ORDER BY ${q('id')}`,
      );
      const norm = rows.map((r) => ({
        ...r,
        total: Number(r.total),
        price: r.price === null ? null : Number(r.price),
        cart: r.cart === null ? null : JSON.parse(String(r.cart)),
        shipped_at: r.shipped_at === null ? null : new Date(r.shipped_at instanceof Date ? r.shipped_at : String(r.shipped_at)).toISOString(),
      }));
      assert.deepEqual(norm, [
        { id: 'v1', total: 1, price: null, gift: null, note: null, cart: null, shipped_at: null },
        { id: 'v2', total: 2, price: 2.5, gift: false, note: tricky, cart: { items: [1, 'x'], nested: { ok: true } }, shipped_at: null },
        { id: 'v3', total: 3, price: null, gift: null, note: null, cart: 'not json', shipped_at: '2024-02-29T23:59:59.999Z' },
      ]);
      assert.equal(loader.currentSchema()[up('value_types')][up('cart')], 'json');
      assert.equal(await loader.cursor(), 12);
      await loader.close();
    });

    it("fails the batch with the database's own message when a row holds a value its column refuses, and rolls it back", async () => {
      const target = await open();
      const loader = await WarehouseLoader.open(target, { flavour });
      const realApply = target.apply.bind(target);
      // Rows of another table first, so the rollback has appended rows to undo.
      target.apply = async (batch) =>
        realApply({ ...batch, rows: new Map([...batch.rows, [up('order_completed'), [{ [up('id')]: 'bad', [up('total')]: 'not a number' }]]]) });
      await assert.rejects(loader.load([track('m7', { total: 7 }, 'Other Event')], 30), /not a number/);
      target.apply = realApply;
      assert.equal(await loader.cursor(), 12);
      assert.equal(loader.currentSchema()[up('other_event')], undefined);
      const [{ n }] = await target.query(`SELECT count(*) AS n FROM ${q('tracks')} WHERE ${q('id')} IN ('m7', 'bad')`);
      assert.equal(Number(n), 0);
      await loader.close();
    });

    it('leaves rows, new columns and cursor untouched when the transaction fails', async () => {
      const target = await open();
      const loader = await WarehouseLoader.open(target, { flavour });
      const realApply = target.apply.bind(target);
      // A failure after the rows are written: the batch must roll back as a whole.
      target.apply = async (batch) => realApply({ ...batch, rows: new Map([...batch.rows, ['no_such_table', [{ x: 1 }]]]) });
      await assert.rejects(loader.load([track('m6', { brand_new: 'v' })], 20));
      target.apply = realApply;
      assert.equal(await loader.cursor(), 12);
      assert.equal(loader.currentSchema()[up('order_completed')][up('brand_new')], undefined);
      const schema = await target.readSchema();
      assert.equal(schema[up('order_completed')][up('brand_new')], undefined);
      const [{ n }] = await target.query(`SELECT count(*) AS n FROM ${q('order_completed')} WHERE ${q('id')} = 'm6'`);
      assert.equal(Number(n), 0);
      await loader.close();
    });

    it('merges users to one row per id: per column the latest non-null value, on a tie in received_at the later row', async () => {
      const loader = await WarehouseLoader.open(await open(), { flavour });
      const identify = (messageId: string, userId: string, receivedAt: string, traits: Record<string, unknown>) => ({
        event: { ...base, type: 'identify', messageId, userId, receivedAt, traits },
      });
      await loader.load(
        [
          identify('i1', 'u-a', '2024-05-01T10:00:02.000Z', { plan: 'pro' }),
          identify('i2', 'u-a', '2024-05-01T10:00:01.000Z', { plan: 'free', city: 'Paris' }),
          identify('i3', 'u-b', '2024-05-01T10:00:01.000Z', { tier: 'x' }),
        ],
        40,
      );
      await loader.load(
        [identify('i4', 'u-b', '2024-05-01T10:00:01.000Z', { tier: 'y' }), identify('i5', 'u-c', '2024-05-01T10:00:01.000Z', { tier: 'z' })],
        41,
      );
      const merged = async () =>
        loader.target.query(
          `SELECT ${q('id')} AS id, ${q('plan')} AS plan, ${q('city')} AS city, ${q('tier')} AS tier FROM ${q('users')} ORDER BY ${q('id')}`,
        );
      await mergeUsers(loader.target, loader.currentSchema(), flavour, name.startsWith('duckdb') ? 'duckdb' : 'postgres');
      const expected = [
        { id: 'u-a', plan: 'pro', city: 'Paris', tier: null },
        { id: 'u-b', plan: null, city: null, tier: 'y' },
        { id: 'u-c', plan: null, city: null, tier: 'z' },
      ];
      assert.deepEqual(await merged(), expected);
      await mergeUsers(loader.target, loader.currentSchema(), flavour, name.startsWith('duckdb') ? 'duckdb' : 'postgres');
      assert.deepEqual(await merged(), expected, 'merging again changes nothing');
      await loader.close();
    });
  });
}
