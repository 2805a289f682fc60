/**
 * A misbehaving data plane on 127.0.0.1 for reliability tests and the soak: every request draws a fault
 * from a weighted mix with a seeded generator, so a failing run reproduces from its seed. Unlike the
 * fault server (which records every request for wire assertions), it keeps only counters and a
 * messageId → times-stored map, so it can take hundreds of thousands of events without growing.
 *
 * Like the gateway, it checks auth before reading the body, validates the batch, answers 413 above a
 * size cap on the decompressed body, and stores events only when it answers 2xx (or, for the
 * `lost-ack`/`stall-body` faults, when it has committed and the answer is then lost).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { gunzip } from 'node:zlib';
import { listenOnLoopback } from '../../../../test/support/loopback-server.js';

export const FAULT_KINDS = [
  /** 200 at once. */
  'ok',
  /** 200 after a delay below the client's deadline. */
  'slow',
  '500',
  '502',
  '503',
  '504',
  /** 429 with no Retry-After, as rudder-server sends it. */
  '429',
  /** 429 with Retry-After (proxies and hosted planes). */
  '429-retry-after',
  /** The connection is destroyed while the body is still arriving; nothing stored. */
  'reset',
  /** No answer at all: the client's deadline must end the request; nothing stored. */
  'stall',
  /** Stored, 200 and part of the body written, then silence: the client times out on a stored batch. */
  'stall-body',
  /** Stored, then the connection is destroyed before any answer: the ack is lost. */
  'lost-ack',
  /** Bytes that are not HTTP, then the connection closes: the client's parser must fail cleanly. */
  'garbage',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];
/** Relative weights; kinds left out never happen. */
export type Mix = Partial<Record<FaultKind, number>>;

/** A mixed profile: about a third of requests fail, every kind of failure represented. */
export const MIXED: Mix = {
  ok: 56,
  slow: 8,
  '500': 5,
  '502': 4,
  '503': 5,
  '504': 3,
  '429': 5,
  '429-retry-after': 2,
  reset: 5,
  stall: 3,
  'stall-body': 2,
  'lost-ack': 2,
  garbage: 1,
};

export interface ChaosOptions {
  /** Seed of the fault generator; the same seed gives the same fault per request, in arrival order. */
  seed?: number;
  mix?: Mix;
  /** 413 when the decompressed body is larger. Default: the gateway's 4,096,000. */
  maxBodyBytes?: number;
  /** Delay range of `slow` answers, in ms. Default 5–50. */
  slowMs?: { min: number; max: number };
  /** Value of the Retry-After header on `429-retry-after` (delta-seconds). Default '1'. */
  retryAfter?: string;
  /** When set, any other key gets 401, as from the gateway. */
  writeKey?: string;
  /**
   * Count stored events without remembering their messageIds (`stored` stays empty, `duplicates` 0):
   * for soaks of millions of events, where the map would dwarf what is being measured.
   */
  countOnly?: boolean;
}

/**
 * Answers by kind: the faults applied plus the gateway's own answers (401, 400, 413), which take
 * precedence over the drawn fault (a body over the cap gets 413 whatever was drawn).
 */
export type Tally = Record<FaultKind | '400' | '401' | '413' | '500-gzip', number>;

export interface ChaosStats {
  requests: number;
  tally: Tally;
  /** Event copies stored (a batch stored twice counts twice). */
  storedEvents: number;
  /** Distinct messageIds stored (with `countOnly`: the same as storedEvents). */
  uniqueStored: number;
  /** storedEvents − uniqueStored: redeliveries after lost acks (at-least-once, as expected). */
  duplicates: number;
  /** Largest decompressed body received, in bytes. */
  largestBody: number;
}

export interface ChaosServer {
  url: string;
  /** messageId → how many times it was stored. */
  readonly stored: ReadonlyMap<string, number>;
  stats(): ChaosStats;
  /** The fault drawn for each authenticated request, in arrival order (to reproduce a failure, with the seed). */
  readonly plan: readonly FaultKind[];
  /** Ms between a `429-retry-after` answer and the next attempt of the same batch, per occurrence. */
  readonly retryAfterGaps: readonly number[];
  /** The batch (its first messageId) of each gap, at the same index. */
  readonly retryAfterKeys: readonly string[];
  /** Resolves once `n` requests have arrived (counted on arrival, before any answer). */
  waitForRequests(n: number): Promise<void>;
  /** Swaps the mix (e.g. an outage phase in a soak); the generator keeps its sequence. */
  setMix(mix: Mix): void;
  close(): Promise<void>;
}

