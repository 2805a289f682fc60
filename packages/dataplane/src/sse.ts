import type { IncomingMessage, ServerResponse } from 'node:http';
import { rowMatches, type EventHub } from './hub.js';
import type { EventQuery } from './query.js';
import { rowJson, type RawRow } from './rows.js';
import type { EventStore } from './store.js';

/** A client this far behind is cut off; EventSource reconnects with Last-Event-ID and catches up. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;
const REPLAY_LIMIT = 10_000;

/**
 * `GET /api/events/stream`: server-sent events, one `message` per stored event (`id:` = row id).
 * With `since` (or a Last-Event-ID header) it first replays stored rows after that id, so a reconnecting
 * client misses nothing. The listener and timer go away as soon as the connection closes.
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

  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.write('retry: 1000\n\n');

  let lastSent = 0;
  const send = (rows: RawRow[]) => {
    let chunk = '';
    for (const r of rows) {
      if (r.id <= lastSent || !rowMatches(q, r)) continue;
      lastSent = r.id;
      chunk += `id: ${r.id}\ndata: ${rowJson(r)}\n\n`;
    }
    if (chunk === '') return;
    res.write(chunk);
    if (res.writableLength > MAX_BUFFERED_BYTES) res.destroy();
  };

  // Replay and subscribe in the same tick: inserts are synchronous, so no row can fall in between.
  if (q.sinceId !== undefined || q.sinceTime !== undefined) {
    send(store.query({ ...q, before: undefined, order: 'asc', limit: REPLAY_LIMIT }));
  }
  const unsubscribe = hub.subscribe(send);
  const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  open.add(res);

  const cleanup = () => {
    unsubscribe();
    clearInterval(heartbeat);
    open.delete(res);
    // A client that went away may leave a half-closed socket behind; nothing more can use it.
    req.socket.destroy();
  };
  res.on('close', cleanup);
  res.on('error', cleanup);
}
