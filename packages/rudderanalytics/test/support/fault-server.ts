/**
 * A real HTTP server on 127.0.0.1 for SDK tests, answering each request as the test scripts it:
 * a status and body, a Retry-After, a stall past the client's deadline, or a connection reset.
 * It records every request as received (headers, raw bytes, decoded batch) so tests can assert the wire.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { after, before, beforeEach } from 'node:test';
import { listenOnLoopback } from '../../../../test/support/loopback-server.js';

export interface Received {
  index: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Bytes as sent (compressed when gzipped). */
  raw: Buffer;
  /** The body after gunzip, as text. */
  text: string;
  /** Parsed `batch` array (empty if the body was not a batch). */
  events: Record<string, any>[];
}

export type Reply = { status: number; body?: string; headers?: Record<string, string> } | { stall: true } | { reset: true };

export type Script = (request: Received) => Reply | Promise<Reply>;

export interface FaultServer {
  url: string;
  requests: Received[];
  /** Every event of every request answered 2xx, in arrival order. */
  delivered(): Record<string, any>[];
  script: Script;
  /** Resolves once `n` requests have been received in total. */
  waitForRequests(n: number): Promise<void>;
  close(): Promise<void>;
}

export const ok: Script = () => ({ status: 200, body: 'ok' });

export async function startFaultServer(script: Script = ok): Promise<FaultServer> {
  const requests: Received[] = [];
  const accepted: Record<string, any>[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    const answer = async () => {
      const raw = Buffer.concat(chunks);
      let text: string;
      try {
        text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      } catch {
        text = '';
      }
      let events: Record<string, any>[] = [];
      try {
        const parsed = JSON.parse(text);
        if (Array.isArray(parsed?.batch)) events = parsed.batch;
      } catch {
        // not JSON: left for the script to judge
      }
      const received: Received = { index: requests.length, method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, text, events };
      requests.push(received);
      for (const w of waiters.filter((w) => requests.length >= w.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      const reply = await fault.script(received);
      if ('stall' in reply) return; // never answer; the client's deadline must end it
      if ('reset' in reply) {
        req.socket.destroy();
        return;
      }
      if (reply.status >= 200 && reply.status < 300) accepted.push(...events);
      res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
      res.end(reply.body ?? '');
    };
    // A script that throws answers 500 rather than leaving a rejection nobody handles.
    req.on('end', () => {
      answer().catch(() => (res.headersSent ? res.destroy() : res.writeHead(500).end('fault script threw')));
    });
  });
  const listening = await listenOnLoopback(server);
  const fault: FaultServer = {
    url: listening.url,
    requests,
    delivered: () => accepted,
    script,
    waitForRequests: (n) => (requests.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))),
    close: listening.close,
  };
  return fault;
}

/** Answers the n-th request (0-based) by `replies[n]`, and every later one with 200. */
export function sequence(...replies: Reply[]): Script {
  return (request) => replies[request.index] ?? { status: 200, body: 'ok' };
}

/**
 * One fault server for a test file (or a describe block): started before its tests, closed after, and
 * reset before each test (script back to 200, requests forgotten). Reads and writes go to the live server.
 */
export function useFaultServer(): FaultServer {
  let current: FaultServer | undefined;
  before(async () => {
    current = await startFaultServer();
  });
  after(() => current?.close());
  beforeEach(() => {
    current!.script = ok;
    current!.requests.length = 0;
    current!.delivered().length = 0;
  });
  return new Proxy({} as FaultServer, {
    get: (_target, key) => Reflect.get(current!, key),
    set: (_target, key, value) => Reflect.set(current!, key, value),
  });
}
