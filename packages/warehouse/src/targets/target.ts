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

/** A row as JSON text, or as an object. */
export type BatchRow = string | Record<string, unknown>;

/** A row's JSON text. */
export const rowJson = (row: BatchRow): string => (typeof row === 'string' ? row : JSON.stringify(row));

/** One transaction's worth of work for a target. */
export interface LoadBatch {
  /** Tables and columns to create first. */
  changes: TableChange[];
  /**
   * Rows by table; each row's keys are column names of that table. The loader hands each row over as
   * its JSON text (both targets send JSON to the database, and a batch of short strings costs the
   * garbage collector far less than as many live objects); a row may also be given as an object.
   */
  rows: Map<string, BatchRow[]>;
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
