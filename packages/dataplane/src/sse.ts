import type { IncomingMessage, ServerResponse } from 'node:http';
import { rowMatches, type EventHub } from './hub.js';
import { PAGE_BUDGET_BYTES, type EventQuery } from './query.js';
import { rowJson, type RawRow } from './rows.js';
import type { EventStore } from './store.js';

/**
 * How much a connection may have queued before it stops taking live rows: past this, it catches up from
 * the database page by page (as fast as it reads) instead, so a slow reader never makes the server hold
 * more than about one page for it, and misses nothing.
 */
const LIVE_BUFFER_BYTES = 4 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;

export const STREAM_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
};

/**
 * A live row's SSE frame, made once and shared by every connection that sends it: the hub hands all
 * listeners the same row objects, and a Buffer written to many sockets is not copied per socket.
 */
const frames = new WeakMap<RawRow, Buffer>();
export function sseFrame(r: RawRow): Buffer {
  let frame = frames.get(r);
  if (!frame) {
    frame = Buffer.from(`id: ${r.id}\ndata: ${rowJson(r)}\n\n`);
    frames.set(r, frame);
  }
  return frame;
}

/**
 * `GET /api/events/stream`: server-sent events, one `message` per stored event (`id:` = row id).
 * With `since` (or a Last-Event-ID header) it first replays stored rows after that id, in pages of at most
 * {@link PAGE_BUDGET_BYTES}, each written once the previous one has drained, then goes live. The listener
 * and timer go away as soon as the connection closes.
 */
export function serveStream(
  req: IncomingMessage,
  res: ServerResponse,
  q: EventQuery,
  store: EventStore,
  hub: EventHub,
  open: Set<ServerResponse>,
): void {
  const lastEventId = req.headers['last-event-id'];
  if (typeof lastEventId === 'string' && /^\d+$/.test(lastEventId)) q = { ...q, sinceId: Number(lastEventId), sinceTime: undefined };

  res.writeHead(200, STREAM_HEADERS);
  res.write('retry: 1000\n\n');

  let lastSent = q.sinceId ?? 0;
  let live = false;
  let closed = false;
  const write = (r: RawRow) => {
    lastSent = r.id;
    res.write(sseFrame(r));
  };

  // Catching up: pages from the database after the last row sent. The last page is read and `live` set in
  // one tick, and inserts are announced after they commit, so no row falls between the two.
  const catchUp = async (first: EventQuery) => {
    let page = store.queryPage({ ...first, before: undefined, order: 'asc', limit: 10_000 }, PAGE_BUDGET_BYTES);
    for (;;) {
      if (closed) return;
      for (const r of page.rows) write(r);
      if (!page.hasMore) {
        live = true;
        return;
      }
      if (res.writableNeedDrain) await new Promise((resolve) => res.once('drain', resolve));
      if (closed) return;
      page = store.queryPage({ ...q, sinceId: lastSent, sinceTime: undefined, before: undefined, order: 'asc', limit: 10_000 }, PAGE_BUDGET_BYTES);
    }
  };
  const fail = () => res.destroy();

  const unsubscribe = hub.subscribe((rows) => {
    if (!live) return;
    if (res.writableLength > LIVE_BUFFER_BYTES) {
      // Behind: stop queueing; once drained, read what was missed from the database.
      live = false;
      res.once('drain', () => void catchUp({ ...q, sinceId: lastSent, sinceTime: undefined }).catch(fail));
      return;
    }
    for (const r of rows) if (r.id > lastSent && rowMatches(q, r)) write(r);
  });
  if (q.sinceId !== undefined || q.sinceTime !== undefined) void catchUp(q).catch(fail);
  else live = true;

  const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  open.add(res);

  const cleanup = () => {
    closed = true;
    unsubscribe();
    clearInterval(heartbeat);
    open.delete(res);
    // A client that went away may leave a half-closed socket behind; nothing more can use it.
    req.socket.destroy();
  };
  res.on('close', cleanup);
  res.on('error', cleanup);
}
