import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startDataPlane, type DataPlane, type DataPlaneOptions, type StorageEngine } from '../../src/index.js';

/** The storage engine the suites run on: RUDDER_DATAPLANE_ENGINE (engines.test.ts sets it), else the runtime's default. */
export const TEST_ENGINE = (process.env.RUDDER_DATAPLANE_ENGINE || undefined) as StorageEngine | undefined;

export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'dataplane-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A data plane on a free port with its database in a fresh temp dir. */
export async function startTestPlane(opts: DataPlaneOptions = {}): Promise<DataPlane & { dir: string; stop(): Promise<void> }> {
  const tmp = tempDir();
  const dp = await startDataPlane({ port: 0, dbPath: join(tmp.dir, 'events.db'), quiet: true, engine: TEST_ENGINE, ...opts });
  return Object.assign(dp, {
    dir: tmp.dir,
    async stop() {
      await dp.close();
      tmp.remove();
    },
  });
}

export const basic = (user: string, password = '') => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export interface PostOptions {
  /** Write key to send; `null` sends no Authorization header. */
  key?: string | null;
  authorization?: string;
  gzip?: boolean;
  headers?: Record<string, string>;
}

export interface Reply {
  status: number;
  text: string;
  headers: Headers;
}

export async function post(dp: DataPlane, path: string, body: unknown, o: PostOptions = {}): Promise<Reply> {
  let bytes: Buffer = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...o.headers };
  if (o.gzip) {
    bytes = gzipSync(bytes);
    headers['Content-Encoding'] = 'gzip';
  }
  const key = o.key === undefined ? dp.writeKey : o.key;
  if (o.authorization !== undefined) headers.Authorization = o.authorization;
  else if (key !== null) headers.Authorization = basic(key);
  const res = await fetch(`${dp.url}${path}`, { method: 'POST', headers, body: bytes });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

export const track = (extra: Record<string, unknown> = {}) => ({
  type: 'track',
  event: 'Order Completed',
  userId: 'u1',
  properties: { revenue: 19.99 },
  ...extra,
});

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request with exactly these headers (fetch would not let a test choose `Host`). */
export function raw(url: string, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    // A fresh connection each time: a reused keep-alive socket the server just closed would fail the test, not the server.
    const req = request(`${url}${path}`, { method, headers, timeout: 10_000, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      // A stream never ends by itself: its status and headers are all we need.
      if (String(res.headers['content-type']).startsWith('text/event-stream')) {
        res.destroy();
        return resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.alloc(0) });
      }
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}
