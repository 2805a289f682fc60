/** `rudder events`: what a local data plane stored, from its query API; `--follow` streams new ones. */
import { setTimeout as sleep } from 'node:timers/promises';
import { int, parse, str, type Values } from '../args.js';
import { READ_TOKEN_HINT, readHeaders, resolveDataPlaneUrl, resolveReadToken } from '../config.js';
import { CALL_TYPES } from './call.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from '../errors.js';
import { readSse } from '../events/sse.js';
import { escapeForTerminal, header, row, type EventRow } from '../events/table.js';
import { arrayItems, memberText } from '@rudderanalytics/dataplane/json-text';
import { EVENTS_HELP } from '../help.js';
import { drained, stderr, stdout } from '../output.js';

const OPTIONS = {
  type: { type: 'string' },
  'user-id': { type: 'string' },
  'anonymous-id': { type: 'string' },
  event: { type: 'string' },
  'message-id': { type: 'string' },
  since: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  follow: { type: 'boolean', short: 'f' },
  'data-plane-url': { type: 'string' },
  'read-token': { type: 'string' },
} as const;

const FILTERS: Array<[flag: string, param: string]> = [
  ['type', 'type'],
  ['user-id', 'userId'],
  ['anonymous-id', 'anonymousId'],
  ['event', 'event'],
  ['message-id', 'messageId'],
];

class Unreachable extends Error {}

