/**
 * A journal in a Redis Stream shared by many SDK processes. Each process adds the events it accepts
 * and, in the same atomic step, claims them in the consumer group, so it delivers its own events from
 * memory (no round trip before sending) while Redis holds a copy. After the data plane's 2xx the entry
 * is acknowledged and deleted. A process that dies leaves its entries pending under its consumer name;
 * the take-over loop (takeover.ts) of a live process adopts them once idle for `claimIdleMs`.
 *
 * The durability point is the acknowledgement of the XADD, shortly after the call returns (adds are
 * batched per turn of the event loop): a process killed before that loses what it had not yet added.
 */
import { messageIdOf, type QueuedEvent } from '../encode.js';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { ConfigError, type DeliveryError, type DroppedError } from '../errors.js';
import type { Journal, ReplayIntake } from '../journal.js';
import { deadLetter, deadLetterCause, type DeadLetter } from '../dead-letter-record.js';
import { LogLimit } from '../log-limit.js';
import { ADD_CHUNK, chunks, StreamCommands, type Entry } from './commands.js';
import { TakeoverLoop } from './takeover.js';

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

/** `open` · `closing`: `close()` is handing over · `closed`: nothing more is sent to Redis. */
type StoreState = 'open' | 'closing' | 'closed';

/**
 * A journal in a Redis Stream shared by many processes, for the `storage` option: each accepted event
 * is added to the stream, delivered by the process that accepted it, and taken over by another process
 * if that one dies.
 */
export class RedisStore implements Journal {
  /** The stream key of the journal; default `rudderanalytics:events`. */
  readonly stream: string;
  /** The consumer group name; default `rudderanalytics`. */
  readonly group: string;
  /** This process's consumer name; default `<hostname>:<pid>:<random>`. */
  readonly consumer: string;
  /** The stream key of dead letters; default `<stream>:dead-letter`. */
  readonly deadLetterStream: string;
  private readonly redis: Redis;
  private readonly commands: StreamCommands;
  private readonly loop: TakeoverLoop;
  private readonly ownsClient: boolean;
  private readonly maxLen: number;
  private readonly whenFull: 'reject' | 'trim';
  private readonly deadLetterMaxLen: number;
  private readonly timeoutMs: number;
  private readonly warnLog: (message: string) => void;
  /** Entry id of every event added or adopted here and not yet settled. */
  private readonly held = new Map<QueuedEvent, string>();
  private readonly heldIds = new Set<string>();
  /** Accepted events whose XADD has not been sent yet (or failed, to be sent again). */
  private readonly unsent = new Set<QueuedEvent>();
  /** Settled while their XADD was under way: acknowledged as soon as their id is known, never adopted again. */
  private readonly settledEarly = new WeakSet<QueuedEvent>();
  /** Acknowledgements that failed (Redis away): sent again by the loop, or the entries would be delivered twice. */
  private readonly unacked = new Set<string>();
  private readonly work = new Set<Promise<unknown>>();
  private readonly counters: RedisStoreStats = { added: 0, claimed: 0, acknowledged: 0, deadLettered: 0, notDurable: 0 };
  private intake: ReplayIntake | undefined;
  /** Adopted before the client called `replay()`: handed over then. */
  private early: QueuedEvent[] = [];
  /** Settles after the loop's first round, or `timeoutMs` after construction if Redis cannot be reached. */
  private readonly startup: Promise<unknown>;
  private state: StoreState = 'open';
  private addScheduled = false;
  private readonly warnings = new LogLimit();
  private closing: Promise<void> | undefined;

