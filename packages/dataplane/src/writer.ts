// The writer thread: owns the only write connection so inserts (the slowest part of ingest) run on their
// own core while the main thread keeps parsing and validating the next requests.
import { Buffer } from 'node:buffer';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, transaction, type SqlValue, type StorageEngine } from './engines.js';
import { applyPragmas, bucketOf, PAGE_BYTES, FIELDS_PER_EVENT, insertSql, migrate, ROWS_PER_STATEMENT, SCHEMA, type Synchronous } from './schema.js';

/** What the writer thread is started with. */
export interface WriterData {
  dbPath: string;
  synchronous: Synchronous;
  engine: StorageEngine;
}

export interface InsertRequest {
  op: 'insert';
  seq: number;
  source: string;
  /** FIELDS_PER_EVENT values per event, in the order of schema.ts's EVENT_FIELDS. */
  values: Array<string | null>;
  /** Every event's JSON as UTF-8, back to back; event i is json[offsets[i], offsets[i + 1]). */
  json: Uint8Array;
  offsets: Uint32Array;
  storedAt: string;
}

export type WriterRequest = InsertRequest | { op: 'clear'; seq: number } | { op: 'close'; seq: number };

export type WriterReply = {
  seq: number;
  firstId?: number;
  error?: string;
  /** An insert's JSON buffer, handed back (transferred) once stored so the main thread can fill it again. */
  spent?: ArrayBuffer;
};

const { dbPath, synchronous, engine } = workerData as WriterData;
mkdirSync(dirname(dbPath), { recursive: true });
const db = await openDatabase(engine, dbPath);
// Enough cache for the hot subtrees of every index (the newest bucket) and the table's right edge.
applyPragmas(db, synchronous, 32 * 1024);
// Fewer, larger checkpoints: pages dirtied by consecutive batches are copied back once.
// (in pages: ~16 MB of WAL between checkpoints whatever the page size)
db.exec(`PRAGMA wal_autocheckpoint = ${Math.round((16 * 1024 * 1024) / PAGE_BYTES)}`);
db.exec(SCHEMA);
migrate(db);

// Ids are ours (not SQLite's) so the bucket is known at insert time; `meta` keeps them increasing after clear().
const maxId = (db.prepare('SELECT max(id) AS m FROM events').get() as { m: number | null }).m ?? 0;
const saved = (db.prepare("SELECT value FROM meta WHERE key = 'next_id'").get() as { value: number } | undefined)?.value ?? 1;
let nextId = Math.max(maxId + 1, saved);

const insertMany = db.prepare(insertSql(ROWS_PER_STATEMENT));
const insertOne = db.prepare(insertSql(1));
const insertBatch = db.prepare('INSERT OR REPLACE INTO batches (first_id, stored_at) VALUES (?, ?)');
const saveNextId = db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('next_id', ?)");

function insertAll(m: InsertRequest): number {
  const v = m.values;
  // A Buffer view, not a copy: better-sqlite3 binds only Buffers as blobs.
  const json = Buffer.from(m.json.buffer, m.json.byteOffset, m.json.byteLength);
  const n = m.offsets.length - 1;
  const first = nextId;
  const params: SqlValue[] = [];
  const push = (i: number) => {
    const id = first + i;
    params.push(id, bucketOf(id), m.source);
    for (let f = i * FIELDS_PER_EVENT, end = f + FIELDS_PER_EVENT; f < end; f++) params.push(v[f]);
    params.push(m.offsets[i + 1] - m.offsets[i], json.subarray(m.offsets[i], m.offsets[i + 1]));
  };
  let i = 0;
  for (; i + ROWS_PER_STATEMENT <= n; i += ROWS_PER_STATEMENT) {
    params.length = 0;
    for (let j = i; j < i + ROWS_PER_STATEMENT; j++) push(j);
    insertMany.run(...params);
  }
  for (; i < n; i++) {
    params.length = 0;
    push(i);
    insertOne.run(...params);
  }
  insertBatch.run(first, m.storedAt);
  nextId = first + n;
  return first;
}

function clearAll(): void {
  saveNextId.run(nextId);
  db.exec('DELETE FROM events; DELETE FROM batches;');
}

parentPort!.on('message', (m: WriterRequest) => {
  const reply: WriterReply = { seq: m.seq };
  const transfer: ArrayBuffer[] = [];
  try {
    if (m.op === 'insert') {
      // SQLite copied the bytes when binding them, so the buffer is free to go back.
      reply.spent = m.json.buffer as ArrayBuffer;
      transfer.push(reply.spent);
      reply.firstId = transaction(db, () => insertAll(m));
    } else if (m.op === 'clear') transaction(db, clearAll);
    else if (m.op === 'close') {
      db.close();
      parentPort!.postMessage(reply);
      parentPort!.close();
      return;
    }
  } catch (err) {
    reply.error = (err as Error).message;
  }
  parentPort!.postMessage(reply, transfer);
});
parentPort!.postMessage({ seq: 0 });
