// The embedded default: a DuckDB file. Rows go in through DuckDB's appender, one call per value
// (DuckDB casts numbers and ISO strings to the column's type). The appender writes inside the
// connection's open transaction: the DDL, the rows, refused events and the cursor commit together or
// roll back together (a rollback drops appended rows too, as the loader tests show).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { appendRows } from './duckdb-append.js';
import { DUCKDB_TYPES, rudderTypeOf } from './sql-types.js';
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

/**
 * Settings of a file the loader writes to. A batch of 5,000 events puts about 3.5 MB into the WAL, so
 * with DuckDB's default threshold (16 MB) nearly every fourth commit checkpoints, and each checkpoint
 * compresses again every table's partly filled row group: two thirds of DuckDB's CPU went there.
 * At 128 MB a row group is rewritten a few times instead of dozens, and the memory the uncheckpointed
 * rows hold stays within the range the process used before. One thread: the appender runs on the
 * caller's thread and a commit is one thread's work, and a second DuckDB thread only added CPU (about
 * 6 ms per 1,000 events in the load benchmark).
 */
const LOADING_CONFIG: Record<string, string> = { checkpoint_threshold: '128MB', threads: '1' };

/** Options of {@link openDuckDb}. */
export interface DuckDbTargetOptions {
  /** Open without writing (for `rudder warehouse schema`). */
  readOnly?: boolean;
}

/** A DuckDB file as a target (created when missing). */
export async function openDuckDb(file: string, options: DuckDbTargetOptions = {}): Promise<WarehouseTarget> {
  if (!options.readOnly && file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const instance = await DuckDBInstance.create(file, options.readOnly ? { access_mode: 'READ_ONLY' } : LOADING_CONFIG);
  const conn = await instance.connect();
  if (!options.readOnly) {
    await conn.run(`CREATE TABLE IF NOT EXISTS ${CURSOR_TABLE} (id INTEGER PRIMARY KEY, position BIGINT NOT NULL)`);
    await conn.run(
      `CREATE TABLE IF NOT EXISTS ${REFUSED_TABLE} (message_id VARCHAR, received_at VARCHAR, reason VARCHAR, refused_at TIMESTAMPTZ DEFAULT now())`,
    );
  }
  return new DuckDbTarget(file, instance, conn);
}

async function rows(conn: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

class DuckDbTarget implements WarehouseTarget {
  readonly description: string;
  /** Each table's columns in their order in the table (the order the appender takes values in). */
  private readonly tableColumns = new Map<string, string[]>();

  constructor(
    file: string,
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
  ) {
    this.description = `duckdb:${file}`;
  }

  async readSchema(): Promise<Schema> {
    const schema: Schema = {};
    const cols = await rows(
      this.conn,
      `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' ORDER BY table_name, ordinal_position`,
    );
    for (const c of cols) {
      const table = String(c.table_name);
      if (isStateTable(table)) continue;
      (schema[table] ??= {})[String(c.column_name)] = rudderTypeOf(String(c.data_type));
    }
    return schema;
  }

  async readCursor(): Promise<number> {
    const r = await rows(this.conn, `SELECT position FROM ${CURSOR_TABLE} WHERE id = 1`);
    return r.length ? Number(r[0].position) : 0;
  }

  async apply(batch: LoadBatch): Promise<void> {
    await this.conn.run('BEGIN TRANSACTION');
    try {
      for (const change of batch.changes) {
        const cols = Object.entries(change.columns);
        if (change.create) {
          await this.conn.run(`CREATE TABLE ${q(change.table)} (${cols.map(([n, t]) => `${q(n)} ${DUCKDB_TYPES[t]}`).join(', ')})`);
        } else {
          for (const [n, t] of cols) await this.conn.run(`ALTER TABLE ${q(change.table)} ADD COLUMN ${q(n)} ${DUCKDB_TYPES[t]}`);
        }
        this.tableColumns.delete(change.table);
      }
      for (const table of batch.rows.keys()) {
        const { columns, rows } = positionalRows(batch, table);
        if (rows.length === 0) continue;
        const tableColumns = await this.columnsOf(table);
        const appender = await this.conn.createAppender(table);
        try {
          appendRows(appender, tableColumns, columns, rows);
          // Closing flushes the rows into the open transaction.
          appender.closeSync();
        } catch (err) {
          // Nothing of a failed table is flushed (the transaction rolls back in any case), and the
          // append's own error is the one reported.
          try {
            appender.clear();
            appender.closeSync();
          } catch {
            // Already failed.
          }
          throw err;
        }
      }
      for (const r of batch.refused) {
        await this.conn.run(`INSERT INTO ${REFUSED_TABLE} (message_id, received_at, reason) VALUES ($1, $2, $3)`, [
          r.message_id,
          r.received_at,
          r.reason,
        ]);
      }
      await this.conn.run(`INSERT OR REPLACE INTO ${CURSOR_TABLE} (id, position) VALUES (1, ${Math.trunc(batch.cursor)})`);
      await this.conn.run('COMMIT');
    } catch (err) {
      await this.conn.run('ROLLBACK').catch(() => undefined);
      // The columns of a rolled-back ALTER are gone again: read them afresh.
      this.tableColumns.clear();
      throw err;
    }
  }

  private async columnsOf(table: string): Promise<string[]> {
    let columns = this.tableColumns.get(table);
    if (!columns) {
      const r = await this.conn.runAndReadAll(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = $1 ORDER BY ordinal_position`,
        [table],
      );
      columns = r.getRowObjectsJson().map((c) => String(c.column_name));
      this.tableColumns.set(table, columns);
    }
    return columns;
  }

  async describe(): Promise<TableInfo[]> {
    const schema = await this.readSchema();
    const types = await rows(this.conn, `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'main'`);
    const sqlType = new Map(types.map((t) => [`${t.table_name}.${t.column_name}`, String(t.data_type)]));
    const out: TableInfo[] = [];
    for (const [table, cols] of Object.entries(schema).sort(([a], [b]) => a.localeCompare(b))) {
      const [{ n }] = await rows(this.conn, `SELECT count(*) AS n FROM ${q(table)}`);
      out.push({
        table,
        rows: Number(n),
        columns: Object.entries(cols).map(([name, type]) => ({ name, type, sqlType: sqlType.get(`${table}.${name}`) ?? '' })),
      });
    }
    return out;
  }

  async latestDiscards(limit: number): Promise<Record<string, unknown>[]> {
    const schema = await this.readSchema();
    const table = Object.keys(schema).find((t) => t.toLowerCase() === 'rudder_discards');
    if (!table) return [];
    const uuid = Object.keys(schema[table]).find((c) => c.toLowerCase() === 'uuid_ts')!;
    return rows(this.conn, `SELECT * FROM ${q(table)} ORDER BY ${q(uuid)} DESC LIMIT ${Math.trunc(limit)}`);
  }

  async latestRefused(limit: number): Promise<RefusedEvent[]> {
    const r = await rows(
      this.conn,
      `SELECT message_id, received_at, reason FROM ${REFUSED_TABLE} ORDER BY refused_at DESC LIMIT ${Math.trunc(limit)}`,
    ).catch(() => []);
    return r as unknown as RefusedEvent[];
  }

  query(sql: string): Promise<Record<string, unknown>[]> {
    return rows(this.conn, sql);
  }

  async close(): Promise<void> {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