/** mulberry32: a small, fast, seedable generator, good enough to spread faults. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function picker(mix: Mix, random: () => number): () => FaultKind {
  const entries = FAULT_KINDS.map((k) => [k, mix[k] ?? 0] as const).filter(([, w]) => w > 0);
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  if (total <= 0) throw new Error('the fault mix has no positive weight');
  return () => {
    let r = random() * total;
    for (const [kind, weight] of entries) if ((r -= weight) < 0) return kind;
    return entries[entries.length - 1][0];
  };
}

// The gateway's id clean-up: non-printing characters (except the space) and invisible printables removed, then trimmed.
// eslint-disable-next-line no-misleading-character-class -- each listed code point is removed on its own, combining or not
const NOT_SHOWN = /(?! )[\p{C}\p{Z}\u034F\u115F\u1160\u17B4\u17B5\u180E\u2800\u3164\uFFA0]/gu;
const presentId = (v: unknown) =>
  (typeof v === 'string' ? v : v === undefined || v === null ? '' : (JSON.stringify(v) ?? '')).replace(NOT_SHOWN, '').trim() !== '';

export async function startChaosServer(options: ChaosOptions = {}): Promise<ChaosServer> {
  const seed = options.seed ?? 1;
  const random = seededRandom(seed);
  // Delays draw from their own generator, so the fault of the n-th request depends on the seed alone,
  // not on how answers interleave with arrivals.
  const delays = seededRandom(seed ^ 0x9e3779b9);
  let pick = picker(options.mix ?? { ok: 1 }, random);
  const maxBodyBytes = options.maxBodyBytes ?? 4_096_000;
  const slow = options.slowMs ?? { min: 5, max: 50 };
  const retryAfter = options.retryAfter ?? '1';
  const expectedAuth = options.writeKey === undefined ? undefined : `Basic ${Buffer.from(`${options.writeKey}:`).toString('base64')}`;

  const stored = new Map<string, number>();
  const plan: FaultKind[] = [];
  const tally = Object.fromEntries([...FAULT_KINDS, '400', '401', '413', '500-gzip'].map((k) => [k, 0])) as Tally;
  const retryAfterGaps: number[] = [];
  const retryAfterKeys: string[] = [];
  /** Batches answered 429 with Retry-After, by first messageId → when. */
  const throttled = new Map<string, number>();
  let storedEvents = 0;
  let largestBody = 0;
  let arrived = 0;
  const waiters: { n: number; resolve: () => void }[] = [];

  const store = (ids: string[]) => {
    if (!options.countOnly) for (const id of ids) stored.set(id, (stored.get(id) ?? 0) + 1);
    storedEvents += ids.length;
  };
  const answer = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'text/plain', ...headers });
    res.end(body);
  };

  /** The gateway's checks; the messageIds to store, or the error answer. */
  const judge = (text: string): { ids: string[] } | { status: number; body: string } => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { status: 400, body: 'invalid json\n' };
    }
    const batch = (parsed as { batch?: unknown } | null)?.batch;
    if (!Array.isArray(batch) || batch.length === 0) return { status: 400, body: 'empty batch payload\n' };
    const ids: string[] = [];
    for (const event of batch) {
      if (typeof event !== 'object' || event === null || Array.isArray(event)) return { status: 400, body: 'event is not a valid rudder event\n' };
      if (!presentId(event.userId) && !presentId(event.anonymousId)) return { status: 400, body: 'request neither has anonymousId nor userId\n' };
      ids.push(typeof event.messageId === 'string' ? event.messageId : '');
    }
    return { ids };
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    arrived++;
    for (const w of waiters.filter((w) => arrived >= w.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
    if (req.method !== 'POST' || !req.url?.startsWith('/v1/batch')) return answer(res, 404, 'not found\n');
    if (expectedAuth !== undefined && req.headers.authorization !== expectedAuth) {
      tally['401']++;
      return answer(res, 401, 'invalid write key\n');
    }
    const kind = pick();
    plan.push(kind);
    if (kind === 'reset') {
      tally.reset++;
      // Mid-request: as soon as body bytes arrive (or at once, for a body that came with the headers).
      req.once('data', () => req.socket.destroy());
      req.once('end', () => req.socket.destroy());
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const decode = (done: (error: Error | null, body: Buffer) => void) =>
        req.headers['content-encoding'] === 'gzip' ? gunzip(raw, done) : done(null, raw);
      decode((error, body) => {
        if (error) {
          tally['500-gzip']++;
          return answer(res, 500, 'failed to read body from request\n');
        }
        largestBody = Math.max(largestBody, body.length);
        const verdict = judge(body.toString('utf8'));
        if ('status' in verdict) {
          tally['400']++;
          return answer(res, verdict.status, verdict.body);
        }
        if (body.length > maxBodyBytes) {
          tally['413']++;
          return answer(res, 413, 'request size exceeds max limit\n');
        }
        tally[kind]++;
        const key = verdict.ids[0];
        const since = throttled.get(key);
        if (since !== undefined) {
          throttled.delete(key);
          retryAfterGaps.push(Date.now() - since);
          retryAfterKeys.push(key);
        }
        switch (kind) {
          case 'ok':
            store(verdict.ids);
            return answer(res, 200, 'ok');
          case 'slow':
            return void setTimeout(
              () => {
                store(verdict.ids);
                answer(res, 200, 'ok');
              },
              slow.min + Math.floor(delays() * (slow.max - slow.min + 1)),
            );
          case '429-retry-after':
            throttled.set(key, Date.now());
            return answer(res, 429, 'max requests limit reached\n', { 'retry-after': retryAfter });
          case 'stall':
            return; // the client's deadline ends it
          case 'stall-body':
            store(verdict.ids);
            res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
            res.write('o');
            return;
          case 'lost-ack':
            store(verdict.ids);
            return void req.socket.destroy();
          case 'garbage':
            return void req.socket.end('HTTP/1.1 2OO NOT OK\r\nContent-Length: -7\r\n\r\n\x00\xff');
          default:
            return answer(res, Number(kind.slice(0, 3)), kind === '429' ? 'max requests limit reached\n' : `fault ${kind}\n`);
        }
      });
    });
  };

  const server = createServer(handle);
  // A socket destroyed mid-request is expected here, not a server error.
  server.on('clientError', (_error, socket) => socket.destroy());
  const listening = await listenOnLoopback(server);

  return {
    url: listening.url,
    stored,
    plan,
    retryAfterGaps,
    retryAfterKeys,
    stats: () => ({
      requests: Object.values(tally).reduce((a, b) => a + b, 0),
      tally: { ...tally },
      storedEvents,
      uniqueStored: options.countOnly ? storedEvents : stored.size,
      duplicates: options.countOnly ? 0 : storedEvents - stored.size,
      largestBody,
    }),
    waitForRequests: (n) => (arrived >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))),
    setMix: (mix) => {
      pick = picker(mix, random);
    },
    close: listening.close,
  };
}