  constructor(options: RedisStoreOptions) {
    if (!options || (typeof options.redis !== 'string' && typeof options.redis?.xadd !== 'function')) {
      throw new ConfigError('RedisStore: redis must be an ioredis client or a redis:// URL');
    }
    this.ownsClient = typeof options.redis === 'string';
    this.redis = typeof options.redis === 'string' ? new Redis(options.redis, { lazyConnect: false }) : options.redis;
    if (this.ownsClient) this.redis.on('error', (error: Error) => this.warn('connection', `Redis: ${error.message}`));
    this.stream = options.stream ?? 'rudderanalytics:events';
    this.group = options.group ?? 'rudderanalytics';
    this.consumer = options.consumer ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
    this.deadLetterStream = options.deadLetterStream ?? `${this.stream}:dead-letter`;
    this.maxLen = positive('maxLen', options.maxLen, 1_000_000);
    this.whenFull = options.whenFull ?? 'reject';
    if (this.whenFull !== 'reject' && this.whenFull !== 'trim') throw new ConfigError(`RedisStore: whenFull must be 'reject' or 'trim'`);
    const claimIdleMs = positive('claimIdleMs', options.claimIdleMs, 30_000);
    this.deadLetterMaxLen = positive('deadLetterMaxLen', options.deadLetterMaxLen, 100_000);
    this.timeoutMs = positive('timeoutMs', options.timeoutMs, 10_000);
    const logger = options.logger ?? { warn: (message: string) => console.warn(`[rudderanalytics] ${message}`) };
    this.warnLog = (message) => logger.warn?.(`RedisStore: ${message}`);
    this.commands = new StreamCommands(this.redis, this.stream, this.group, this.consumer);
    this.loop = new TakeoverLoop(
      this.commands,
      {
        heldIds: () => [...this.heldIds],
        adopt: (entries) => this.adopt(entries),
        backlog: () => this.intake?.backlog ?? this.early.length,
        retryPending: () => this.retryPending(),
        warn: (kind, message) => this.warn(kind, message),
      },
      claimIdleMs,
    );
    this.startup = withTimeout(this.loop.firstRound, this.timeoutMs);
    this.loop.start();
  }

  /** Counters since this store was created. */
  stats(): RedisStoreStats {
    return { ...this.counters };
  }

  /** Hands what this store adopts (its own pending entries at start, entries taken over later) to the client. */
  replay(intake: ReplayIntake): Promise<void> {
    this.intake = intake;
    const early = this.early;
    this.early = [];
    intake.push(early);
    return this.startup.then(() => undefined);
  }

  append(events: readonly QueuedEvent[]): void {
    for (const event of events) this.unsent.add(event);
    if (!this.addScheduled && this.loop.state === 'running') {
      // One round trip per turn of the event loop covers every event accepted in it.
      this.addScheduled = true;
      setImmediate(() => this.sendAdds());
    }
  }

  settle(events: readonly QueuedEvent[], failure?: DeliveryError | DroppedError): void {
    if (this.state === 'closed') return;
    let deadLetters: { stream: string; maxLen: number; records: string[] } | undefined;
    if (failure) {
      const failedAt = new Date().toISOString();
      const cause = deadLetterCause(failure);
      const records = events.map((event) => JSON.stringify(deadLetter(event.json, cause, failedAt)));
      deadLetters = { stream: this.deadLetterStream, maxLen: this.deadLetterMaxLen, records };
      this.counters.deadLettered += events.length;
    }
    const ids: string[] = [];
    for (const event of events) {
      const id = this.held.get(event);
      if (id !== undefined) {
        ids.push(id);
        this.held.delete(event);
        this.heldIds.delete(id);
      } else if (!this.unsent.delete(event)) this.settledEarly.add(event); // unsent: never added at all
    }
    if (ids.length || deadLetters) this.acknowledge(ids, deadLetters);
  }

  /**
   * Settles when the store has started (its first take-over round has run: waited for once, at most
   * `timeoutMs` after construction) and the XADDs, acknowledgements and dead letters sent so far have been
   * answered (or `timeoutMs` passed). The client's `flush()` calls it after its own, so deliveries are acknowledged too.
   */
  async flush(): Promise<void> {
    await this.startup;
    if (this.unsent.size && this.loop.state === 'running') this.sendAdds();
    await this.settleWork();
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
    this.state = 'closing';
    await withTimeout(this.loop.stop(), this.timeoutMs);
    await this.flush();
    this.state = 'closed';
    const ids = [...this.heldIds];
    if (ids.length) this.track(this.commands.touch(ids, 2 ** 40), 'hand-over');
    await this.settleWork();
    if (this.ownsClient) {
      await withTimeout(
        this.redis.quit().catch(() => undefined),
        this.timeoutMs,
      );
      this.redis.disconnect();
    }
  }

  /** Reads up to `count` dead letters, oldest first, with their stream entry ids. */
  async deadLetters(count = 1000): Promise<
    {
      /** The stream entry id: what {@link RedisStore.deleteDeadLetters} takes. */
      id: string;
      /** The dead letter itself. */
      record: DeadLetter;
    }[]
  > {
    const entries = await this.commands.readDeadLetters(this.deadLetterStream, count);
    return entries.map(([id, fields]) => ({ id, record: JSON.parse(fields[fields.indexOf('d') + 1]) as DeadLetter }));
  }

