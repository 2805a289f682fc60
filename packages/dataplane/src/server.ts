import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { EventHub } from './hub.js';
import { ingest, SINGLE_TYPES, type RequestType } from './ingest.js';
import { CHART_ASSET_PREFIX, serveChartAsset } from './live-chart.js';
import { livePage } from './live-page.js';
import type { DataPlaneLogger } from './logger.js';
import { Messages, StatusOf, type Message } from './messages.js';
import { parseQuery, QueryError } from './query.js';
import { readBody } from './read-body.js';
import type { SourceRegistry } from './sources.js';
import { serveStream } from './sse.js';
import { rowJson } from './rows.js';
import type { EventStore } from './store.js';

export interface ServerDeps {
  registry: SourceRegistry;
  store: EventStore;
  hub: EventHub;
  maxRequestBytes: number;
  logger: DataPlaneLogger;
  streams: Set<ServerResponse>;
}

const INGEST_TYPES = new Set<string>([...SINGLE_TYPES, 'batch']);
const STORE_FAILED = 'failed to store events';

/** Like Go's http.Error: text/plain, nosniff, message plus a newline. */
function sendError(res: ServerResponse, status: number, message: string, close = false): void {
  const headers: Record<string, string> = {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
  };
  if (close) headers.Connection = 'close';
  res.writeHead(status, headers);
  res.end(`${message}\n`);
}

function sendJson(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

/** kithttputil.GetRequestIP: first X-Forwarded-For entry (spaces removed), else the peer host. */
export function requestIp(req: IncomingMessage): string {
  const xff = req.headersDistinct['x-forwarded-for']?.[0];
  const first = xff?.split(',')[0] ?? '';
  if (first !== '') return first.replaceAll(' ', '');
  const peer = req.socket.remoteAddress ?? '';
  if (peer.startsWith('::ffff:') && peer.includes('.')) return peer.slice(7);
  // Go's RemoteAddr brackets IPv6 hosts and the gateway keeps the brackets.
  return peer.includes(':') ? `[${peer}]` : peer;
}

async function handleIngest(deps: ServerDeps, type: RequestType, req: IncomingMessage, res: ServerResponse) {
  const fail = (message: Message, close = false) => {
    // The path only: a query string may carry a write key (beacon-style clients put it there).
    deps.logger.info(`${StatusOf[message]} POST /v1/${type}: ${message}`);
    sendError(res, StatusOf[message], message, close);
  };
  // Auth first, before a single body byte is read, like the gateway's writeKeyAuth middleware.
  const auth = deps.registry.authenticate(req.headers.authorization);
  if (!auth.ok) return fail(auth.message);

  const body = await readBody(req, deps.maxRequestBytes);
  if (!body.ok) {
    if ('aborted' in body) return;
    return fail(body.message, body.message === Messages.tooLarge);
  }
  const result = ingest(body.body, type, { ip: requestIp(req), receivedAt: new Date().toISOString() });
  if (!result.ok) return fail(result.message);

  let firstId: number;
  try {
    firstId = await deps.store.insert(auth.source.name, result.events);
  } catch (err) {
    deps.logger.error(`storing ${result.events.length} events failed: ${(err as Error).message}`);
    return sendError(res, 500, STORE_FAILED);
  }
  // Committed: only now may the client hear `ok`.
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(Messages.ok);
  deps.hub.publish(auth.source.name, firstId, result.events);
}

function handleHealth(deps: ServerDeps, res: ServerResponse) {
  const db = deps.store.healthy() ? 'UP' : 'DOWN';
  sendJson(res, 200, JSON.stringify({ server: 'UP', db, acceptingEvents: db === 'UP' ? 'TRUE' : 'FALSE' }));
}

function handleQuery(deps: ServerDeps, url: URL, res: ServerResponse) {
  const q = parseQuery(url.searchParams);
  const rows = deps.store.query(q);
  sendJson(res, 200, `{"events":[${rows.map(rowJson).join(',')}]}`);
}

function handleLive(res: ServerResponse) {
  const nonce = randomBytes(16).toString('base64');
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'none'; base-uri 'none'; form-action 'none'`,
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(livePage(nonce));
}

async function route(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://local');
  const path = url.pathname;
  const method = req.method ?? 'GET';

  if (path.startsWith('/v1/')) {
    const type = path.slice(4);
    if (!INGEST_TYPES.has(type)) return sendError(res, 404, '404 page not found');
    if (method !== 'POST') return sendError(res, 405, 'method not allowed');
    return handleIngest(deps, type as RequestType, req, res);
  }
  if (method !== 'GET' && method !== 'HEAD') return sendError(res, 405, 'method not allowed');
  if (path.startsWith(CHART_ASSET_PREFIX) && serveChartAsset(path, res)) return;
  switch (path) {
    case '/':
    case '/health':
      return handleHealth(deps, res);
    case '/api/events':
      return handleQuery(deps, url, res);
    case '/api/events/stream':
      return serveStream(req, res, parseQuery(url.searchParams), deps.store, deps.hub, deps.streams);
    case '/live':
    case '/live/':
      return handleLive(res);
    default:
      return sendError(res, 404, '404 page not found');
  }
}

export function createDataPlaneServer(deps: ServerDeps): Server {
  const server = createServer((req, res) => {
    route(deps, req, res).catch((err: unknown) => {
      if (err instanceof QueryError) return sendJson(res, 400, JSON.stringify({ error: err.message }));
      deps.logger.error(`${req.method} ${new URL(req.url ?? '/', 'http://local').pathname} failed: ${(err as Error).message}`);
      if (!res.headersSent) sendError(res, 500, 'internal server error');
      else res.destroy();
    });
  });
  // Keep-alive clients (SDKs batching every few seconds) should not pay a new handshake each time.
  server.keepAliveTimeout = 65_000;
  return server;
}
