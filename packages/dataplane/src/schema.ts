import type { SqlDatabase } from './engines.js';
import type { PreparedEvent } from './ingest.js';

/**
 * Rows are grouped in buckets of 2^14 consecutive ids, and the indexes on high-cardinality columns
 * (userId, anonymousId, messageId: often random UUIDs) lead with the bucket. New entries then land in
 * the newest bucket's small subtree instead of all over a growing B-tree, which keeps ingest speed
 * and page-cache size flat as the table grows; a lookup seeks once per bucket.
 */
export const BUCKET_SHIFT = 14;

export const bucketOf = (id: number): number => Math.floor(id / 2 ** BUCKET_SHIFT);

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY,
  bucket INTEGER NOT NULL,
  source TEXT NOT NULL,
  type TEXT,
  user_id TEXT,
  anonymous_id TEXT,
  event TEXT,
  message_id TEXT NOT NULL,
  original_timestamp TEXT,
  sent_at TEXT,
  received_at TEXT,
  plan_violations TEXT,
  plan_dropped TEXT,
  json_bytes INTEGER,
  json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_type ON events(type);
CREATE INDEX IF NOT EXISTS events_event ON events(event);
CREATE INDEX IF NOT EXISTS events_user_id ON events(bucket, user_id);
CREATE INDEX IF NOT EXISTS events_anonymous_id ON events(bucket, anonymous_id);
CREATE INDEX IF NOT EXISTS events_message_id ON events(bucket, message_id);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
-- One row per stored request: when (server clock) its events were committed. Answers since=<ISO date>
-- without an index on every event row.
CREATE TABLE IF NOT EXISTS batches (first_id INTEGER PRIMARY KEY, stored_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS batches_stored_at ON batches(stored_at);
`;

/** SQLite's `synchronous` pragma in WAL mode: `NORMAL` survives a process crash, `FULL` also power loss, `OFF` neither. */
export type Synchronous = 'OFF' | 'NORMAL' | 'FULL';

/**
 * The short values of each event, in the order of the flat array the main thread hands the writer
 * (cheaper to clone than objects), with the column each is stored in. The event JSON travels separately,
 * as UTF-8 in one transferred buffer; id, bucket and source are the writer's.
 */
export const EVENT_FIELDS = [
  ['type', 'type'],
  ['userId', 'user_id'],
  ['anonymousId', 'anonymous_id'],
  ['event', 'event'],
  ['messageId', 'message_id'],
  ['originalTimestamp', 'original_timestamp'],
  ['sentAt', 'sent_at'],
  ['receivedAt', 'received_at'],
  ['planViolations', 'plan_violations'],
  ['planDropped', 'plan_dropped'],
] as const satisfies ReadonlyArray<readonly [Exclude<keyof PreparedEvent, 'json'>, string]>;

export const FIELDS_PER_EVENT = EVENT_FIELDS.length;

/** Rows per multi-row INSERT statement: fewer statement executions per batch. */
export const ROWS_PER_STATEMENT = 50;

/**
 * Columns later versions added, with their types: a database created before them gets them on open. Rows
 * stored before have NULL there (no verdict; their size is measured when read).
 */
export const ADDED_COLUMNS: ReadonlyArray<[string, string]> = [
  ['plan_violations', 'TEXT'],
  ['plan_dropped', 'TEXT'],
  ['json_bytes', 'INTEGER'],
];

/** Adds the {@link ADDED_COLUMNS} a database opened from an older version lacks. */
export function migrate(db: SqlDatabase): void {
  const have = new Set((db.prepare('PRAGMA table_info(events)').all() as Array<{ name: string }>).map((c) => c.name));
  for (const [name, type] of ADDED_COLUMNS) if (!have.has(name)) db.exec(`ALTER TABLE events ADD COLUMN ${name} ${type}`);
}

/** The stored size of a row's JSON in bytes, also for rows stored before the size had its column. */
export const JSON_BYTES_SQL = 'coalesce(json_bytes, length(CAST(json AS BLOB)))';

/** The writer's INSERT of `rows` events: id, bucket, source, the {@link EVENT_FIELDS}, the JSON's size, then the JSON. */
export function insertSql(rows: number): string {
  const columns = ['id', 'bucket', 'source', ...EVENT_FIELDS.map(([, column]) => column), 'json_bytes', 'json'];
  // The JSON arrives as UTF-8 bytes; stored as TEXT so reads return strings.
  const row = `(${columns.map((c) => (c === 'json' ? 'CAST(? AS TEXT)' : '?')).join(', ')})`;
  return `INSERT INTO events (${columns.join(', ')}) VALUES ${Array(rows).fill(row).join(', ')}`;
}

/** SQLite page size of a new database. */
export const PAGE_BYTES = 16 * 1024;

export function applyPragmas(db: SqlDatabase, synchronous: Synchronous, cacheKiB: number): void {
  // 16 KiB pages (set before WAL fixes the size; an existing database keeps its own): a row of ~900 bytes
  // and its five index entries touch fewer pages. The writer's inserts alone took 12-13 instead of
  // 15-18 ms of CPU per 1000 rows, and the file is 9% smaller (BENCHMARKS.md, data plane section).
  db.exec(`PRAGMA page_size = ${PAGE_BYTES}`);
  db.exec('PRAGMA journal_mode = WAL');
  // NORMAL in WAL mode: a commit survives a crash of this process; FULL also survives power loss.
  db.exec(`PRAGMA synchronous = ${synchronous}`);
  db.exec('PRAGMA busy_timeout = 5000');
  // A fixed page-cache cap per connection is what keeps RSS flat however many rows we hold.
  db.exec(`PRAGMA cache_size = -${cacheKiB}`);
}
