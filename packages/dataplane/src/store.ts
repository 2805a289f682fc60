import Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import type { PreparedEvent } from './ingest.js';
import type { EventQuery } from './query.js';
import { applyPragmas, bucketOf, FIELDS_PER_EVENT, type Synchronous } from './schema.js';
import type { WriterReply, WriterRequest } from './writer.js';
import { violationClause } from './tracking-plan.js';

export type { Synchronous } from './schema.js';

type WithoutSeq<T> = T extends unknown ? Omit<T, 'seq'> : never;

/** One stored event as the query API and {@link DataPlane.events} return it. */
/** A stored row: the prepared event's columns (not its text), its row id and source, and the parsed payload. */
export interface StoredEvent extends Omit<PreparedEvent, 'json'> {
  /** Row id: increases with every stored event (also across clear() and restarts); the `since`/`before` cursor. */
  id: number;
  /** Name of the source whose write key sent it (the key itself is never stored). */
  source: string;
  /** The full event as stored, after the server's enrichment. */
  payload: Record<string, unknown>;
}

/** A row before its JSON is parsed, so HTTP answers can splice the stored text as is. */
export interface RawRow {
  id: number;
  source: string;
  type: string | null;
  user_id: string | null;
  anonymous_id: string | null;
  event: string | null;
  message_id: string;
  original_timestamp: string | null;
  sent_at: string | null;
  received_at: string | null;
  json: string;
}

const COLUMNS = 'id, source, type, user_id, anonymous_id, event, message_id, original_timestamp, sent_at, received_at, json';
const PLAIN_FILTERS: Array<[keyof EventQuery, string]> = [
  ['type', 'type'],
  ['event', 'event'],
  ['source', 'source'],
];
/** Filters backed by bucket-leading indexes, most selective first. */
const BUCKETED_FILTERS: Array<[keyof EventQuery, string]> = [
  ['messageId', 'message_id'],
  ['userId', 'user_id'],
  ['anonymousId', 'anonymous_id'],
];

/** The filterable columns of a row, under their API names (what `matches()` judges). */
export function rowColumns(r: RawRow) {
  return {
    source: r.source,
    type: r.type,
    userId: r.user_id,
    anonymousId: r.anonymous_id,
    event: r.event,
    messageId: r.message_id,
  };
}

export function toStoredEvent(r: RawRow): StoredEvent {
  return {
    id: r.id,
    ...rowColumns(r),
    originalTimestamp: r.original_timestamp,
    sentAt: r.sent_at,
    receivedAt: r.received_at,
    payload: JSON.parse(r.json),
  };
}

/** The JSON text of a row, built around the stored event text instead of re-serializing it. */
export function rowJson(r: RawRow): string {
  return (
    `{"id":${r.id},"source":${JSON.stringify(r.source)},"type":${JSON.stringify(r.type)},` +
    `"userId":${JSON.stringify(r.user_id)},"anonymousId":${JSON.stringify(r.anonymous_id)},` +
    `"event":${JSON.stringify(r.event)},"messageId":${JSON.stringify(r.message_id)},` +
    `"originalTimestamp":${JSON.stringify(r.original_timestamp)},"sentAt":${JSON.stringify(r.sent_at)},` +
    `"receivedAt":${JSON.stringify(r.received_at)},"payload":${r.json}}`
  );
}

function startWriter(workerData: { dbPath: string; synchronous: Synchronous }): Worker {
  if (import.meta.url.endsWith('.ts')) {
    // Running from source under tsx (the tests): workers do not inherit its loader, so register it first.
    const entry = JSON.stringify(new URL('./writer.ts', import.meta.url).href);
    const boot = `import('tsx/esm/api').then((api) => { api.register(); return import(${entry}); })`;
    return new Worker(boot, { eval: true, workerData });
  }
  return new Worker(new URL('./writer.js', import.meta.url), { workerData });
}

/**
 * SQLite event store (WAL). Inserts go to a writer thread and resolve once committed; reads use this
 * thread's own connection, which WAL lets run alongside the writer.
 */
