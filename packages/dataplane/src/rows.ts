// Row mapping: between the stored columns, the prepared events ingest produces and what the API returns.
import type { PreparedEvent } from './ingest.js';
import { EVENT_FIELDS } from './schema.js';

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

/** What a query selects, in {@link RawRow}'s shape: the same columns the writer fills. */
export const ROW_COLUMNS = ['id', 'source', ...EVENT_FIELDS.map(([, column]) => column), 'json'].join(', ');

/** The row a prepared event becomes once stored under `id` (what the live hub hands out before any read). */
export function preparedRow(source: string, id: number, e: PreparedEvent): RawRow {
  return {
    id,
    source,
    type: e.type,
    user_id: e.userId,
    anonymous_id: e.anonymousId,
    event: e.event,
    message_id: e.messageId,
    original_timestamp: e.originalTimestamp,
    sent_at: e.sentAt,
    received_at: e.receivedAt,
    json: e.json,
  };
}

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
