/**
 * A hostile data plane on 127.0.0.1: answers that a broken proxy, a captive portal or a malicious
 * server can give. A body of any size (800 MB, sent as fast as the client takes it), a body that never
 * ends, a body that echoes the request's write key back (as sent, percent-encoded, lowercased, and the
 * Authorization header itself), and any `Retry-After` value. It counts what it wrote of each body and
 * whether the client hung up before the end, so a test can tell a client that stopped reading from one
 * that read it all. Events are stored only when it answers 2xx.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { listenOnLoopback } from '../../../../test/support/loopback-server.js';

export type Body =
  /** A short text. */
  | { text: string }
  /** `bytes` bytes of filler with a Content-Length, written as fast as the client reads. */
  | { huge: number }
  /** Filler, chunked, until the client hangs up. */
  | { endless: true }
  /** An error text that repeats the write key in every form it arrived in. */
  | { echo: true };

export interface Answer {
  status: number;
  retryAfter?: string;
  body?: Body;
}

/** What the server knows when it answers: the request's number (from 0) and ms since the first request. */
export type Script = (request: { index: number; sinceFirstMs: number; authorization: string }) => Answer;

export interface Served {
  status: number;
  /** Body bytes the server got written before the body ended or the client hung up. */
  bodyBytes: number;
  /** The client closed the connection before the whole body was written. */
  hungUp: boolean;
}

export interface HostileServer {
  url: string;
  /** One entry per answer, in order, once it has finished (body written or client gone). */
  served: Served[];
  /** Events of the requests answered 2xx. */
  delivered: Record<string, unknown>[];
  /** Resolves once `n` answers have finished. */
  servedCount(n: number): Promise<void>;
  close(): Promise<void>;
}

const FILLER = Buffer.alloc(64 * 1024, 'x');

/** The write key a Basic Authorization header carries (`base64(key:)`). */
export function keyOf(authorization: string): string {
  return Buffer.from(authorization.replace(/^Basic\s+/i, ''), 'base64')
    .toString('utf8')
    .replace(/:$/, '');
}

export function echoText(authorization: string): string {
  const key = keyOf(authorization);
  return `invalid write key "${key}" (${encodeURIComponent(key)}, ${key.toLowerCase()}); you sent Authorization: ${authorization}`;
}

/** Writes `total` bytes of filler (Infinity: until the client goes), waiting for the socket to drain; the bytes written. */
async function pour(res: ServerResponse, total: number): Promise<number> {
  let written = 0;
  while (written < total && !res.destroyed) {
    const n = Math.min(FILLER.length, total - written);
    const flushed = res.write(n === FILLER.length ? FILLER : FILLER.subarray(0, n));
    written += n;
    if (!flushed) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  return written;
}

export async function startHostileServer(script: Script): Promise<HostileServer> {
  const served: Served[] = [];
  const delivered: Record<string, unknown>[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let first: number | undefined;
  let index = 0;

  const finish = (entry: Served) => {
    served.push(entry);
    for (const w of waiters.filter((w) => served.length >= w.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };

  const answer = async (req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    const now = Date.now();
    first ??= now;
    const authorization = req.headers.authorization ?? '';
    const reply = script({ index: index++, sinceFirstMs: now - first, authorization });
    if (reply.status >= 200 && reply.status < 300) {
      try {
        const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
        delivered.push(...(JSON.parse(text) as { batch: Record<string, unknown>[] }).batch);
      } catch {
        // not a batch: nothing to store
      }
    }
    const headers: Record<string, string | number> = { 'content-type': 'text/plain' };
    if (reply.retryAfter !== undefined) headers['retry-after'] = reply.retryAfter;
    const body = reply.body ?? { text: '' };
    let bodyBytes: number;
    let ended = false;
    res.on('finish', () => (ended = true));
    if ('huge' in body) {
      res.writeHead(reply.status, { ...headers, 'content-length': body.huge });
      bodyBytes = await pour(res, body.huge);
    } else if ('endless' in body) {
      res.writeHead(reply.status, headers);
      bodyBytes = await pour(res, Infinity);
    } else {
      const text = 'echo' in body ? echoText(authorization) : body.text;
      res.writeHead(reply.status, headers);
      bodyBytes = Buffer.byteLength(text);
      res.write(text);
    }
    if (!res.destroyed) {
      res.end();
      await new Promise<void>((resolve) => (ended ? resolve() : res.once('close', () => resolve())));
    }
    finish({ status: reply.status, bodyBytes, hungUp: !ended });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      answer(req, res, Buffer.concat(chunks)).catch(() => res.destroy());
    });
  });
  const listening = await listenOnLoopback(server);
  return {
    url: listening.url,
    served,
    delivered,
    servedCount: (n) => (served.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))),
    close: listening.close,
  };
}
