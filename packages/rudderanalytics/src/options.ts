/** Client options, their defaults, and the checks that keep them inside what the gateway accepts. */
import { ConfigError } from './errors.js';
import { SENT_AT_BYTES, batchBytes } from './encode.js';

/** Where log lines go. Every method is optional; the default logs warnings and errors to the console. */
export interface Logger {
  /** Request-level detail; off by default. */
  debug?(message: string): void;
  /** Notable, expected events. */
  info?(message: string): void;
  /** Something the operator should look at; the client carries on. */
  warn?(message: string): void;
  /** Events finally not delivered, when nobody listens to `'error'`. */
  error?(message: string): void;
}

/** What happens to a new event when `maxQueueSize` events are already waiting. */
export type OverflowPolicy =
  /** The new event is dropped (`'dropped'` event, `dropped` counter); the call still returns. Default. */
  | 'drop-newest'
  /** The oldest waiting event is dropped to make room. */
  | 'drop-oldest'
  /** The call throws a DroppedError; nothing already queued is touched. */
  | 'throw';

/** How a batch is retried after a retryable answer (408, 429, 5xx, a network error, a timeout). */
export interface RetryOptions {
  /** Attempts per batch, the first included. Default 10. */
  maxAttempts?: number;
  /** First backoff delay in ms; doubles each attempt, with equal jitter (half fixed, half random). Default 100. */
  minDelayMs?: number;
  /** Largest backoff delay in ms. Default 30,000. */
  maxDelayMs?: number;
  /** A batch is given up after this long since its first attempt, in ms. Default 300,000 (5 minutes). */
  maxElapsedMs?: number;
  /** A server's `Retry-After` is honoured up to this many ms (never below the backoff). Default 60,000. */
  maxRetryAfterMs?: number;
}

/** Options of {@link RudderAnalytics.load}. Every field is optional. */
export interface ClientOptions {
  /** Send a batch once this many events are queued. Default 1000. */
  flushAt?: number;
  /** Send whatever is queued this long (ms) after the first event arrived. Default 2000. */
  flushInterval?: number;
  /** Largest request body in bytes, before compression. Default 500,000; at most the gateway's 4,096,000. */
  maxBatchBytes?: number;
  /** Largest single event in bytes, as serialized. Default 32,768 (RudderStack's hosted limit). */
  maxMessageBytes?: number;
  /** Most events held waiting for delivery. Default 20,000. */
  maxQueueSize?: number;
  /** What happens when the queue is full. Default `'drop-newest'`. */
  overflow?: OverflowPolicy;
  /** Most requests in flight at once. Default 2. */
  maxInFlight?: number;
  /** Deadline for one request, connection to response body, in ms. Default 10,000. */
  timeoutMs?: number;
  /** Retry policy for 429, 5xx, timeouts and network errors. */
  retry?: RetryOptions;
  /** Gzip request bodies. Default true; falls back to plain JSON once for a data plane older than v1.4. */
  gzip?: boolean;
  /** Where log lines go. Default: warnings and errors to the console. */
  logger?: Logger;
  /**
   * The fetch implementation to send with. Default: on Node (20.16+), `node:http`/`node:https` with a
   * keep-alive agent, which costs less CPU and memory per request than Node's fetch; elsewhere `globalThis.fetch`.
   */
  fetch?: typeof fetch;
  /** When false, calls are validated and return ids but nothing is queued or sent. Default true. */
  enable?: boolean;
  /**
   * Refuse what is only warned about by default (a misspelt field, an unreadable timestamp, an id that is
   * an object…) and require the typed calls' fields (`event`, `name`, `groupId`, `previousId`) at run
   * time too. Default false: the SDK accepts what the gateway accepts.
   */
  strict?: boolean;
  /** On Node, flush what is still queued when the event loop empties (`beforeExit`). Default true. */
  flushOnExit?: boolean;
  /**
   * Edge runtimes: called with the promise of every request, so the platform keeps the invocation
   * alive until it settles (e.g. `ctx.waitUntil.bind(ctx)` on Cloudflare Workers).
   */
  waitUntil?: (promise: Promise<unknown>) => void;
}

