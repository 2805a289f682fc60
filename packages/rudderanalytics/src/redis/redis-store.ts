/**
 * An event store in a Redis Stream shared by many SDK processes. Each process adds the events it
 * accepts and, in the same atomic step, claims them in the consumer group, so it delivers its own events
 * from memory (no round trip before sending) while Redis holds a copy. After the data plane's 2xx the
 * entry is acknowledged and deleted. A process that dies leaves its entries pending under its consumer
 * name; live processes heartbeat theirs and take over (XAUTOCLAIM) any entry idle for `claimIdleMs`.
 *
 * The durability point is the acknowledgement of the XADD, shortly after `push()` returns (adds are
 * batched per turn of the event loop): a process killed before that loses what it had not yet added.
 */
import { messageIdOf } from '../encode.js';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { ConfigError, type DeliveryError } from '../errors.js';
import { MemoryQueue, type EventQueue, type QueuedEvent } from '../queue.js';
import { deadLetter, type DeadLetter, type DeadLetterCause } from '../node/dead-letter.js';
import { ADD_AND_CLAIM } from './scripts.js';

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions {
  /** An ioredis client (the store only sends non-blocking commands, so it may be shared) or a redis:// URL. */
  redis: Redis | string;
  /** Stream key. Default `rudderanalytics:events`. Every process sending to the same data plane uses the same one. */
  stream?: string;
  /** Consumer group. Default `rudderanalytics`. */
  group?: string;
  /** This process's consumer name, unique among live processes. Default `<hostname>:<pid>:<random>`. */
  consumer?: string;
  /**
   * Bound on undelivered entries in the stream. Default 1,000,000. What happens beyond it is `whenFull`.
   */
  maxLen?: number;
  /**
   * `'reject'` (default): new events are not added (still delivered from memory, but not durable: a warning
   * and `stats().notDurable`); `'trim'`: `XADD MAXLEN ~`, the oldest undelivered entries are dropped from the stream.
   */
  whenFull?: 'reject' | 'trim';
  /** An entry pending this long without a heartbeat from its consumer is taken over. Default 30,000 ms. */
  claimIdleMs?: number;
  /** Stream of dead letters (`d` field: a JSON dead-letter record). Default `<stream>:dead-letter`. */
  deadLetterStream?: string;
  /** Bound on the dead-letter stream (MAXLEN ~). Default 100,000. */
  deadLetterMaxLen?: number;
  /** Longest `flush()`/`close()` wait for Redis round trips, in ms. Default 10,000. */
  timeoutMs?: number;
  /** Receives warnings (Redis errors, a full stream). Default: `console.warn`. */
  logger?: {
    /** One warning, one line. */
    warn?(message: string): void;
  };
}

/** Counters of one {@link RedisStore} since it was created. */
export interface RedisStoreStats {
  /** Events added to the stream by this process. */
  added: number;
  /** Entries taken over from other (dead) consumers, or found pending under this consumer's name at start. */
  claimed: number;
  /** Entries acknowledged and deleted by this process. */
  acknowledged: number;
  /** Events this process wrote to the dead-letter stream. */
  deadLettered: number;
  /**
   * Events never added: the stream was full (`whenFull: 'reject'`), or an add failed while closing. They are
   * delivered from memory only. A failed add (Redis unreachable) is otherwise tried again every round.
   */
  notDurable: number;
}

type AddResult = [string[], string[]];
type AutoClaimResult = [string, ([string, string[]] | null)[], string[]?];
type ReadGroupResult = [string, [string, string[]][]][] | null;
interface ScriptedRedis extends Redis {
  rudderAddAndClaim(key: string, ...args: (string | number)[]): Promise<AddResult>;
}

const ADD_CHUNK = 500;
const ID_CHUNK = 1000;
/** Take-overs stop while this many events already wait locally, so a large backlog is shared among live processes. */
const CLAIM_BACKLOG = 5000;
const WARN_INTERVAL_MS = 10_000;

/**
 * An event store in a Redis Stream shared by many processes, for the `storage` option: each accepted event
 * is added to the stream, delivered by the process that accepted it, and taken over by another process
 * if that one dies.
 */