  /** Deletes dead letters (once replayed or inspected). */
  async deleteDeadLetters(ids: string[]): Promise<void> {
    await this.commands.deleteDeadLetters(this.deadLetterStream, ids);
  }

  private sendAdds(): void {
    this.addScheduled = false;
    const events = [...this.unsent];
    this.unsent.clear();
    for (const chunk of chunks(events, ADD_CHUNK)) {
      const added = this.commands
        .addAndClaim(
          chunk.map((e) => e.json),
          this.maxLen,
          this.whenFull,
        )
        .then(
          ({ ids, orphans }) => this.onAdded(chunk, ids, orphans),
          (error: Error) => {
            if (/NOGROUP/.test(error.message)) this.loop.groupLost();
            const retry = this.state === 'open';
            // Still undelivered: tried again by the next round of the loop. Delivered meanwhile: never added.
            const again = retry ? chunk.filter((event) => !this.settledEarly.has(event)) : [];
            for (const event of again) this.unsent.add(event);
            if (!retry) this.counters.notDurable += chunk.length;
            this.warn(
              'add',
              `${chunk.length} event(s) not stored in Redis${retry ? ' yet (will retry)' : ''}, delivered from memory meanwhile: ${error.message}`,
            );
          },
        );
      this.track(added);
    }
  }

  private onAdded(chunk: QueuedEvent[], ids: string[], orphans: Entry[]): void {
    this.counters.added += ids.length;
    if (ids.length < chunk.length) {
      this.counters.notDurable += chunk.length - ids.length;
      this.warn(
        'full',
        `the stream holds maxLen (${this.maxLen}) undelivered events: ${chunk.length - ids.length} event(s) not stored, delivered from memory only`,
      );
    }
    const early: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const event = chunk[i];
      if (this.settledEarly.has(event)) early.push(ids[i]);
      else {
        this.held.set(event, ids[i]);
        this.heldIds.add(ids[i]);
      }
    }
    if (early.length) this.acknowledge(early);
    this.adopt(orphans);
  }

  private acknowledge(ids: string[], deadLetters?: { stream: string; maxLen: number; records: string[] }): void {
    this.track(
      this.commands.acknowledge(ids, deadLetters).then(
        () => {
          this.counters.acknowledged += ids.length;
        },
        (error: Error) => {
          for (const id of ids) this.unacked.add(id);
          throw error;
        },
      ),
      'acknowledge',
    );
  }

  /** Each loop round: adds and acknowledgements that failed while Redis was away go again. */
  private retryPending(): void {
    if (this.unsent.size && !this.addScheduled) this.sendAdds();
    if (this.unacked.size) {
      const ids = [...this.unacked];
      this.unacked.clear();
      this.acknowledge(ids);
    }
  }

  /** Queues entries found pending or idle, skipping any already held here. */
  private adopt(entries: Entry[]): void {
    const events: QueuedEvent[] = [];
    for (const [id, json] of entries) {
      if (this.heldIds.has(id) || this.unacked.has(id) || typeof json !== 'string') continue;
      const messageId = messageIdOf(json);
      if (messageId === undefined) {
        this.warn('corrupt', `entry ${id} is not an event; acknowledged and dropped`);
        this.acknowledge([id]);
        continue;
      }
      const event: QueuedEvent = { messageId, json, bytes: Buffer.byteLength(json), seq: 0 };
      this.held.set(event, id);
      this.heldIds.add(id);
      events.push(event);
    }
    if (events.length === 0) return;
    this.counters.claimed += events.length;
    if (this.intake) this.intake.push(events);
    else this.early.push(...events);
  }

  /** The Redis commands sent so far (not those sent meanwhile: a busy process would never see an empty set), at most `timeoutMs`. */
  private async settleWork(): Promise<void> {
    if (this.work.size > 0) await withTimeout(Promise.allSettled([...this.work]), this.timeoutMs);
  }

  private track(promise: Promise<unknown>, what?: string): void {
    const tracked = promise.catch((error: Error) => {
      if (what) this.warn(what, `Redis ${what} failed: ${error.message}`);
    });
    this.work.add(tracked);
    void tracked.finally(() => this.work.delete(tracked));
  }

  /** One warning per kind per 10 s: an outage must not flood the log. */
  private warn(kind: string, message: string): void {
    if (this.warnings.allow(kind)) this.warnLog(message);
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
