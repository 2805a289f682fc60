/**
 * The gateway side of the data plane: the ingest routes rudder-server serves, the control plane's
 * `/sourceConfig` and the browser SDK's metrics sink, all with the gateway's CORS.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isPreflight, preflightHeaders, responseCorsHeaders } from './cors.js';
import { methodNotAllowed, sendError, sendJson } from './http-answers.js';
import { ingest, SINGLE_TYPES, type PreparedEvent, type RequestType } from './ingest.js';
import { Messages, StatusOf, type Message } from './messages.js';
import { PIXEL_GIF, pixelEvent, type PixelResult, type PixelType } from './pixel.js';
import { drainAndDiscard, readBody } from './read-body.js';
import { stringifyJson } from './serialize.js';
import type { ServerDeps } from './server-deps.js';
import { sourceConfigJson } from './source-config.js';
import { writeKeyFromHeader, type AuthResult, type Source, type SourceRegistry } from './sources.js';
import { applyTrackingPlan } from './tracking-plan.js';
import { ROBOTS_TXT, versionJson } from './version.js';

const INGEST_TYPES = new Set<string>([...SINGLE_TYPES, 'batch']);
const STORE_FAILED = 'failed to store events';

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

/** Where a request's write key comes from: the Authorization header, or the query string (beacon). */
type KeySource = { header: string | undefined } | { query: string | null };

async function handleIngest(deps: ServerDeps, type: RequestType, key: KeySource, url: URL, req: IncomingMessage, res: ServerResponse) {
  // The path only: the query string of a beacon request carries the write key.
  const path = url.pathname;
  const fail = (message: Message, close = false) => {
    deps.logger.info(`${StatusOf[message]} POST ${path}: ${message}`);
    sendError(res, StatusOf[message], message, close);
  };
  // Auth first, before a single body byte is read, like the gateway's writeKeyAuth middleware.
  const auth = authenticate(deps.registry, key);
  if (!auth.ok) {
    fail(auth.message, true);
    // An unauthenticated upload is not read: the connection closes after the answer, and what the client
    // sends meanwhile is discarded up to a small bound so the answer can reach it, then the socket is cut.
    // (Left alone, Node would read the rest of the body to the end to reuse the connection.)
    if (!req.complete) drainAndDiscard(req);
    return;
  }

  const body = await readBody(req, deps.maxRequestBytes);
  if (!body.ok) {
    if ('aborted' in body) return;
    return fail(body.message, body.message === Messages.tooLarge);
  }
  const result = ingest(body.body, type, { ip: requestIp(req), receivedAt: new Date().toISOString() });
  if (!result.ok) return fail(result.message);
  const stored = await store(deps, auth.source, result.events);
  if (!stored) return sendError(res, 500, STORE_FAILED);
  // Committed: only now may the client hear `ok`.
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(Messages.ok);
}

function authenticate(registry: SourceRegistry, key: KeySource): AuthResult {
  if ('header' in key) return registry.authenticate(key.header);
  // The gateway's beacon interceptor: a missing or empty `writeKey` parameter is its own 401.
  if (!key.query) return { ok: false, message: Messages.noWriteKeyInQuery };
  return registry.authenticateKey(key.query);
}

/**
 * Checks them against the tracking plan (when one is given: annotated, or marked dropped, never lost),
 * commits them, then tells live listeners; false when the database refused them.
 */
async function store(deps: ServerDeps, source: Source, events: PreparedEvent[]): Promise<boolean> {
  if (deps.planValidator) applyTrackingPlan(deps.planValidator, events);
  let firstId: number;
  try {
    firstId = await deps.store.insert(source.name, events);
  } catch (err) {
    deps.logger.error(`storing ${events.length} events failed: ${(err as Error).message}`);
    return false;
  }
  deps.hub.publish(source.name, firstId, events);
  return true;
}

/** `GET /pixel/v1/track|page`: always the GIF; what happened to the event is only logged. */
async function handlePixel(deps: ServerDeps, type: PixelType, url: URL, req: IncomingMessage, res: ServerResponse) {
  const event = pixelEvent(url.searchParams, type, new Date().toISOString());
  const outcome = await pixelOutcome(deps, event, req);
  if (outcome !== Messages.ok) deps.logger.info(`pixel ${url.pathname}: ${outcome}`);
  res.writeHead(200, { 'Content-Type': 'image/gif', 'Content-Length': PIXEL_GIF.length, 'Cache-Control': 'no-store' });
  res.end(PIXEL_GIF);
}

