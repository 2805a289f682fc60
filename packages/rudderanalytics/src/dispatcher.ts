/**
 * Batching, sending and retrying: owns the one queue, admits events into it (the overflow rule), takes
 * them in batches that fit the byte and count limits, sends them, and follows `decide()` after each
 * attempt. When an event's delivery ends (delivered, failed, dropped, given up by `close()`), it hands
 * the event to the settlement (settlement.ts), which resolves whoever waits for it and tells the journal.
 */
import { base64Utf8 } from './bytes.js';
import { gzip } from './compress.js';
import { DeliveryError, DroppedError, type DropReason } from './errors.js';
import { admit } from './overflow.js';
import { Pack } from './pack.js';
import type { QueuedEvent } from './encode.js';
import { MemoryQueue } from './queue.js';
import { redactor, scrubError } from './redact.js';
import { decide, type Outcome } from './retry.js';
import { Settlement, type SettlementHooks } from './settlement.js';
import { backgroundTimeout } from './timers.js';
import type { Sender } from './sender.js';
import { chooseSender, post } from './transport.js';
import type { Journal, ReplayIntake } from './journal.js';
import type { ResolvedOptions } from './options.js';

interface Batch {
  pack: Pack;
  attempts: number;
  firstAttemptAt: number;
  /** Send this batch as plain JSON: the probe after a gzipped request got 400. */
  plain: boolean;
  /** Given up by `abandon()`; a late response must not settle it again. */
  abandoned: boolean;
}

/** What a retry looks like to listeners of `'retry'`. */
export interface RetryInfo {
  /** The number of the attempt that failed, counting from 1. */
  attempt: number;
  /** The wait before the next attempt, in milliseconds. */
  delayMs: number;
  /** The HTTP status of the failed attempt, if a response was received. */
  status?: number;
  /** The error of the failed attempt, when no response was received. */
  error?: unknown;
  /** The ids of the events being retried. */
  messageIds: string[];
}

/** Outcomes the client turns into counters and events. */
export interface DispatchHooks extends SettlementHooks {
  retrying(events: Pack, info: RetryInfo): void;
  /** Events the journal gave back (left by an earlier run, or taken over) entered the queue. */
  replayed(events: readonly QueuedEvent[]): void;
  warn(message: string): void;
}

export class Dispatcher {
  private lastSeq = 0;
  /** Events up to this seq are sent without waiting for a full batch (interval elapsed or flush called). */
  private drainUntil = 0;
  private requests = 0;
  private takenEvents = 0;
  private readonly active = new Set<Batch>();
  private readonly queue: MemoryQueue;
  /** Aborted by `abandon()`: requests still running end at once. */
  private readonly cancel = new AbortController();
  private readonly ready: Batch[] = [];
  private readonly backoffs = new Map<Batch, ReturnType<typeof setTimeout>>();
  private intervalTimer: ReturnType<typeof setTimeout> | undefined;
  private pumpScheduled = false;
  private gzip: boolean;
  /** How requests travel; chosen once, here (a runtime without one fails the constructor). */
  private readonly sender: Sender;
  private readonly settlement: Settlement;
  // A true private field: util.inspect and JSON.stringify of the client never show the credentials.
  readonly #headers: { gzip: Record<string, string>; plain: Record<string, string> };
  readonly #redact: (text: string) => string;

  constructor(
    private readonly url: string,
    writeKey: string,
    private readonly options: ResolvedOptions,
    private readonly hooks: DispatchHooks,
    private readonly journal?: Journal,
  ) {
    this.gzip = options.gzip;
    this.queue = new MemoryQueue(options, journal !== undefined);
    this.settlement = new Settlement(hooks, journal);
    this.sender = chooseSender(options.fetch);
    const plain = { authorization: `Basic ${base64Utf8(`${writeKey}:`)}`, 'content-type': 'application/json' };
    this.#headers = { plain, gzip: { ...plain, 'content-encoding': 'gzip' } };
    this.#redact = redactor([writeKey]);
  }

  /** Events taken into batches and not yet settled: in flight or waiting to be retried. */
  get inFlight(): number {
    return this.takenEvents;
  }

