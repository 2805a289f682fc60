import { randomUUID } from 'node:crypto';
import { EVENT_TYPES, type EventType } from 'rudderanalytics/internal';
import { Messages, type Message } from './messages.js';
import { cleanId, sanitizeUnicode } from './sanitize.js';
import { rudderId } from './rudder-id.js';
import { arrayItems, editObject, memberText, minifyJson } from './json-text.js';

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
  /**
   * With a tracking plan: the violation types found, as `,Type,Type,` (`''` when none); null when no plan
   * checked the event. Kept beside the JSON so filters never have to read inside (deep) event text.
   */
  planViolations: string | null;
  /** With a tracking plan: the violation type the settings dropped the event for; else null. */
  planDropped: string | null;
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

/** The events a body holds (decoded, and as the raw text of each), read the way gjson reads `batch`. */
function itemsOf(root: unknown, text: string, reqType: RequestType): { items: unknown[]; texts: () => string[] } | Message {
  if (reqType !== 'batch') {
    // sjson cannot set `type` on a non-object root; a null root becomes an empty object.
    if (root === null) return { items: [{}], texts: () => ['{}'] };
    if (!isObject(root)) return Messages.notRudderEvent;
    return { items: [root], texts: () => [text] };
  }
  if (!isObject(root)) return { items: [], texts: () => [] };
  const batch = root.batch;
  if (batch === undefined || batch === null) return { items: [], texts: () => [] };
  // gjson's Array() wraps a non-array value as a one-element array; the server accepts it, so do we.
  const raw = () => memberText(text, 'batch')!;
  return Array.isArray(batch) ? { items: batch, texts: () => arrayItems(raw()) } : { items: [batch], texts: () => [raw()] };
}

/** The stored field that marks an event the plan's settings drop (tracking-plan.ts sets it). */
export const VERDICT_FIELD = 'trackingPlanVerdict';

/** The fields only this data plane writes: a client's value is dropped at ingest, so it can never pose as ours. */
const OWN_FIELDS: ReadonlySet<string> = new Set([VERDICT_FIELD]);

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
  // The stored text is the client's own (numbers keep every digit), minified and edited in place.
  const text = minifyJson(body);
  const found = itemsOf(root, text, reqType);
  if (typeof found === 'string') return { ok: false, message: found };
  const { items } = found;
  let texts: string[] | undefined;

  const out: PreparedEvent[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const e = items[i];
    if (!isObject(e)) return { ok: false, message: Messages.notRudderEvent };
    if (reqType !== 'batch') e.type = reqType;
    const anonymousId = cleanId(e.anonymousId);
    const userId = cleanId(e.userId);
    if (anonymousId === '' && userId === '') return { ok: false, message: Messages.nonIdentifiable };

    const set = new Map<string, string>();
    if (reqType !== 'batch') set.set('type', JSON.stringify(reqType));
    e.rudderId = rudderId(userId, anonymousId);
    set.set('rudderId', JSON.stringify(e.rudderId));
    if (!Object.hasOwn(e, 'receivedAt')) set.set('receivedAt', JSON.stringify((e.receivedAt = facts.receivedAt)));
    if (!Object.hasOwn(e, 'request_ip')) set.set('request_ip', JSON.stringify((e.request_ip = facts.ip)));
    const messageId = typeof e.messageId === 'string' ? sanitizeUnicode(e.messageId).trim() : '';
    e.messageId = messageId === '' ? randomUUID() : messageId;
    set.set('messageId', JSON.stringify(e.messageId));

    texts ??= found.texts();
    out[i] = {
      json: editObject(texts[i], set, OWN_FIELDS),
      type: str(e.type),
      userId: userId || null,
      anonymousId: anonymousId || null,
      event: str(e.event) ?? str(e.name),
      messageId: e.messageId as string,
      originalTimestamp: str(e.originalTimestamp),
      sentAt: str(e.sentAt),
      receivedAt: str(e.receivedAt),
      planViolations: null,
      planDropped: null,
    };
  }
  if (out.length === 0) return { ok: false, message: Messages.emptyBatch };
  return { ok: true, events: out };
}