export class RedisStore implements EventQueue {
  readonly durable = true;
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  readonly deadLetterStream: string;
  private readonly redis: ScriptedRedis;
  private readonly ownsClient: boolean;
  private readonly maxLen: number;
  private readonly whenFull: 'reject' | 'trim';
  private readonly claimIdleMs: number;
  private readonly deadLetterMaxLen: number;
  private readonly timeoutMs: number;
  private readonly warnLog: (message: string) => void;
  private readonly waiting = new MemoryQueue();
  /** Entry id of every event added or claimed here and not yet released. */
  private readonly held = new Map<QueuedEvent, string>();
  private readonly heldIds = new Set<string>();
  /** Accepted events whose XADD has not been sent yet. */
  private readonly unsent = new Set<QueuedEvent>();
  /** Released while their XADD was under way: acknowledged as soon as their id is known. */
  private readonly releasedEarly = new WeakSet<QueuedEvent>();
  /** Claimed events not yet released, and the flushes waiting for some of them. */
  private readonly claimedOpen = new Set<QueuedEvent>();
  private claimBarriers: { events: Set<QueuedEvent>; resolve: () => void }[] = [];
  private readonly work = new Set<Promise<unknown>>();
  private readonly counters: RedisStoreStats = { added: 0, claimed: 0, acknowledged: 0, deadLettered: 0, notDurable: 0 };
  private wake: (() => void) | undefined;
  private ready = false;
  /** The first full round (own pending entries, then take-overs) has run: what a start "replays". */
  private firstRound = false;
  private onFirstRound!: () => void;
  /** Settles after the first round, or `timeoutMs` after construction if Redis cannot be reached: waited for once, never again. */
  private readonly startup: Promise<unknown>;
  private addScheduled = false;
  private loopTimer: ReturnType<typeof setTimeout> | undefined;
  private loopRunning: Promise<void> | undefined;
  private lastHeartbeat = 0;
  private lastWarn = new Map<string, number>();
  private closed = false;
  /** close() was called: the background loop ends. */
  private stopping = false;
  private closing: Promise<void> | undefined;

  constructor(options: RedisStoreOptions) {
    if (!options || (typeof options.redis !== 'string' && typeof options.redis?.xadd !== 'function')) {
      throw new ConfigError('RedisStore: redis must be an ioredis client or a redis:// URL');
    }
    this.ownsClient = typeof options.redis === 'string';
    this.redis = (typeof options.redis === 'string' ? new Redis(options.redis, { lazyConnect: false }) : options.redis) as ScriptedRedis;
    if (this.ownsClient) this.redis.on('error', (error: Error) => this.warn('connection', `Redis: ${error.message}`));
    this.stream = options.stream ?? 'rudderanalytics:events';
    this.group = options.group ?? 'rudderanalytics';
    this.consumer = options.consumer ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
    this.deadLetterStream = options.deadLetterStream ?? `${this.stream}:dead-letter`;
    this.maxLen = positive('maxLen', options.maxLen, 1_000_000);
    this.whenFull = options.whenFull ?? 'reject';
    if (this.whenFull !== 'reject' && this.whenFull !== 'trim') throw new ConfigError(`RedisStore: whenFull must be 'reject' or 'trim'`);
    this.claimIdleMs = positive('claimIdleMs', options.claimIdleMs, 30_000);
    this.deadLetterMaxLen = positive('deadLetterMaxLen', options.deadLetterMaxLen, 100_000);
    this.timeoutMs = positive('timeoutMs', options.timeoutMs, 10_000);
    const logger = options.logger ?? { warn: (message: string) => console.warn(`[rudderanalytics] ${message}`) };
    this.warnLog = (message) => logger.warn?.(`RedisStore: ${message}`);
    if (!this.redis.rudderAddAndClaim) this.redis.defineCommand('rudderAddAndClaim', { numberOfKeys: 1, lua: ADD_AND_CLAIM });
    this.startup = withTimeout(new Promise<void>((resolve) => (this.onFirstRound = resolve)), this.timeoutMs);
    this.schedule(0);
  }

  get length(): number {
    return this.waiting.length;
  }

  get bytes(): number {
    return this.waiting.bytes;
  }

  /** Counters since this store was created. */
  stats(): RedisStoreStats {
    return { ...this.counters };
  }