  /** Events waiting for a batch. */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * Admits the events of one call, all or none, per the overflow policy: queued (and journaled), dropped
   * (settled and reported here), or refused, when the returned DroppedError is for the caller to throw.
   */
  accept(events: readonly QueuedEvent[]): DroppedError | undefined {
    const { overflow, maxQueueSize } = this.options;
    const admission = admit(overflow, events.length, this.queue.length + this.takenEvents, this.queue.length, maxQueueSize);
    if (admission.kind === 'refuse') {
      return new DroppedError(
        'queue_full',
        events.map((e) => e.messageId),
      );
    }
    if (admission.kind === 'drop') {
      const unqueued = Pack.of(events, false);
      this.settlement.drop([unqueued], dropError('queue_full', [unqueued]));
      return undefined;
    }
    if (admission.dropOldest > 0) {
      const oldest = this.queue.dropOldest(admission.dropOldest);
      this.settlement.drop(oldest, dropError('queue_full', oldest));
    }
    this.journal?.append(events);
    this.enqueue(events);
    return undefined;
  }

  /** Where the journal hands back what it holds undelivered: queued like new events, due at once. */
  intake(): ReplayIntake {
    const queue = this.queue;
    return {
      push: (events) => {
        if (events.length === 0) return;
        this.enqueue(events);
        this.hooks.replayed(events);
        this.expedite();
      },
      get backlog(): number {
        return queue.length;
      },
    };
  }

  private enqueue(events: readonly QueuedEvent[]): void {
    for (const event of events) {
      event.seq = ++this.lastSeq;
      this.queue.push(event);
    }
    this.settlement.track(events);
    if (this.options.flushInterval === 0) this.drainUntil = this.lastSeq;
    else if (this.intervalTimer === undefined) this.armInterval();
    if (!this.pumpScheduled && this.isBatchDue()) {
      // Deferred so the call that filled the batch returns at once; building and sending happen after it.
      this.pumpScheduled = true;
      queueMicrotask(() => this.pump());
    }
  }

  /** Sends everything accepted so far without waiting for a full batch or the interval (`send()` awaits it). */
  expedite(): void {
    this.drainUntil = this.lastSeq;
    if (!this.pumpScheduled) {
      this.pumpScheduled = true;
      queueMicrotask(() => this.pump());
    }
  }

  /** Settles when every event accepted before the call is delivered or finally failed. */
  flush(): Promise<void> {
    if (this.settlement.pending === 0) return Promise.resolve();
    this.drainUntil = this.lastSeq;
    const done = this.settlement.whenSettled();
    this.pump();
    return done;
  }

  /**
   * Stops: cancels retries, aborts requests in flight, and gives up on everything unsettled. With a
   * journal, those events stay in it for the next start: returned, for the client to count as persisted;
   * a `send()` waiting for one rejects with `closed`. Without one, they are settled as dropped.
   */
  abandon(): number {
    this.cancelInterval();
    for (const timer of this.backoffs.values()) clearTimeout(timer);
    this.backoffs.clear();
    this.ready.length = 0;
    const left: Pack[] = [];
    for (const batch of this.active) {
      batch.abandoned = true;
      left.push(batch.pack);
    }
    this.active.clear();
    this.takenEvents = 0;
    this.cancel.abort();
    this.sender.close?.();
    left.push(...this.queue.drain());
    return this.settlement.abandon(left, dropError('closed', left));
  }

  private isBatchDue(): boolean {
    const head = this.queue.headSeq;
    return head !== undefined && (head <= this.drainUntil || this.queue.hasFullBatch);
  }

  private armInterval(): void {
    this.intervalTimer = backgroundTimeout(() => {
      this.intervalTimer = undefined;
      this.drainUntil = this.lastSeq;
      this.pump();
    }, this.options.flushInterval);
  }

  private pump(): void {
    this.pumpScheduled = false;
    // Even with every request slot busy: a full batch waits as one body, not as its events.
    this.queue.packFull();
    while (this.requests < this.options.maxInFlight) {
      let batch = this.ready.shift();
      if (!batch) {
        if (!this.isBatchDue()) break;
        const pack = this.queue.take()!;
        batch = { pack, attempts: 0, firstAttemptAt: 0, plain: false, abandoned: false };
        this.active.add(batch);
        this.takenEvents += pack.count;
      }
      this.requests++;
      const running = this.attempt(batch)
        .catch((error: unknown) => this.hooks.warn(`internal error while sending a batch: ${String(error)}`))
        .finally(() => {
          this.requests--;
          this.pump();
        });
      this.options.waitUntil?.(running);
    }
    // The interval only makes waiting events due. With nothing waiting, or everything waiting already due
    // (after flush()), it goes: on Workers a timer left armed would outlive the request.
    if (this.queue.length === 0 || this.drainUntil >= this.lastSeq) this.cancelInterval();
    else if (this.intervalTimer === undefined && this.options.flushInterval > 0) this.armInterval();
  }