async function pixelOutcome(deps: ServerDeps, event: PixelResult, req: IncomingMessage): Promise<string> {
  if (!event.ok) return event.reason;
  const auth = event.writeKey === '' ? ({ ok: false, message: Messages.noWriteKey } as const) : deps.registry.authenticateKey(event.writeKey);
  if (!auth.ok) return auth.message;
  const result = ingest(stringifyJson(event.body), event.body.type as PixelType, { ip: requestIp(req), receivedAt: new Date().toISOString() });
  if (!result.ok) return result.message;
  return (await store(deps, auth.source, result.events)) ? Messages.ok : STORE_FAILED;
}

/** `GET /sourceConfig/`: the write key from Basic auth, else from the `writeKey` parameter. */
function handleSourceConfig(deps: ServerDeps, url: URL, req: IncomingMessage, res: ServerResponse) {
  const key = writeKeyFromHeader(req.headers.authorization) ?? url.searchParams.get('writeKey');
  if (!key) return sendError(res, 401, Messages.noWriteKey);
  const source = deps.registry.find(key);
  if (!source) return sendError(res, 401, Messages.invalidWriteKey);
  sendJson(res, 200, sourceConfigJson(source));
}

/** `POST /rsaMetrics`: the browser SDK's own error and usage metrics; read and dropped. */
async function handleSdkMetrics(deps: ServerDeps, req: IncomingMessage, res: ServerResponse) {
  const body = await readBody(req, deps.maxRequestBytes);
  if (!body.ok && 'aborted' in body) return;
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(Messages.ok);
}

function handleHealth(deps: ServerDeps, res: ServerResponse) {
  const db = deps.store.healthy() ? 'UP' : 'DOWN';
  sendJson(res, 200, JSON.stringify({ server: 'UP', db, acceptingEvents: db === 'UP' ? 'TRUE' : 'FALSE' }));
}

function handleRobots(res: ServerResponse) {
  // The gateway sets no type; Go's content sniffing then answers text/plain.
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(ROBOTS_TXT);
}

const PIXEL_TYPES = new Set<string>(['track', 'page']);

/**
 * The gateway side: what rudder-server routes (gateway/handle_lifecycle.go), plus the control plane's
 * `/sourceConfig` and the SDK metrics sink. Every answer carries CORS, preflights are answered before auth.
 */
export async function routeIngest(deps: ServerDeps, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (isPreflight(req)) {
    res.writeHead(204, preflightHeaders(req));
    return void res.end();
  }
  for (const [name, value] of Object.entries(responseCorsHeaders(req))) res.setHeader(name, value);
  const path = url.pathname;
  const method = req.method ?? 'GET';
  const isGet = method === 'GET' || method === 'HEAD';

  if (path.startsWith('/v1/')) {
    const type = path.slice(4);
    if (!INGEST_TYPES.has(type)) return sendError(res, 404, '404 page not found');
    if (method !== 'POST') return methodNotAllowed(res, 'POST');
    return handleIngest(deps, type as RequestType, { header: req.headers.authorization }, url, req, res);
  }
  if (path === '/beacon/v1/batch') {
    if (method !== 'POST') return methodNotAllowed(res, 'POST');
    return handleIngest(deps, 'batch', { query: url.searchParams.get('writeKey') }, url, req, res);
  }
  if (path.startsWith('/pixel/v1/') && PIXEL_TYPES.has(path.slice(10))) {
    // GET only, like the gateway's router: a HEAD (a link checker, say) must not store an event.
    if (method !== 'GET') return methodNotAllowed(res, 'GET');
    return handlePixel(deps, path.slice(10) as PixelType, url, req, res);
  }
  switch (path) {
    case '/':
    case '/health':
      return isGet ? handleHealth(deps, res) : methodNotAllowed(res, 'GET');
    case '/version':
      return isGet ? sendJson(res, 200, versionJson()) : methodNotAllowed(res, 'GET');
    case '/robots.txt':
      return isGet ? handleRobots(res) : methodNotAllowed(res, 'GET');
    case '/sourceConfig':
    case '/sourceConfig/':
      return isGet ? handleSourceConfig(deps, url, req, res) : methodNotAllowed(res, 'GET');
    case '/rsaMetrics':
      return method === 'POST' ? handleSdkMetrics(deps, req, res) : methodNotAllowed(res, 'POST');
    default:
      return sendError(res, 404, '404 page not found');
  }
}