export async function runEvents(argv: string[]): Promise<number> {
  const { values } = parse('events', argv, OPTIONS);
  if (values.help) {
    stdout.write(EVENTS_HELP);
    return EXIT_OK;
  }
  const type = str(values, 'type');
  if (type !== undefined && !(CALL_TYPES as readonly string[]).includes(type))
    throw new UsageError(`--type must be one of ${CALL_TYPES.join(', ')}`, 'events');
  // The data plane's bound (MAX_API_LIMIT): the same rule, refused the same way, on both sides.
  const limit = int(values, 'limit', 1, 10_000) ?? 20;
  const base = resolveDataPlaneUrl(values).replace(/\/+$/, '');
  try {
    new URL(base);
  } catch {
    throw new UsageError(`--data-plane-url is not a valid URL`, 'events');
  }
  const filters = filterParams(values);
  const headers = readHeaders(resolveReadToken(values));
  const json = values.json === true;
  // --json prints each event's text as the data plane sent it (never decoded and encoded again: any depth,
  // every digit), with the characters a terminal would act on written as JSON escapes.
  const print = (e: Listed) => stdout.write(json ? `${escapeForTerminal(e.text)}\n` : `${row(e.row)}\n`);

  // With --follow, Ctrl-C is the normal way out: handled from the start, even during the listing.
  const abort = new AbortController();
  const stop = () => abort.abort();
  if (values.follow) {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  let events: Listed[];
  let hasMore: boolean;
  try {
    ({ events, hasMore } = await list(base, headers, filters, limit, abort.signal));
  } catch (error) {
    if (abort.signal.aborted) return EXIT_OK;
    return failed(error, base);
  }
  const since = str(values, 'since');
  // A log reads oldest first, and --follow appends below. With --since the API pages forward (the
  // oldest rows after it, oldest first); without, it answers the newest rows, newest first.
  const oldestFirst = since !== undefined ? events : [...events].reverse();
  if (!json && (events.length > 0 || values.follow)) stdout.write(`${header()}\n`);
  for (const e of oldestFirst) print(e);
  const newest = oldestFirst.at(-1);
  if (events.length === 0 && !values.follow) stderr.write('no events stored yet\n');
  else if (hasMore && !values.follow) {
    stderr.write(
      since !== undefined
        ? `more may follow: rudder events --since ${newest!.row.id} …\n`
        : `the newest ${limit}; to read from the oldest: rudder events --since 0 …, then --since <the last id>\n`,
    );
  }
  if (!values.follow) return EXIT_OK;

  // Follow from the newest row listed; with none listed, from 0: the stream then replays exactly the
  // matching rows stored after the listing, so nothing that arrives in between is missed.
  const lastId = newest !== undefined ? String(newest.row.id) : (since ?? '0');
  try {
    return await follow(base, headers, filters, lastId, print, abort.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

function filterParams(values: Values): URLSearchParams {
  const params = new URLSearchParams();
  for (const [flag, param] of FILTERS) {
    const v = str(values, flag);
    if (v !== undefined) params.set(param, v);
  }
  const since = str(values, 'since');
  if (since !== undefined) {
    if (!/^\d+$/.test(since) && Number.isNaN(new Date(since).getTime())) {
      throw new UsageError('--since must be a row id or an ISO 8601 date', 'events');
    }
    params.set('since', since);
  }
  return params;
}

/** One listed event: its columns (for the table) and its exact text (for --json). */
interface Listed {
  row: EventRow;
  text: string;
}

const listed = (text: string): Listed => {
  const e = JSON.parse(text) as EventRow;
  // Only the table's columns are kept decoded: a page of large payloads is not held twice.
  const { id, type, userId, anonymousId, event, messageId, receivedAt } = e;
  return { row: { id, type, userId, anonymousId, event, messageId, receivedAt }, text };
};

/**
 * Up to `limit` events, following the data plane's cursor: one answer holds at most its byte budget of
 * events (`hasMore` and `next` say where the rest continues).
 */
async function list(
  base: string,
  headers: Record<string, string>,
  filters: URLSearchParams,
  limit: number,
  signal: AbortSignal,
): Promise<{ events: Listed[]; hasMore: boolean }> {
  const events: Listed[] = [];
  const params = new URLSearchParams(filters);
  for (;;) {
    params.set('limit', String(limit - events.length));
    const res = await get(`${base}/api/events?${params}`, { signal, headers });
    const text = await res.text();
    if (!res.ok) throw refused('/api/events', res.status, text);
    const page = pageOf(text);
    events.push(...page.events.map(listed));
    if (!page.hasMore || events.length >= limit || page.events.length === 0 || !page.next) return { events, hasMore: page.hasMore };
    for (const [key, value] of Object.entries(page.next)) params.set(key, String(value));
  }
}

/** A `GET /api/events` answer, its events kept as text. */
function pageOf(text: string): { events: string[]; hasMore: boolean; next?: Record<string, number> } {
  const notOurs = () => new Error('GET /api/events answered without an "events" array: is this a rudder data plane?');
  let raw: string | undefined;
  try {
    raw = memberText(text, 'events');
  } catch {
    throw notOurs();
  }
  if (raw === undefined || !raw.startsWith('[')) throw notOurs();
  const more = memberText(text, 'hasMore');
  const next = memberText(text, 'next');
  return {
    events: arrayItems(raw),
    hasMore: more === 'true',
    next: next && next !== 'null' ? (JSON.parse(next) as Record<string, number>) : undefined,
  };
}

async function get(url: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Unreachable(cause?.code ?? cause?.message ?? (error as Error).message);
  }
}

/** A read the data plane answered with an error status; a missing or wrong read token gets its hint. */
function refused(path: string, status: number, body: string): Error {
  const hint = status === 401 ? `\n${READ_TOKEN_HINT}` : '';
  return new Error(`GET ${path} answered HTTP ${status}: ${body.trim().slice(0, 200)}${hint}`);
}

function failed(error: unknown, base: string): number {
  if (error instanceof Unreachable) {
    stderr.write(`error: cannot reach the data plane at ${base} (${error.message})\nhint: start one with 'rudder dev', or pass --data-plane-url\n`);
  } else stderr.write(`error: ${(error as Error).message}\n`);
  return EXIT_FAILED;
}

/** Streams new events until Ctrl-C, reconnecting (from the last id seen) if the stream drops. */
async function follow(
  base: string,
  headers: Record<string, string>,
  filters: URLSearchParams,
  since: string | undefined,
  print: (e: Listed) => boolean,
  signal: AbortSignal,
): Promise<number> {
  let lastId = since;
  let warned = false;
  while (!signal.aborted) {
    const params = new URLSearchParams(filters);
    if (lastId !== undefined) params.set('since', lastId);
    try {
      const res = await get(`${base}/api/events/stream?${params}`, { signal, headers: { ...headers, accept: 'text/event-stream' } });
      if (!res.ok || !res.body) return failed(refused('/api/events/stream', res.status, res.ok ? '' : await res.text()), base);
      warned = false;
      for await (const message of readSse(res.body as unknown as AsyncIterable<Uint8Array>)) {
        if (message.id !== undefined) lastId = message.id;
        if (!print(listed(message.data))) await drained();
      }
    } catch (error) {
      if (signal.aborted) break;
      if (!(error instanceof Unreachable) && (error as Error).name !== 'TypeError') throw error;
      if (!warned) stderr.write(`lost the data plane at ${base} (${(error as Error).message}); reconnecting…\n`);
      warned = true;
    }
    if (!signal.aborted) await sleep(1000, undefined, { signal }).catch(() => {});
  }
  return EXIT_OK;
}
