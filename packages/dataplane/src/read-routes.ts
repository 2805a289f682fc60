/** The read side of the data plane: stored events (query API, stream, live page), behind the read guard. */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { methodNotAllowed, sendError, sendJson } from './http-answers.js';
import { CHART_ASSET_PREFIX, serveChartAsset } from './live-chart.js';
import { livePage } from './live-page.js';
import { parseQuery } from './query.js';
import { checkRead } from './read-guard.js';
import type { ServerDeps } from './server.js';
import { serveStream } from './sse.js';
import { rowJson } from './rows.js';

function handleQuery(deps: ServerDeps, url: URL, res: ServerResponse) {
  const q = parseQuery(url.searchParams);
  const rows = deps.store.query(q);
  sendJson(res, 200, `{"events":[${rows.map(rowJson).join(',')}]}`);
}

/** The warehouse stage's tables, columns with types, row counts and latest discards (404 without `--warehouse`). */
async function handleWarehouse(deps: ServerDeps, res: ServerResponse) {
  const stage = deps.warehouse?.();
  if (!stage) return sendError(res, 404, 'no warehouse: start the data plane with --warehouse');
  sendJson(res, 200, JSON.stringify(await stage.describe()));
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

/** The read side: stored events. No CORS grant ever; only allowed Host names, and the token when required. */
export async function routeRead(deps: ServerDeps, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const verdict = checkRead(deps.guard, {
    host: req.headers.host,
    authorization: req.headers.authorization,
    cookie: req.headers.cookie,
    queryToken: url.searchParams.get('token') ?? undefined,
    peer: req.socket.remoteAddress ?? '',
  });
  if (!verdict.ok) return sendError(res, verdict.status, verdict.message);
  if (verdict.setCookie) res.setHeader('Set-Cookie', verdict.setCookie);
  const method = req.method ?? 'GET';
  const path = url.pathname;
  const isAsset = path.startsWith(CHART_ASSET_PREFIX);
  const known =
    isAsset || path === '/api/events' || path === '/api/events/stream' || path === '/api/warehouse' || path === '/live' || path === '/live/';
  if (!known) return sendError(res, 404, '404 page not found');
  if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
  if (isAsset) return void (serveChartAsset(path, res) || sendError(res, 404, '404 page not found'));
  if (path === '/api/events') return handleQuery(deps, url, res);
  if (path === '/api/warehouse') return handleWarehouse(deps, res);
  if (path === '/api/events/stream') {
    return serveStream(req, res, parseQuery(url.searchParams), deps.store, deps.hub, deps.streams);
  }
  return handleLive(res);
}
