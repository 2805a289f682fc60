// One small interface for every warehouse the loader writes to. A target applies a batch in one
// transaction: new tables and columns, the rows, refused events and the loader's cursor together, so
// a crash repeats a batch or not at all, never half of one.
import type { ColumnType } from '../datatype.js';
import type { Schema, TableSchema } from '../schema.js';

/** New columns of a table (or a new table). */
export interface TableChange {
  /** The table. */
  table: string;
  /** The table does not exist yet: create it with these columns. Else add them. */
  create: boolean;
  /** The columns to create. */
  columns: TableSchema;
}

/** An event the rules refused. */
export interface RefusedEvent {
  /** Its messageId. */
  message_id: string;
  /** When it was received. */
  received_at: string | null;
  /** The rule's message. */
  reason: string;
}

/**
 * A row: its values by position (in the order `LoadBatch.columns` gives for its table), or by column
 * name as an object or as the object's JSON text.
 */
export type BatchRow = readonly unknown[] | string | Record<string, unknown>;

/** A table's rows of a batch, every one by position in `columns`. */
export interface PositionalRows {
  columns: readonly string[];
  rows: readonly (readonly unknown[])[];
}

/**
 * A table's rows by position. Rows given by name are placed by `batch.columns`, else by the batch
 * schema's columns, else by the columns the rows themselves name.
 */
export function positionalRows(batch: LoadBatch, table: string): PositionalRows {
  const list = batch.rows.get(table) ?? [];
  const given = batch.columns?.get(table);
  if (list.every((r) => Array.isArray(r))) return { columns: given ?? Object.keys(batch.schema[table] ?? {}), rows: list as unknown[][] };
  const objects = list.map((r) => (Array.isArray(r) ? r : typeof r === 'string' ? (JSON.parse(r) as Record<string, unknown>) : r));
  const columns = [...(given ?? Object.keys(batch.schema[table] ?? {}))];
  const index = new Map(columns.map((c, i) => [c, i]));
  const rows = objects.map((r) => {
    if (Array.isArray(r)) return r as unknown[];
    const out: unknown[] = [];
    for (const [column, value] of Object.entries(r as Record<string, unknown>)) {
      let i = index.get(column);
      if (i === undefined) index.set(column, (i = columns.push(column) - 1));
      out[i] = value;
    }
    return out;
  });
  return { columns, rows };
}

/** One transaction's worth of work for a target. */
export interface LoadBatch {
  /** Tables and columns to create first. */
  changes: TableChange[];
  /**
   * Rows by table. The loader hands each row over as an array of values in the order `columns` gives
   * (no object per row keyed by column names); a json column's value is its JSON text. A row may also
   * be given as an object keyed by column names, or as that object's JSON text.
   */
  rows: Map<string, BatchRow[]>;
  /** Per table, the columns of its positional rows, in their order. */
  columns?: Map<string, readonly string[]>;
  /** The schema after this batch (every table the rows name is in it). */
  schema: Schema;
  /** Events refused, kept for listing. */
  refused: RefusedEvent[];
  /** The position the loader reached; stored with the rows. */
  cursor: number;
}

/** A table as listed. */
export interface TableInfo {
  /** Its name. */
  table: string;
  /** Its row count. */
  rows: number;
  /** Its columns: name, RudderStack type, SQL type. */
  columns: ColumnInfo[];
}

/** A column as listed. */
export interface ColumnInfo {
  /** Its name. */
  name: string;
  /** RudderStack's type. */
  type: ColumnType;
  /** The SQL type. */
  sqlType: string;
}

/** A warehouse the loader writes to. */
export interface WarehouseTarget {
  /** `duckdb:<file>` or the Postgres URL without its password. */
  readonly description: string;
  /** The tables and column types it has. */
  readSchema(): Promise<Schema>;
  /** The loader's cursor (0 when none). */
  readCursor(): Promise<number>;
  /** Applies a batch in one transaction. */
  apply(batch: LoadBatch): Promise<void>;
  /** Tables with row counts and column types, for `rudder warehouse schema` and the live page. */
  describe(): Promise<TableInfo[]>;
  /** The latest rows of rudder_discards, newest first. */
  latestDiscards(limit: number): Promise<Record<string, unknown>[]>;
  /** The latest refused events, newest first. */
  latestRefused(limit: number): Promise<RefusedEvent[]>;
  /** Runs a query and returns its rows as plain objects (for tests and the CLI). */
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** Closes the connection. */
  close(): Promise<void>;
}

export const CURSOR_TABLE = 'rudder_local_load_cursor';
export const REFUSED_TABLE = 'rudder_local_refused';

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The tables the loader keeps for itself, left out of schema listings. */
export const isStateTable = (name: string): boolean => name === CURSOR_TABLE || name === REFUSED_TABLE;

export type { Schema, TableSchema };
