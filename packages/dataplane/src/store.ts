import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PreparedEvent } from './ingest.js';
import type { EventQuery } from './query.js';

/** One stored event as the query API and {@link DataPlane.events} return it. */
export interface StoredEvent {
  /** Row id: increases with every stored event, the cursor for `since`/`before`. */
  id: number;
  /** Name of the source whose write key sent it (the key itself is never stored). */
  source: string;
  type: string | null;
  userId: string | null;
  anonymousId: string | null;
  /** `event` (track) or `name` (page, screen). */
  event: string | null;
  messageId: string;
  originalTimestamp: string | null;
  sentAt: string | null;
  receivedAt: string | null;
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

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
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
CREATE INDEX IF NOT EXISTS events_user_id ON events(user_id);
CREATE INDEX IF NOT EXISTS events_anonymous_id ON events(anonymous_id);
CREATE INDEX IF NOT EXISTS events_event ON events(event);
CREATE INDEX IF NOT EXISTS events_message_id ON events(message_id);
CREATE INDEX IF NOT EXISTS events_received_at ON events(received_at);
`;

export type Synchronous = 'OFF' | 'NORMAL' | 'FULL';

const FILTERS: Array<[keyof EventQuery, string]> = [
  ['type', 'type'],
  ['userId', 'user_id'],
  ['anonymousId', 'anonymous_id'],
  ['event', 'event'],
  ['messageId', 'message_id'],
  ['source', 'source'],
];

export function toStoredEvent(r: RawRow): StoredEvent {
  return {
    id: r.id,
    source: r.source,
    type: r.type,
    userId: r.user_id,
    anonymousId: r.anonymous_id,
    event: r.event,
    messageId: r.message_id,
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

/** SQLite event store (WAL). Every insert is one transaction, committed before the caller answers. */
export class EventStore {
  private readonly db: Database.Database;
  private readonly insertOne: Database.Statement;
  private readonly insertAll: (source: string, events: PreparedEvent[]) => number;

  constructor(readonly path: string, synchronous: Synchronous = 'NORMAL') {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a commit survives a crash of this process; FULL also survives power loss.
    this.db.pragma(`synchronous = ${synchronous}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.insertOne = this.db.prepare(
      `INSERT INTO events (source, type, user_id, anonymous_id, event, message_id, original_timestamp,
        sent_at, received_at, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertAll = this.db.transaction((source: string, events: PreparedEvent[]) => {
      let last = 0;
      for (const e of events) {
        last = Number(
          this.insertOne.run(source, e.type, e.userId, e.anonymousId, e.event, e.messageId,
            e.originalTimestamp, e.sentAt, e.receivedAt, e.json).lastInsertRowid,
        );
      }
      return last;
    });
  }

  /** Stores all events of one request atomically; returns the id of the first row (ids are consecutive). */
  insert(source: string, events: PreparedEvent[]): number {
    const last = this.insertAll(source, events);
    return last - events.length + 1;
  }

  query(q: EventQuery = {}): RawRow[] {
    const { where, params } = this.where(q);
    const order = q.order === 'asc' ? 'ASC' : 'DESC';
    const limit = q.limit ?? 100;
    return this.db
      .prepare(`SELECT * FROM events ${where} ORDER BY id ${order} LIMIT ?`)
      .all(...params, limit) as RawRow[];
  }

  count(q: EventQuery = {}): number {
    const { where, params } = this.where(q);
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM events ${where}`).get(...params) as { n: number }).n;
  }

  clear(): void {
    this.db.exec('DELETE FROM events');
  }

  journalMode(): string {
    return this.db.pragma('journal_mode', { simple: true }) as string;
  }

  healthy(): boolean {
    try {
      this.db.prepare('SELECT 1').get();
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private where(q: EventQuery): { where: string; params: unknown[] } {
    const clauses: string[] = [];
    const params: unknown[] = [];
    for (const [key, column] of FILTERS) {
      const v = q[key];
      if (typeof v === 'string' && v !== '') {
        clauses.push(`${column} = ?`);
        params.push(v);
      }
    }
    if (q.sinceId !== undefined) {
      clauses.push('id > ?');
      params.push(q.sinceId);
    }
    if (q.sinceTime !== undefined) {
      clauses.push('received_at >= ?');
      params.push(q.sinceTime);
    }
    if (q.before !== undefined) {
      clauses.push('id < ?');
      params.push(q.before);
    }
    return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
  }
}
