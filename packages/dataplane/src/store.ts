import { defaultEngine, openDatabase, type SqlDatabase, type SqlValue, type StorageEngine } from './engines.js';
import type { PreparedEvent } from './ingest.js';
import type { EventQuery } from './query.js';
import { ROW_COLUMNS, type RawRow } from './rows.js';
import { applyPragmas, bucketOf, JSON_BYTES_SQL, type Synchronous } from './schema.js';
import { WriterClient } from './writer-client.js';
import { violationClause } from './tracking-plan.js';

export type { Synchronous } from './schema.js';

/** One page of a budgeted read: `next` (when `hasMore`) holds the cursor parameter that continues it. */
export interface EventPage {
  rows: RawRow[];
  hasMore: boolean;
  next?: { since: number } | { before: number };
}

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

/**
 * SQLite event store (WAL). Inserts go to a writer thread and resolve once committed; reads use this
 * thread's own connection, which WAL lets run alongside the writer.
 */
export class EventStore {
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly writer: WriterClient,
    private readonly db: SqlDatabase,
  ) {}

  /** The SQLite implementation in use. */
  get engine(): StorageEngine {
    return this.db.engine;
  }

  /** Opens (creating if needed) the store; `engine` defaults to the runtime's built-in SQLite. */
  static async open(path: string, synchronous: Synchronous = 'NORMAL', engine?: StorageEngine): Promise<EventStore> {
    const chosen = engine ?? (await defaultEngine());
    // The writer creates the file and schema; wait for it before opening the reading connection.
    const writer = await WriterClient.start({ dbPath: path, synchronous, engine: chosen });
    let db: SqlDatabase;
    try {
      db = await openDatabase(chosen, path);
      // Reads are occasional (queries, the live page): a small cache is plenty.
      applyPragmas(db, synchronous, 8 * 1024);
    } catch (err) {
      await writer.close();
      throw err;
    }
    return new EventStore(path, writer, db);
  }

  /** Stores all events of one request in one transaction; resolves with the first row id once committed. */
  insert(source: string, events: PreparedEvent[]): Promise<number> {
    return this.writer.insert(source, events);
  }

  clear(): Promise<void> {
    return this.writer.clear();
  }

  query(q: EventQuery = {}): RawRow[] {
    return this.select(q, ROW_COLUMNS, q.limit ?? 100) as RawRow[];
  }

  /**
   * Like {@link query}, but the rows' JSON stops at `budgetBytes` (the first row always comes, whatever its
   * size): the sizes are read first from their own column, so rows past the budget are never loaded.
   * `next` is the cursor that continues: `since` when paging forward (`asc`), else `before`.
   */
  queryPage(q: EventQuery, budgetBytes: number): EventPage {
    const limit = q.limit ?? 100;
    const desc = q.order !== 'asc';
    const sizes = this.select(q, `id, ${JSON_BYTES_SQL} AS bytes`, limit + 1) as Array<{ id: number; bytes: number }>;
    let take = 0;
    let bytes = 0;
    while (take < Math.min(limit, sizes.length) && (take === 0 || bytes + sizes[take].bytes <= budgetBytes)) bytes += sizes[take++].bytes;
    if (take === 0) return { rows: [], hasMore: false };
    // Pinned to the ids just measured: rows stored in between must not take their places.
    const [a, b] = [sizes[0].id, sizes[take - 1].id];
    const pinned = { ...q, before: Math.max(a, b) + 1, sinceId: Math.min(a, b) - 1, sinceTime: undefined };
    const rows = this.select(pinned, ROW_COLUMNS, take) as RawRow[];
    if (rows.length === 0) return { rows: [], hasMore: false };
    const hasMore = sizes.length > take;
    const last = rows.at(-1)!.id;
    return hasMore ? { rows, hasMore, next: desc ? { before: last } : { since: last } } : { rows, hasMore };
  }

  /** `columns` of the rows `q` matches, in its order, at most `limit`. */
  private select(q: EventQuery, columns: string, limit: number): unknown[] {
    const desc = q.order !== 'asc';
    const keyed = BUCKETED_FILTERS.find(([k]) => typeof q[k] === 'string' && q[k] !== '');
    if (!keyed) {
      const { where, params } = this.where(q);
      return this.db.prepare(`SELECT ${columns} FROM events ${where} ORDER BY id ${desc ? 'DESC' : 'ASC'} LIMIT ?`).all(...params, limit);
    }
    // One index seek per bucket, newest bucket first (or oldest for asc), until the limit is reached.
    const { where, params } = this.where(q, true);
    const stmt = this.db.prepare(`SELECT ${columns} FROM events ${where} ORDER BY id ${desc ? 'DESC' : 'ASC'} LIMIT ?`);
    const out: unknown[] = [];
    for (const b of this.buckets(q, desc)) {
      if (out.length >= limit) break;
      for (const r of stmt.all(b, ...params, limit - out.length)) out.push(r);
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

  healthy(): boolean {
    if (!this.writer.running) return false;
    try {
      this.db.prepare('SELECT 1').get();
      return true;
    } catch {
      return false;
    }
  }

  /** Closes the writer, then the reading connection. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writer.close();
    this.db.close();
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

  private where(q: EventQuery, bucketed = false): { where: string; params: SqlValue[] } {
    const clauses: string[] = bucketed ? ['bucket = ?'] : [];
    const params: SqlValue[] = [];
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