  push(event: QueuedEvent): void {
    this.waiting.push(event);
    this.unsent.add(event);
    if (!this.addScheduled && this.ready) {
      // One round trip per turn of the event loop covers every event accepted in it.
      this.addScheduled = true;
      setImmediate(() => this.sendAdds());
    }
  }

  peek(): QueuedEvent | undefined {
    return this.waiting.peek();
  }

  /** Only `overflow: 'drop-oldest'` removes events this way: the dropped event becomes a dead letter. */
  shift(): QueuedEvent | undefined {
    const event = this.waiting.shift();
    if (event) this.release([event], undefined, { reason: 'queue_full' });
    return event;
  }

  take(maxEvents: number, maxBytes: number): QueuedEvent[] {
    return this.waiting.take(maxEvents, maxBytes);
  }

  release(events: readonly QueuedEvent[], failure?: DeliveryError, cause: DeadLetterCause | undefined = failure): void {
    if (this.closed) return;
    const pipeline = cause ? this.redis.pipeline() : undefined;
    if (pipeline && cause) {
      const failedAt = new Date().toISOString();
      for (const event of events) {
        const record = deadLetter(event.json, cause, failedAt);
        pipeline.xadd(this.deadLetterStream, 'MAXLEN', '~', this.deadLetterMaxLen, '*', 'd', JSON.stringify(record));
      }
      this.counters.deadLettered += events.length;
    }
    const ids: string[] = [];
    for (const event of events) {
      const id = this.held.get(event);
      if (id !== undefined) {
        ids.push(id);
        this.held.delete(event);
        this.heldIds.delete(id);
      } else if (!this.unsent.delete(event)) this.releasedEarly.add(event); // unsent: never added at all
      if (this.claimedOpen.delete(event)) this.settleClaimBarriers(event);
    }
    // Dead letters go first on the same connection: an entry is never acknowledged before its dead letter is stored.
    if (ids.length) this.acknowledge(ids, pipeline);
    else if (pipeline) this.track(pipeline.exec(), 'dead letters');
  }

  attach(wake: () => void): void {
    this.wake = wake;
  }

  /**
   * Settles when (0) the first take-over round after start has run (waited for once, at most `timeoutMs`
   * after construction), (1) the XADDs, acknowledgements and dead letters sent so far have been answered
   * (or `timeoutMs` passed), and (2) entries this process had taken over before the call are delivered or
   * dead-lettered. Events this process accepted are delivered by it, so the client's own flush covers them.
   */
  async flush(): Promise<void> {
    await this.startup;
    const claimed = this.claimedOpen.size
      ? new Promise<void>((resolve) => this.claimBarriers.push({ events: new Set(this.claimedOpen), resolve }))
      : undefined;
    if (this.unsent.size && this.ready) this.sendAdds();
    await this.settleWork();
    if (claimed) await claimed;
  }

  /**
   * Stops taking over, waits (up to `timeoutMs`) for the Redis round trips, and hands this process's
   * undelivered entries over at once (marked idle), so a live process takes them without waiting for `claimIdleMs`.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    await this.startup;
    this.stopping = true;
    if (this.loopTimer !== undefined) clearTimeout(this.loopTimer);
    this.loopTimer = undefined;
    if (this.unsent.size && this.ready) this.sendAdds();
    await this.settleWork();
    await withTimeout(this.loopRunning ?? Promise.resolve(), this.timeoutMs);
    this.closed = true;
    const ids = [...this.heldIds];
    const pipeline = this.redis.pipeline();
    for (let i = 0; i < ids.length; i += ID_CHUNK) {
      pipeline.xclaim(this.stream, this.group, this.consumer, 0, ...ids.slice(i, i + ID_CHUNK), 'IDLE', 2 ** 40, 'JUSTID');
    }
    if (ids.length) this.track(pipeline.exec(), 'hand-over');
    await this.settleWork();
    for (const barrier of this.claimBarriers) barrier.resolve();
    this.claimBarriers = [];
    if (this.ownsClient) {
      await withTimeout(this.redis.quit().catch(() => undefined), this.timeoutMs);
      this.redis.disconnect();
    }
  }

  /** Reads up to `count` dead letters, oldest first, with their stream entry ids. */
  async deadLetters(count = 1000): Promise<{ id: string; record: DeadLetter }[]> {
    const entries = (await this.redis.xrange(this.deadLetterStream, '-', '+', 'COUNT', count)) as [string, string[]][];
    return entries.map(([id, fields]) => ({ id, record: JSON.parse(fields[fields.indexOf('d') + 1]) as DeadLetter }));
  }