export class EventStore {
  private seq = 0;
  private readonly pending = new Map<number, { resolve(r: WriterReply): void; reject(e: Error): void }>();
  private failure: Error | undefined;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly worker: Worker,
    private readonly db: Database.Database,
  ) {
    worker.on('message', (r: WriterReply) => {
      const p = this.pending.get(r.seq);
      this.pending.delete(r.seq);
      p?.resolve(r);
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', () => fail(new Error('the database writer stopped')));
  }

  static async open(path: string, synchronous: Synchronous = 'NORMAL'): Promise<EventStore> {
    const worker = startWriter({ dbPath: path, synchronous });
    // The writer creates the file and schema; wait for it before opening the reading connection.
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      worker.once('error', onError);
      worker.once('exit', (code) => reject(new Error(`the database writer exited (${code})`)));
      worker.once('message', () => {
        worker.off('error', onError);
        worker.removeAllListeners('exit');
        resolve();
      });
    });
    const db = new Database(path);
    // Reads are occasional (queries, the live page): a small cache is plenty.
    applyPragmas(db, synchronous, 8 * 1024);
    return new EventStore(path, worker, db);
  }

  private call(req: WithoutSeq<WriterRequest>, transfer: ArrayBuffer[] = []): Promise<WriterReply> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('the event store is closed'));
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.worker.postMessage({ ...req, seq } as WriterRequest, transfer);
    }).then((r) => {
      const reply = r as WriterReply;
      if (reply.error) throw new Error(reply.error);
      return reply;
    });
  }

  /** Stores all events of one request in one transaction; resolves with the first row id once committed. */
  async insert(source: string, events: PreparedEvent[]): Promise<number> {
    const values: Array<string | null> = new Array(events.length * FIELDS_PER_EVENT);
    let bytes = 0;
    for (const e of events) bytes += Buffer.byteLength(e.json);
    // A buffer of our own (not from the shared pool) so it can be transferred to the writer, not copied.
    const json = Buffer.allocUnsafeSlow(bytes);
    const offsets = new Uint32Array(events.length + 1);
    let i = 0;
    let off = 0;
    events.forEach((e, n) => {
      values[i++] = e.type;
      values[i++] = e.userId;
      values[i++] = e.anonymousId;
      values[i++] = e.event;
      values[i++] = e.messageId;
      values[i++] = e.originalTimestamp;
      values[i++] = e.sentAt;
      values[i++] = e.receivedAt;
      offsets[n] = off;
      off += json.write(e.json, off);
    });
    offsets[events.length] = off;
    const req = { op: 'insert' as const, source, values, json, offsets, storedAt: new Date().toISOString() };
    return (await this.call(req, [json.buffer as ArrayBuffer, offsets.buffer])).firstId!;
  }

  async clear(): Promise<void> {
    await this.call({ op: 'clear' });
  }

  query(q: EventQuery = {}): RawRow[] {
    const limit = q.limit ?? 100;
    const desc = q.order !== 'asc';
    const keyed = BUCKETED_FILTERS.find(([k]) => typeof q[k] === 'string' && q[k] !== '');
    if (!keyed) {
      const { where, params } = this.where(q);
      return this.db
        .prepare(`SELECT ${COLUMNS} FROM events ${where} ORDER BY id ${desc ? 'DESC' : 'ASC'} LIMIT ?`)
        .all(...params, limit) as RawRow[];
    }
    // One index seek per bucket, newest bucket first (or oldest for asc), until the limit is reached.
    const { where, params } = this.where(q, true);
    const stmt = this.db.prepare(
      `SELECT ${COLUMNS} FROM events ${where} ORDER BY id ${desc ? 'DESC' : 'ASC'} LIMIT ?`,
    );
    const out: RawRow[] = [];
    for (const b of this.buckets(q, desc)) {
      if (out.length >= limit) break;
      for (const r of stmt.all(b, ...params, limit - out.length) as RawRow[]) out.push(r);
    }
    return out;
  }

  count(q: EventQuery = {}): number {
    const keyed = BUCKETED_FILTERS.some(([k]) => typeof q[k] === 'string' && q[k] !== '');
    if (!keyed) {
      const { where, params } = this.where(q);
      return (this.db.prepare(`SELECT COUNT(*) AS n FROM events ${where}`).get(...params) as { n: number }).n;
    }
    const { where, params } = this.where(q, true);
    const stmt = this.db.prepare(`SELECT COUNT(*) AS n FROM events ${where}`);
    let n = 0;
    for (const b of this.buckets(q, true)) n += (stmt.get(b, ...params) as { n: number }).n;
    return n;
  }

  journalMode(): string {
    return this.db.pragma('journal_mode', { simple: true }) as string;
  }

  healthy(): boolean {
    if (this.failure || this.closed) return false;
    try {
      this.db.prepare('SELECT 1').get();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (!this.failure) await this.call({ op: 'close' }).catch(() => undefined);
    this.closed = true;
    await this.worker.terminate();
    if (this.db.open) this.db.close();
  }

  private buckets(q: EventQuery, desc: boolean): number[] {
    // Two statements: SQLite answers a lone min() or max() of the rowid from the B-tree edge.
    const first = this.db.prepare('SELECT min(id) AS v FROM events').get() as { v: number | null };
    const last = this.db.prepare('SELECT max(id) AS v FROM events').get() as { v: number | null };
    if (first.v === null || last.v === null) return [];
    let lo = bucketOf(first.v);
    let hi = bucketOf(last.v);
    if (q.sinceId !== undefined) lo = Math.max(lo, bucketOf(q.sinceId));
    if (q.before !== undefined) hi = Math.min(hi, bucketOf(q.before));
    const out: number[] = [];
    for (let b = lo; b <= hi; b++) out.push(b);
    return desc ? out.reverse() : out;
  }

  private where(q: EventQuery, bucketed = false): { where: string; params: unknown[] } {
    const clauses: string[] = bucketed ? ['bucket = ?'] : [];
    const params: unknown[] = [];
    for (const [key, column] of [...BUCKETED_FILTERS, ...PLAIN_FILTERS]) {
      const v = q[key];
      if (typeof v === 'string' && v !== '') {
        clauses.push(`${column} = ?`);
        params.push(v);
      }
    }
    if (q.violation) {
      const c = violationClause(q.violation);
      clauses.push(c.sql);
      params.push(...c.params);
    }
    if (q.sinceId !== undefined) {
      clauses.push('id > ?');
      params.push(q.sinceId);
    }
    if (q.sinceTime !== undefined) {
      // Requests are committed in id order, so the first one stored at or after the time marks the id.
      clauses.push('id >= coalesce((SELECT min(first_id) FROM batches WHERE stored_at >= ?), 9e18)');
      params.push(q.sinceTime);
    }
    if (q.before !== undefined) {
      clauses.push('id < ?');
      params.push(q.before);
    }
    return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
  }
}