  private cancelInterval(): void {
    if (this.intervalTimer === undefined) return;
    clearTimeout(this.intervalTimer);
    this.intervalTimer = undefined;
  }

  private async attempt(batch: Batch): Promise<void> {
    batch.attempts++;
    const started = Date.now();
    if (batch.attempts === 1) batch.firstAttemptAt = started;
    const gzipped = this.gzip && !batch.plain;
    let outcome: Outcome;
    try {
      const json = batch.pack.body(new Date(started).toISOString());
      const body = gzipped ? await gzip(json) : json;
      // close() gave up on it while it was being compressed: let it go now, not after a request.
      if (batch.abandoned) return;
      outcome = await post(
        this.sender,
        { url: this.url, headers: gzipped ? this.#headers.gzip : this.#headers.plain, body },
        this.options.timeoutMs,
        this.cancel.signal,
      );
    } catch (error) {
      outcome = { kind: 'error', error };
    }
    if (batch.abandoned) return;
    const decision = decide(
      outcome,
      { attempts: batch.attempts, elapsedMs: Date.now() - batch.firstAttemptAt, count: batch.pack.count, gzipped },
      this.options.retry,
    );
    const status = outcome.kind === 'response' ? outcome.status : undefined;
    // Past the decision, a network error is only shown: scrubbed of the peer's bytes and of the key.
    const failure = outcome.kind === 'error' ? scrubError(outcome.error, this.#redact) : undefined;
    switch (decision.action) {
      case 'delivered':
        if (batch.plain && this.gzip) {
          this.gzip = false;
          this.hooks.warn('the data plane rejects gzip (older than rudder-server v1.4); sending plain JSON from now on');
        }
        this.finish(batch);
        this.settlement.delivered(batch.pack, status!, batch.attempts);
        return;
      case 'plain':
        batch.plain = true;
        this.ready.unshift(batch);
        return;
      case 'split': {
        this.active.delete(batch);
        const parts = batch.pack.cut(Math.ceil(batch.pack.count / 2)).map((pack): Batch => ({
          pack,
          attempts: 0,
          firstAttemptAt: 0,
          plain: batch.plain,
          abandoned: false,
        }));
        for (const part of parts) this.active.add(part);
        this.ready.unshift(...parts);
        return;
      }
      case 'retry': {
        const timer = setTimeout(() => {
          this.backoffs.delete(batch);
          this.ready.push(batch);
          this.pump();
        }, decision.delayMs);
        this.backoffs.set(batch, timer);
        this.hooks.retrying(batch.pack, {
          attempt: batch.attempts,
          delayMs: decision.delayMs,
          ...(status !== undefined ? { status } : { error: failure }),
          messageIds: batch.pack.messageIds(),
        });
        return;
      }
      case 'fail': {
        const error = new DeliveryError({
          reason: decision.reason,
          ...(outcome.kind === 'response' ? { status: outcome.status, serverMessage: this.serverText(outcome.body) } : { cause: failure }),
          messageIds: batch.pack.messageIds(),
          attempts: batch.attempts,
        });
        this.finish(batch);
        this.settlement.failed(batch.pack, error);
        return;
      }
    }
  }

  /** The data plane's answer as it may appear in an error: bounded, and never echoing the write key back, in any form. */
  private serverText(body: string): string {
    const text = this.#redact(body).replace(/Basic\s+[A-Za-z0-9+/=]{8,}/g, 'Basic …');
    return text.length > 300 ? `${text.slice(0, 300)}…` : text;
  }

  /** The batch's attempts are over: it leaves the set in flight, for the settlement. */
  private finish(batch: Batch): void {
    this.active.delete(batch);
    this.takenEvents -= batch.pack.count;
  }
}

function dropError(reason: DropReason, packs: readonly Pack[]): DroppedError {
  return new DroppedError(
    reason,
    packs.flatMap((pack) => pack.messageIds()),
  );
}