  /** Deletes dead letters (once replayed or inspected). */
  async deleteDeadLetters(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += ID_CHUNK) await this.redis.xdel(this.deadLetterStream, ...ids.slice(i, i + ID_CHUNK));
  }

  private sendAdds(): void {
    this.addScheduled = false;
    const events = [...this.unsent];
    this.unsent.clear();
    for (let i = 0; i < events.length; i += ADD_CHUNK) {
      const chunk = events.slice(i, i + ADD_CHUNK);
      const added = this.redis
        .rudderAddAndClaim(this.stream, this.group, this.consumer, this.maxLen, this.whenFull, ...chunk.map((e) => e.json))
        .then(
          ([ids, orphans]) => this.onAdded(chunk, ids, orphans),
          (error: Error) => {
            if (/NOGROUP/.test(error.message)) this.ready = false; // the group was deleted: recreated by the loop
            const retry = !this.stopping;
            // Still waiting here: tried again by the next round of the loop.
            const again = retry ? chunk.filter((event) => !this.releasedEarly.has(event)) : [];
            for (const event of again) this.unsent.add(event);
            if (!retry) this.counters.notDurable += chunk.length;
            this.warn('add', `${chunk.length} event(s) not stored in Redis${retry ? ' yet (will retry)' : ''}, delivered from memory meanwhile: ${error.message}`);
          },
        );
      this.track(added);
    }
  }

  private onAdded(chunk: QueuedEvent[], ids: string[], orphans: string[]): void {
    this.counters.added += ids.length;
    if (ids.length < chunk.length) {
      this.counters.notDurable += chunk.length - ids.length;
      this.warn('full', `the stream holds maxLen (${this.maxLen}) undelivered events: ${chunk.length - ids.length} event(s) not stored, delivered from memory only`);
    }
    const early: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const event = chunk[i];
      if (this.releasedEarly.has(event) || this.closed) early.push(ids[i]);
      else {
        this.held.set(event, ids[i]);
        this.heldIds.add(ids[i]);
      }
    }
    if (early.length) this.acknowledge(early);
    const adopted: [string, string][] = [];
    for (let i = 0; i < orphans.length; i += 2) adopted.push([orphans[i], orphans[i + 1]]);
    this.adopt(adopted);
  }

  private acknowledge(ids: string[], pipeline = this.redis.pipeline()): void {
    for (let i = 0; i < ids.length; i += ID_CHUNK) {
      const part = ids.slice(i, i + ID_CHUNK);
      pipeline.xack(this.stream, this.group, ...part).xdel(this.stream, ...part);
    }
    this.track(
      pipeline.exec().then((results) => {
        if (!results?.some(([error]) => error)) this.counters.acknowledged += ids.length;
        return results;
      }),
      'acknowledge',
    );
  }

  /** Takes entries into the local queue as replays (`seq: 0`), skipping any already held here. */
  private adopt(entries: [string, string][]): void {
    let count = 0;
    for (const [id, json] of entries) {
      if (this.heldIds.has(id) || typeof json !== 'string') continue;
      const messageId = messageIdOf(json);
      if (messageId === undefined) {
        this.warn('corrupt', `entry ${id} is not an event; acknowledged and dropped`);
        this.acknowledge([id]);
        continue;
      }
      const event: QueuedEvent = { messageId, json, bytes: Buffer.byteLength(json), seq: 0 };
      this.held.set(event, id);
      this.heldIds.add(id);
      this.claimedOpen.add(event);
      this.waiting.push(event);
      count++;
    }
    if (count) {
      this.counters.claimed += count;
      this.wake?.();
    }
  }

  /** The background loop: set up the group, heartbeat held entries, take over idle ones. */
  private schedule(delayMs: number): void {
    if (this.stopping) return;
    this.loopTimer = setTimeout(() => {
      this.loopRunning = this.round()
        .catch((error: Error) => this.warn('loop', `Redis: ${error.message}`))
        .finally(() => {
          this.loopRunning = undefined;
          if (!this.stopping) this.schedule(Math.max(100, Math.min(5_000, Math.floor(this.claimIdleMs / 3))));
        });
    }, delayMs);
    this.loopTimer.unref?.();
  }

  private async round(): Promise<void> {
    if (!this.ready) {
      await this.setUp();
      this.ready = true;
      if (this.unsent.size) this.sendAdds();
    } else if (this.unsent.size && !this.addScheduled) this.sendAdds();
    if (Date.now() - this.lastHeartbeat >= this.claimIdleMs / 3) await this.heartbeat();
    let cursor = '0-0';
    do {
      if (this.stopping || this.waiting.length >= CLAIM_BACKLOG) break;
      const [next, entries] = (await this.redis.xautoclaim(this.stream, this.group, this.consumer, this.claimIdleMs, cursor, 'COUNT', ADD_CHUNK)) as AutoClaimResult;
      this.adopt(entries.flatMap((entry) => (entry ? [[entry[0], entry[1][entry[1].indexOf('e') + 1] ?? entry[1][1]] as [string, string]] : [])));
      cursor = next;
    } while (cursor !== '0-0');
    if (!this.firstRound) {
      this.firstRound = true;
      this.onFirstRound();
    }
  }

  /** Creates the group (from the start of the stream, so entries never delivered are adopted) and takes back this consumer's own pending entries. */
  private async setUp(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.stream, this.group, '0', 'MKSTREAM');
    } catch (error) {
      if (!/BUSYGROUP/.test((error as Error).message)) throw error;
    }
    let after = '0-0';
    for (;;) {
      const read = (await this.redis.xreadgroup('GROUP', this.group, this.consumer, 'COUNT', ADD_CHUNK, 'STREAMS', this.stream, after)) as ReadGroupResult;
      const entries = read?.[0]?.[1] ?? [];
      if (entries.length === 0) return;
      this.adopt(entries.map(([id, fields]) => [id, fields[fields.indexOf('e') + 1] ?? fields[1]]));
      after = entries[entries.length - 1][0];
    }
  }

  /** Resets the idle time of every entry held here, so live processes never take them over. */
  private async heartbeat(): Promise<void> {
    this.lastHeartbeat = Date.now();
    const ids = [...this.heldIds];
    if (ids.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (let i = 0; i < ids.length; i += ID_CHUNK) pipeline.xclaim(this.stream, this.group, this.consumer, 0, ...ids.slice(i, i + ID_CHUNK), 'JUSTID');
    await pipeline.exec();
  }

  private settleClaimBarriers(event: QueuedEvent): void {
    if (this.claimBarriers.length === 0) return;
    this.claimBarriers = this.claimBarriers.filter((barrier) => {
      barrier.events.delete(event);
      if (barrier.events.size > 0) return true;
      barrier.resolve();
      return false;
    });
  }

  /** The Redis commands sent so far (not those sent meanwhile: a busy process would never see an empty set), at most `timeoutMs`. */
  private async settleWork(): Promise<void> {
    if (this.work.size > 0) await withTimeout(Promise.allSettled([...this.work]), this.timeoutMs);
  }

  private track(promise: Promise<unknown>, what?: string): void {
    const tracked = promise.then(
      (results) => {
        const failed = Array.isArray(results) ? results.find((r) => Array.isArray(r) && r[0]) : undefined;
        if (failed && what) this.warn(what, `Redis ${what} failed: ${(failed[0] as Error).message}`);
      },
      (error: Error) => {
        if (what) this.warn(what, `Redis ${what} failed: ${error.message}`);
      },
    );
    this.work.add(tracked);
    void tracked.finally(() => this.work.delete(tracked));
  }

  /** One warning per kind per 10 s: an outage must not flood the log. */
  private warn(kind: string, message: string): void {
    const now = Date.now();
    if (now - (this.lastWarn.get(kind) ?? 0) < WARN_INTERVAL_MS) return;
    this.lastWarn.set(kind, now);
    this.warnLog(message);
  }
}


function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`RedisStore: ${name} must be a positive integer`);
  return value;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, ms));
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
