// The writer thread: owns the only write connection so inserts (the slowest part of ingest) run on their
// own core while the main thread keeps parsing and validating the next requests.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { applyPragmas, bucketOf, FIELDS_PER_EVENT, SCHEMA, type Synchronous } from './schema.js';

export type WriterRequest =
  | { op: 'insert'; seq: number; source: string; values: Array<string | null> }
  | { op: 'clear'; seq: number }
  | { op: 'close'; seq: number };

export type WriterReply = { seq: number; firstId?: number; error?: string };

const { dbPath, synchronous } = workerData as { dbPath: string; synchronous: Synchronous };
mkdirSync(dirname(dbPath), { recursive: true });
const db = new Database(dbPath);
applyPragmas(db, synchronous);
// Fewer, larger checkpoints: pages dirtied by consecutive batches are copied back once.
db.pragma('wal_autocheckpoint = 4000');
db.exec(SCHEMA);

// Ids are ours (not SQLite's) so the bucket is known at insert time; `meta` keeps them increasing after clear().
const maxId = (db.prepare('SELECT max(id) AS m FROM events').get() as { m: number | null }).m ?? 0;
const saved = (db.prepare("SELECT value FROM meta WHERE key = 'next_id'").get() as { value: number } | undefined)?.value ?? 1;
let nextId = Math.max(maxId + 1, saved);

const insertRow = db.prepare(
  `INSERT INTO events (id, bucket, source, type, user_id, anonymous_id, event, message_id, original_timestamp,
    sent_at, received_at, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const insertAll = db.transaction((source: string, v: Array<string | null>) => {
  const first = nextId;
  let id = nextId;
  for (let i = 0; i < v.length; i += FIELDS_PER_EVENT, id++) {
    insertRow.run(id, bucketOf(id), source, v[i], v[i + 1], v[i + 2], v[i + 3], v[i + 4], v[i + 5], v[i + 6], v[i + 7], v[i + 8]);
  }
  nextId = id;
  return first;
});
const clearAll = db.transaction(() => {
  db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('next_id', ?)").run(nextId);
  db.exec('DELETE FROM events');
});

parentPort!.on('message', (m: WriterRequest) => {
  const reply: WriterReply = { seq: m.seq };
  try {
    if (m.op === 'insert') reply.firstId = insertAll(m.source, m.values);
    else if (m.op === 'clear') clearAll();
    else if (m.op === 'close') {
      db.close();
      parentPort!.postMessage(reply);
      parentPort!.close();
      return;
    }
  } catch (err) {
    reply.error = (err as Error).message;
  }
  parentPort!.postMessage(reply);
});
parentPort!.postMessage({ seq: 0 });
