/** The read side of the data plane: stored events (query API, stream, live page), behind the read guard. */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { methodNotAllowed, sendError, sendJson } from './http-answers.js';
import { CHART_ASSET_PREFIX, serveChartAsset } from './live-chart.js';
import { livePage } from './live-page.js';
import { PAGE_BUDGET_BYTES, parseQuery } from './query.js';
import { checkRead } from './read-guard.js';
import type { ServerDeps } from './server-deps.js';
import { serveStream, STREAM_HEADERS } from './sse.js';
import { rowJson } from './rows.js';
import { handleTransformed } from './transformed-routes.js';

/**
 * The paths the read side owns: stored events, the only ones without CORS and behind the Host and token
 * checks. Every path under them is routed here, known or not (an unknown one is a 404 behind the guard),
 * so a route added below is guarded with no change to the server.
 */
export const isReadPath = (path: string) => path.startsWith('/api/') || path === '/live' || path.startsWith('/live/');

function handleQuery(deps: ServerDeps, url: URL, res: ServerResponse) {
  const q = parseQuery(url.searchParams);
  const page = deps.store.queryPage(q, PAGE_BUDGET_BYTES);
  const more = `"hasMore":${page.hasMore},"next":${page.next ? JSON.stringify(page.next) : 'null'}`;
  sendJson(res, 200, `{"events":[${page.rows.map(rowJson).join(',')}],${more}}`);
}

/** The warehouse stage's tables, columns with types, row counts and latest discards (404 without `--warehouse`). */
async function handleWarehouse(deps: ServerDeps, res: ServerResponse) {
  const stage = deps.warehouse?.();
  if (!stage) return sendError(res, 404, 'no warehouse: start the data plane with --warehouse');
  sendJson(res, 200, JSON.stringify(await stage.describe()));
}

function handleLive(deps: ServerDeps, res: ServerResponse) {
  const nonce = randomBytes(16).toString('base64');
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    // For browsers that predate frame-ancestors: no other page may frame the live page (clickjacking, timing).
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(livePage(nonce, deps.brokenSchemas ?? [], { warehouse: deps.warehouse?.() !== undefined }));
}

/** The read side: stored events. No CORS grant ever; only allowed Host names, and the token when required. */
export async function routeRead(deps: ServerDeps, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const header = (name: string) => req.headersDistinct[name]?.[0];
  const path = url.pathname;
  const verdict = checkRead(deps.guard, {
    host: req.headers.host,
    authorization: req.headers.authorization,
    cookie: req.headers.cookie,
    queryToken: url.searchParams.get('token') ?? undefined,
    fetchSite: header('sec-fetch-site'),
    origin: header('origin'),
    livePageVisit: (path === '/live' || path === '/live/') && header('sec-fetch-mode') === 'navigate' && header('sec-fetch-dest') === 'document',
  });
  if (!verdict.ok) return sendError(res, verdict.status, verdict.message);
  if (verdict.setCookie) res.setHeader('Set-Cookie', verdict.setCookie);
  const method = req.method ?? 'GET';
  const isAsset = path.startsWith(CHART_ASSET_PREFIX);
  const known =
    isAsset ||
    path === '/api/events' ||
    path === '/api/transformed' ||
    path === '/api/warehouse' ||
    path === '/api/events/stream' ||
    path === '/live' ||
    path === '/live/';
  if (!known) return sendError(res, 404, '404 page not found');
  if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
  if (isAsset) return void (serveChartAsset(path, res) || sendError(res, 404, '404 page not found'));
  if (path === '/api/events') return handleQuery(deps, url, res);
  if (path === '/api/transformed') return handleTransformed(deps.transformation, url.searchParams, res);
  if (path === '/api/warehouse') return handleWarehouse(deps, res);
  if (path === '/api/events/stream') {
    const q = parseQuery(url.searchParams);
    return method === 'HEAD' ? void res.writeHead(200, STREAM_HEADERS).end() : serveStream(req, res, q, deps.store, deps.hub, deps.streams);
  }
  return handleLive(deps, res);
}
