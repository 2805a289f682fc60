// PostgreSQL given by URL. A batch's rows go in with COPY … FROM STDIN (text format), one COPY per
// table inside the batch's transaction: the server parses the rows without a statement per row.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyLines } from './copy-text.js';
import { POSTGRES_TYPES, rudderTypeOf } from './sql-types.js';
import {
  CURSOR_TABLE,
  REFUSED_TABLE,
  isStateTable,
  positionalRows,
  quoteIdent as q,
  type LoadBatch,
  type RefusedEvent,
  type Schema,
  type TableInfo,
  type WarehouseTarget,
} from './target.js';

/** The URL without its password, for logs and listings. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable url)';
  }
}

/** A PostgreSQL database as a target, tables in `schemaName` (default public). */
export async function openPostgres(url: string, schemaName = 'public'): Promise<WarehouseTarget> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${q(schemaName)}`);
  await client.query(`SET search_path TO ${q(schemaName)}`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${CURSOR_TABLE} (id integer PRIMARY KEY, position bigint NOT NULL)`);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${REFUSED_TABLE} (message_id text, received_at text, reason text, refused_at timestamptz DEFAULT now())`,
  );
  return new PostgresTarget(redactUrl(url), client, schemaName);
}

class PostgresTarget implements WarehouseTarget {
  constructor(
    readonly description: string,
    private readonly client: pg.Client,
    private readonly schemaName: string,
  ) {}

  private async columns(): Promise<{ table_name: string; column_name: string; data_type: string }[]> {
    const r = await this.client.query(
      `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position`,
      [this.schemaName],
    );
    return r.rows;
  }

  async readSchema(): Promise<Schema> {
    const schema: Schema = {};
    for (const c of await this.columns()) {
      if (isStateTable(c.table_name)) continue;
      (schema[c.table_name] ??= {})[c.column_name] = rudderTypeOf(c.data_type);
    }
    return schema;
  }

  async readCursor(): Promise<number> {
    const r = await this.client.query(`SELECT position FROM ${CURSOR_TABLE} WHERE id = 1`);
    return r.rows.length ? Number(r.rows[0].position) : 0;
  }

  async apply(batch: LoadBatch): Promise<void> {
    const c = this.client;
    await c.query('BEGIN');
    try {
      for (const change of batch.changes) {
        const cols = Object.entries(change.columns);
        if (change.create) {
          await c.query(`CREATE TABLE ${q(change.table)} (${cols.map(([n, t]) => `${q(n)} ${POSTGRES_TYPES[t]}`).join(', ')})`);
        } else {
          await c.query(`ALTER TABLE ${q(change.table)} ${cols.map(([n, t]) => `ADD COLUMN ${q(n)} ${POSTGRES_TYPES[t]}`).join(', ')}`);
        }
      }
      for (const table of batch.rows.keys()) {
        const { columns, rows } = positionalRows(batch, table);
        if (rows.length === 0) continue;
        const copy = c.query(copyFrom(`COPY ${q(table)} (${columns.map(q).join(', ')}) FROM STDIN`));
        await pipeline(Readable.from(copyChunks(rows, columns.length)), copy);
      }
      for (const r of batch.refused) {
        await c.query(`INSERT INTO ${REFUSED_TABLE} (message_id, received_at, reason) VALUES ($1, $2, $3)`, [r.message_id, r.received_at, r.reason]);
      }
      await c.query(`INSERT INTO ${CURSOR_TABLE} (id, position) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET position = EXCLUDED.position`, [
        Math.trunc(batch.cursor),
      ]);
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  async describe(): Promise<TableInfo[]> {
    const schema = await this.readSchema();
    const sqlType = new Map((await this.columns()).map((c) => [`${c.table_name}.${c.column_name}`, c.data_type]));
    const out: TableInfo[] = [];
    for (const [table, cols] of Object.entries(schema).sort(([a], [b]) => a.localeCompare(b))) {
      const r = await this.client.query(`SELECT count(*)::bigint AS n FROM ${q(table)}`);
      out.push({
        table,
        rows: Number(r.rows[0].n),
        columns: Object.entries(cols).map(([name, type]) => ({ name, type, sqlType: sqlType.get(`${table}.${name}`) ?? '' })),
      });
    }
    return out;
  }

  async latestDiscards(limit: number): Promise<Record<string, unknown>[]> {
    const schema = await this.readSchema();
    if (!schema.rudder_discards) return [];
    const r = await this.client.query(`SELECT * FROM rudder_discards ORDER BY uuid_ts DESC LIMIT $1`, [limit]);
    return r.rows;
  }

  async latestRefused(limit: number): Promise<RefusedEvent[]> {
    const r = await this.client.query(`SELECT message_id, received_at, reason FROM ${REFUSED_TABLE} ORDER BY refused_at DESC LIMIT $1`, [limit]);
    return r.rows;
  }

  async query(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.client.query(sql)).rows;
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

/** COPY text in chunks of rows, so a batch is never one string the size of all its rows. */
function* copyChunks(rows: readonly (readonly unknown[])[], width: number): Generator<string> {
  const CHUNK = 500;
  for (let i = 0; i < rows.length; i += CHUNK) yield copyLines(rows.slice(i, i + CHUNK), width);
}
