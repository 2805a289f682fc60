import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { routeIngest } from './gateway-routes.js';
import { sendError, sendJson } from './http-answers.js';
import type { EventHub } from './hub.js';
import type { WarehouseStage } from './warehouse-stage.js';
import type { DataPlaneLogger } from './logger.js';
import { QueryError } from './query.js';
import type { ReadGuard } from './read-guard.js';
import { routeRead } from './read-routes.js';
import type { SourceRegistry } from './sources.js';
import type { EventStore } from './store.js';
import type { PlanValidator } from '@rudderanalytics/tracking-plan';

/** What the request handlers share. */
export interface ServerDeps {
  registry: SourceRegistry;
  store: EventStore;
  hub: EventHub;
  maxRequestBytes: number;
  logger: DataPlaneLogger;
  streams: Set<ServerResponse>;
  /** With `--tracking-plan`: checks and annotates events before they are stored. */
  planValidator?: PlanValidator;
  guard: ReadGuard;
  /** With `--warehouse`: the load stage, for `GET /api/warehouse` (set once it has started). */
  warehouse?: () => WarehouseStage | undefined;
}

/** Stored events: the only paths without CORS and behind the Host and token checks. */
const isReadPath = (path: string) => path.startsWith('/api/') || path === '/live' || path.startsWith('/live/');

async function route(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://local');
  } catch {
    return sendError(res, 400, '400 bad request');
  }
  return isReadPath(url.pathname) ? routeRead(deps, url, req, res) : routeIngest(deps, url, req, res);
}

/** The HTTP server: the gateway side (CORS, any Host) and the read side (guarded), split by path. */
export function createDataPlaneServer(deps: ServerDeps): Server {
  const server = createServer((req, res) => {
    route(deps, req, res).catch((err: unknown) => {
      if (err instanceof QueryError) return sendJson(res, 400, JSON.stringify({ error: err.message }));
      // The path only: a query string may carry a write key or a read token.
      deps.logger.error(`${req.method} ${(req.url ?? '/').split('?')[0]} failed: ${(err as Error).message}`);
      if (!res.headersSent) sendError(res, 500, 'internal server error');
      else res.destroy();
    });
  });
  // Keep-alive clients (SDKs batching every few seconds) should not pay a new handshake each time.
  server.keepAliveTimeout = 65_000;
  return server;
}
