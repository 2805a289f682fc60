import { randomUUID } from 'node:crypto';
import { EVENT_TYPES, type EventType } from 'rudderanalytics/internal';
import { Messages, type Message } from './messages.js';
import { cleanId, sanitizeUnicode } from './sanitize.js';
import { rudderId } from './rudder-id.js';
import { stringifyJson } from './serialize.js';

/** The request types of the single-event endpoints; each overwrites the event's `type`. */
export const SINGLE_TYPES = EVENT_TYPES;
export type RequestType = EventType | 'batch';

/** One accepted, enriched event ready to store. */
export interface PreparedEvent {
  /** The enriched event, serialized once; this exact text is stored and streamed. */
  json: string;
  /** The event type (`track`, `identify`, …); null when not a string. */
  type: string | null;
  /** Cleaned identifiers (the ones rudderId is computed from); null when blank. */
  userId: string | null;
  /** The cleaned `anonymousId`; null when blank. */
  anonymousId: string | null;
  /** `event` for track, else `name` (page, screen). */
  event: string | null;
  /** The event's `messageId`, trimmed; a random UUID when it had none. */
  messageId: string;
  /** The event's `originalTimestamp` as sent; null when not a string. */
  originalTimestamp: string | null;
  /** The event's `sentAt` as sent; null when not a string. */
  sentAt: string | null;
  /** The event's own `receivedAt`, else when the data plane received it; null when not a string. */
  receivedAt: string | null;
}

export type IngestResult = { ok: true; events: PreparedEvent[] } | { ok: false; message: Message };

export interface RequestFacts {
  /** The gateway's request IP: the first X-Forwarded-For entry, else the peer address. */
  ip: string;
  /** One ISO 8601 UTC timestamp with milliseconds for the whole request. */
  receivedAt: string;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The events a body holds, read the way gjson reads `batch`. */
function itemsOf(root: unknown, reqType: RequestType): unknown[] | Message {
  if (reqType !== 'batch') {
    // sjson cannot set `type` on a non-object root; a null root becomes an empty object.
    if (root === null) return [{}];
    if (!isObject(root)) return Messages.notRudderEvent;
    return [root];
  }
  if (!isObject(root)) return [];
  const batch = root.batch;
  if (batch === undefined || batch === null) return [];
  // gjson's Array() wraps a non-array value as a one-element array; the server accepts it, so do we.
  return Array.isArray(batch) ? batch : [batch];
}

/**
 * Validates and enriches one request body exactly in the gateway's order (getJobDataFromRequest):
 * JSON, root shape, each event's shape and identifiers, then the empty-batch check. One bad event
 * fails the whole request and nothing is returned to store.
 */
export function ingest(body: string, reqType: RequestType, facts: RequestFacts): IngestResult {
  let root: unknown;
  try {
    if (body.length === 0) return { ok: false, message: Messages.invalidJson };
    root = JSON.parse(body);
  } catch {
    return { ok: false, message: Messages.invalidJson };
  }
  const items = itemsOf(root, reqType);
  if (typeof items === 'string') return { ok: false, message: items };

  const out: PreparedEvent[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const e = items[i];
    if (!isObject(e)) return { ok: false, message: Messages.notRudderEvent };
    if (reqType !== 'batch') e.type = reqType;
    const anonymousId = cleanId(e.anonymousId);
    const userId = cleanId(e.userId);
    if (anonymousId === '' && userId === '') return { ok: false, message: Messages.nonIdentifiable };

    e.rudderId = rudderId(userId, anonymousId);
    if (!('receivedAt' in e)) e.receivedAt = facts.receivedAt;
    if (!('request_ip' in e)) e.request_ip = facts.ip;
    const messageId = typeof e.messageId === 'string' ? sanitizeUnicode(e.messageId).trim() : '';
    e.messageId = messageId === '' ? randomUUID() : messageId;

    out[i] = {
      json: stringifyJson(e),
      type: str(e.type),
      userId: userId || null,
      anonymousId: anonymousId || null,
      event: str(e.event) ?? str(e.name),
      messageId: e.messageId as string,
      originalTimestamp: str(e.originalTimestamp),
      sentAt: str(e.sentAt),
      receivedAt: str(e.receivedAt),
    };
  }
  if (out.length === 0) return { ok: false, message: Messages.emptyBatch };
  return { ok: true, events: out };
}
