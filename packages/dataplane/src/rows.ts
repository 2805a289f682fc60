// Row mapping: between the stored columns, the prepared events ingest produces and what the API returns.
import type { PreparedEvent } from './ingest.js';
import { EVENT_FIELDS } from './schema.js';

/** What this data plane's tracking plan found (null when no plan checked the event). */
export interface PlanVerdict {
  /** The violation types found, in order; empty when the event follows the plan. */
  violations: string[];
  /** The violation type the settings dropped the event for, or null when it was kept. */
  dropped: string | null;
}

/** A stored row: the prepared event's columns (not its text), its row id and source, and the parsed payload. */
export interface StoredEvent extends Omit<PreparedEvent, 'json' | 'planViolations' | 'planDropped'> {
  /** Row id: increases with every stored event (also across clear() and restarts); the `since`/`before` cursor. */
  id: number;
  /** Name of the source whose write key sent it (the key itself is never stored). */
  source: string;
  /** The full event as stored, after the server's enrichment. */
  payload: Record<string, unknown>;
  /**
   * The tracking plan's verdict, from the data plane's own columns: never from fields inside the event,
   * which a client could have sent. Null when no plan checked the event.
   */
  plan: PlanVerdict | null;
}

/** The verdict columns as the API shows them. */
export function planOf(r: Pick<RawRow, 'plan_violations' | 'plan_dropped'>): PlanVerdict | null {
  if (r.plan_violations === null) return null;
  return { violations: r.plan_violations.split(',').filter((t) => t !== ''), dropped: r.plan_dropped };
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
  plan_violations: string | null;
  plan_dropped: string | null;
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
    plan_violations: e.planViolations,
    plan_dropped: e.planDropped,
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
    plan: planOf(r),
  };
}

/** The JSON text of a row, built around the stored event text instead of re-serializing it. */
export function rowJson(r: RawRow): string {
  return (
    `{"id":${r.id},"source":${JSON.stringify(r.source)},"type":${JSON.stringify(r.type)},` +
    `"userId":${JSON.stringify(r.user_id)},"anonymousId":${JSON.stringify(r.anonymous_id)},` +
    `"event":${JSON.stringify(r.event)},"messageId":${JSON.stringify(r.message_id)},` +
    `"originalTimestamp":${JSON.stringify(r.original_timestamp)},"sentAt":${JSON.stringify(r.sent_at)},` +
    `"receivedAt":${JSON.stringify(r.received_at)},"plan":${JSON.stringify(planOf(r))},"payload":${r.json}}`
  );
}
