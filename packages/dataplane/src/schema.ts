import type Database from 'better-sqlite3';

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
 * Short values per event in the flat array the main thread hands the writer (cheaper to clone than
 * objects); the event JSON travels separately as UTF-8 in one transferred buffer.
 */
export const FIELDS_PER_EVENT = 8;

/** Rows per multi-row INSERT statement: fewer statement executions per batch. */
export const ROWS_PER_STATEMENT = 50;

export function applyPragmas(db: Database.Database, synchronous: Synchronous, cacheKiB: number): void {
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit survives a crash of this process; FULL also survives power loss.
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 5000');
  // A fixed page-cache cap per connection is what keeps RSS flat however many rows we hold.
  db.pragma(`cache_size = -${cacheKiB}`);
}
