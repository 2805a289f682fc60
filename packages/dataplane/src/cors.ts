import type { IncomingMessage } from 'node:http';

/**
 * CORS for the ingest side, as rudder-server's gateway configures `rs/cors` (gateway/handle_lifecycle.go):
 * every origin allowed and reflected, credentials allowed, every requested header allowed, max-age 900 s,
 * the library's default methods (GET, POST, HEAD). Requested headers are reflected by name rather than
 * answered with `*`, because the Fetch standard never lets `*` cover `Authorization`.
 */
const ALLOWED_METHODS = new Set(['GET', 'POST', 'HEAD']);
const MAX_AGE_SECONDS = '900';

export type HeaderMap = Record<string, string>;

const first = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));

/** A preflight is an OPTIONS request that names the method it wants to use. */
export function isPreflight(req: IncomingMessage): boolean {
  return req.method === 'OPTIONS' && first(req.headers['access-control-request-method']) !== '';
}

/** Headers of the answer to a preflight (always `204`); no grant when the method is not allowed. */
export function preflightHeaders(req: IncomingMessage): HeaderMap {
  const headers: HeaderMap = { Vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers' };
  const origin = first(req.headers.origin);
  const method = first(req.headers['access-control-request-method']).toUpperCase();
  if (origin === '' || !ALLOWED_METHODS.has(method)) return headers;
  headers['Access-Control-Allow-Origin'] = origin;
  headers['Access-Control-Allow-Methods'] = method;
  const requested = first(req.headers['access-control-request-headers']);
  if (requested !== '') headers['Access-Control-Allow-Headers'] = requested;
  headers['Access-Control-Allow-Credentials'] = 'true';
  headers['Access-Control-Max-Age'] = MAX_AGE_SECONDS;
  return headers;
}

/** Headers every ingest answer carries (success or error), so a browser can read its status. */
export function responseCorsHeaders(req: IncomingMessage): HeaderMap {
  const headers: HeaderMap = { Vary: 'Origin' };
  const origin = first(req.headers.origin);
  if (origin === '' || !ALLOWED_METHODS.has(req.method ?? '')) return headers;
  headers['Access-Control-Allow-Origin'] = origin;
  headers['Access-Control-Allow-Credentials'] = 'true';
  return headers;
}