/** The gateway's cap on a decompressed request body (`Gateway.maxReqSizeInKB` = 4000). */
export const GATEWAY_MAX_BODY_BYTES = 4_096_000;

export interface ResolvedOptions {
  flushAt: number;
  flushInterval: number;
  maxBatchBytes: number;
  maxMessageBytes: number;
  maxQueueSize: number;
  overflow: OverflowPolicy;
  maxInFlight: number;
  timeoutMs: number;
  retry: Required<RetryOptions>;
  gzip: boolean;
  logger: Logger;
  /** The caller's fetch; undefined: node:http on Node, else the global fetch (transport.ts, chooseSender). */
  fetch: typeof fetch | undefined;
  enable: boolean;
  strict: boolean;
  flushOnExit: boolean;
  waitUntil?: (promise: Promise<unknown>) => void;
}

const consoleLogger: Logger = {
  warn: (message) => console.warn(`[rudderanalytics] ${message}`),
  error: (message) => console.error(`[rudderanalytics] ${message}`),
};

export function resolveOptions(given: ClientOptions | undefined): ResolvedOptions {
  const options = object('options', given) ?? {};
  const retry = object('retry', options.retry) ?? {};
  const logger = object('logger', options.logger);
  if (options.fetch !== undefined && typeof options.fetch !== 'function') throw new ConfigError('fetch must be a function');
  const resolved: ResolvedOptions = {
    flushAt: int('flushAt', options.flushAt, 1000, 1),
    flushInterval: int('flushInterval', options.flushInterval, 2000, 0),
    maxBatchBytes: int('maxBatchBytes', options.maxBatchBytes, 500_000, 1024, GATEWAY_MAX_BODY_BYTES),
    maxMessageBytes: 0, // below: its default depends on maxBatchBytes
    maxQueueSize: int('maxQueueSize', options.maxQueueSize, 20_000, 1),
    overflow: options.overflow ?? 'drop-newest',
    maxInFlight: int('maxInFlight', options.maxInFlight, 2, 1, 64),
    timeoutMs: int('timeoutMs', options.timeoutMs, 10_000, 1),
    retry: {
      maxAttempts: int('retry.maxAttempts', retry.maxAttempts, 10, 1),
      minDelayMs: int('retry.minDelayMs', retry.minDelayMs, 100, 0),
      maxDelayMs: int('retry.maxDelayMs', retry.maxDelayMs, 30_000, 0),
      maxElapsedMs: int('retry.maxElapsedMs', retry.maxElapsedMs, 300_000, 0),
      maxRetryAfterMs: int('retry.maxRetryAfterMs', retry.maxRetryAfterMs, 60_000, 0),
    },
    gzip: bool('gzip', options.gzip, true),
    logger: logger ?? consoleLogger,
    fetch: options.fetch,
    enable: bool('enable', options.enable, true),
    strict: bool('strict', options.strict, false),
    flushOnExit: bool('flushOnExit', options.flushOnExit, true),
  };
  // A small maxBatchBytes lowers the default message limit with it, so that one event always fits.
  resolved.maxMessageBytes = int('maxMessageBytes', options.maxMessageBytes, Math.min(32_768, resolved.maxBatchBytes - batchBytes(0, 0)), 64);
  if (options.waitUntil !== undefined) {
    if (typeof options.waitUntil !== 'function') throw new ConfigError('waitUntil must be a function');
    resolved.waitUntil = options.waitUntil;
  }
  if (!['drop-newest', 'drop-oldest', 'throw'].includes(resolved.overflow)) {
    throw new ConfigError(`overflow must be 'drop-newest', 'drop-oldest' or 'throw'`);
  }
  if (batchBytes(1, resolved.maxMessageBytes - SENT_AT_BYTES) > resolved.maxBatchBytes) {
    throw new ConfigError('maxMessageBytes must leave room for one event in maxBatchBytes');
  }
  return resolved;
}

// Options often come from environment variables: 'false' or '0' must not silently mean true.
function bool(name: string, value: boolean | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ConfigError(`${name} must be a boolean (true or false)`);
  return value;
}

function object<T>(name: string, value: T | undefined): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`${name} must be an object`);
  return value;
}

function int(name: string, value: number | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}
