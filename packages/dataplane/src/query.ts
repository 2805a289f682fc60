/**
 * Filters shared by `GET /api/events`, `GET /api/events/stream` and the in-process reader.
 * Equality filters match the stored columns exactly (identifiers are the cleaned ones).
 */
import type { ViolationType } from '@rudderanalytics/tracking-plan';

/** What a read of stored events asks for: the query parameters of `/api/events`, parsed. */
export interface EventFilter {
  /** The event type (`track`, `identify`, …). */
  type?: string;
  /** The cleaned `userId`. */
  userId?: string;
  /** The cleaned `anonymousId`. */
  anonymousId?: string;
  /** The track event name, or the page/screen name. */
  event?: string;
  /** The event's `messageId`. */
  messageId?: string;
  /** Source name (from the config file; `dev` for the dev key). */
  source?: string;
  /** With a tracking plan: `any` (events with violations), `dropped`, or a violation type (`Required-Missing`, …). */
  violation?: string;
  /**
   * A row id (number or digits-only string): only rows with a greater id, i.e. stored after it.
   * Anything else is read as a date: only events this data plane stored at or after that instant
   * (its own clock, not the events' timestamps, which clients may set).
   */
  since?: number | string | Date;
  /** A row id: only rows with a smaller id (to page back through older events). */
  before?: number;
  /** At most this many rows: an integer of at least 1 (default 100; over HTTP at most {@link MAX_API_LIMIT}). */
  limit?: number;
  /**
   * `desc` (newest first) or `asc`. Default `desc`, except with `since`, which pages forward: the
   * oldest rows after it first, so the last row's id is the next page's `since`.
   */
  order?: 'asc' | 'desc';
}

/** The normalized form the store runs: the same filters, with `since` resolved to a row id or a time. */
export interface EventQuery extends Omit<EventFilter, 'since'> {
  sinceId?: number;
  sinceTime?: string;
}

/** The most rows one `GET /api/events` returns (`rudder events --limit` has the same bound). */
export const MAX_API_LIMIT = 10_000;

/**
 * The most event JSON one answer carries: a `GET /api/events` page, and each step of a stream's replay.
 * A page stops before the row that would pass it (its first row always comes whole, whatever its size: at
 * most the request cap plus the plan's annotation) and says where to continue (`hasMore`, `next`).
 */
export const PAGE_BUDGET_BYTES = 8 * 1024 * 1024;

export class QueryError extends Error {}

/** The violation types a stored event can carry, as the tracking-plan package names them. */
const VIOLATION_TYPES = [
  'Required-Missing',
  'Datatype-Mismatch',
  'Additional-Properties',
  'Advance-Rules-Violation',
  'Unknown-Violation',
  'Unplanned-Event',
] as const satisfies readonly ViolationType[];
// Fails to compile when the package gains a violation type this list lacks.
const everyViolationType: Exclude<ViolationType, (typeof VIOLATION_TYPES)[number]> extends never ? true : never = true;
void everyViolationType;
const VIOLATION_FILTERS: readonly string[] = ['any', 'dropped', ...VIOLATION_TYPES];

/** A `violation` filter no event could match is refused (exact case, as stored), naming what is allowed. */
function violationOf(v: string): string {
  if (VIOLATION_FILTERS.includes(v)) return v;
  const near = VIOLATION_FILTERS.find((known) => known.toLowerCase() === v.toLowerCase());
  throw new QueryError(`violation must be one of ${VIOLATION_FILTERS.join(', ')}${near ? ` (did you mean ${near}?)` : ''}`);
}

function intOf(name: string, v: number | string): number {
  const n = typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new QueryError(`${name} must be a non-negative integer`);
  return n;
}

/** A limit out of range is refused, not bent: a silent cap or a `0` read as `1` would answer another question. */
function limitOf(v: number | string, max: number): number {
  const n = typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new QueryError(max === Number.MAX_SAFE_INTEGER ? 'limit must be an integer of at least 1' : `limit must be an integer from 1 to ${max}`);
  }
  return n;
}

export function normalizeFilter(f: EventFilter = {}, maxLimit = Number.MAX_SAFE_INTEGER): EventQuery {
  const q: EventQuery = {
    type: f.type,
    userId: f.userId,
    anonymousId: f.anonymousId,
    event: f.event,
    messageId: f.messageId,
    source: f.source,
    violation: f.violation ? violationOf(f.violation) : f.violation,
  };
  if (f.since !== undefined && f.since !== '') {
    if (typeof f.since === 'number' || /^\d+$/.test(String(f.since))) {
      q.sinceId = intOf('since', f.since as number | string);
    } else {
      const d = f.since instanceof Date ? f.since : new Date(f.since);
      if (Number.isNaN(d.getTime())) throw new QueryError('since must be a row id or an ISO 8601 date');
      q.sinceTime = d.toISOString();
    }
  }
  if (f.before !== undefined) q.before = intOf('before', f.before);
  if (f.limit !== undefined) q.limit = limitOf(f.limit, maxLimit);
  if (f.order !== undefined) {
    if (f.order !== 'asc' && f.order !== 'desc') throw new QueryError('order must be asc or desc');
    q.order = f.order;
  } else if (q.sinceId !== undefined || q.sinceTime !== undefined) {
    q.order = 'asc';
  }
  return q;
}

/** Reads the filters from a query string; throws {@link QueryError} on a malformed value. */
export function parseQuery(params: URLSearchParams): EventQuery {
  const get = (k: string) => params.get(k) ?? undefined;
  const limit = get('limit');
  const before = get('before');
  return normalizeFilter(
    {
      type: get('type'),
      userId: get('userId'),
      anonymousId: get('anonymousId'),
      event: get('event'),
      messageId: get('messageId'),
      source: get('source'),
      violation: get('violation'),
      since: get('since'),
      before: before === undefined ? undefined : (before as unknown as number),
      limit: limit === undefined ? undefined : (limit as unknown as number),
      order: get('order') as EventQuery['order'],
    },
    MAX_API_LIMIT,
  );
}

/** The columns a live event is matched on, without reading the database. */
export interface Matchable {
  source: string;
  type: string | null;
  userId: string | null;
  anonymousId: string | null;
  event: string | null;
  messageId: string;
}

export function matches(q: EventQuery, e: Matchable): boolean {
  return (
    (!q.type || q.type === e.type) &&
    (!q.userId || q.userId === e.userId) &&
    (!q.anonymousId || q.anonymousId === e.anonymousId) &&
    (!q.event || q.event === e.event) &&
    (!q.messageId || q.messageId === e.messageId) &&
    (!q.source || q.source === e.source)
  );
}
