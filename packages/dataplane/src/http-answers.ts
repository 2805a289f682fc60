import type { ServerResponse } from 'node:http';

/** Like Go's http.Error: text/plain, nosniff, message plus a newline. */
export function sendError(res: ServerResponse, status: number, message: string, close = false): void {
  const headers: Record<string, string> = {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
  };
  if (close) headers.Connection = 'close';
  res.writeHead(status, headers);
  res.end(`${message}\n`);
}

/** A JSON answer that no cache keeps. */
export function sendJson(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

/** chi's answer to a known path asked with another method: 405, an Allow header, no body. */
export function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.writeHead(405, { Allow: allow });
  res.end();
}
