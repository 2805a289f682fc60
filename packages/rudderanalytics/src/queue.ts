/**
 * The queue seam: where accepted events wait for a batch. The default keeps them in memory; a durable
 * store (a file, Redis) implements the same interface and is handed to the client as `storage`.
 */
import { batchBytes, type EncodedEvent } from './encode.js';
import type { DeliveryError } from './errors.js';

/** Called once when an event's delivery ends: no argument when delivered, the error otherwise. */
export type Settle = (error?: Error) => void;

/** An accepted event: its encoding, its place in the order of acceptance, and who waits for it. */
export interface QueuedEvent extends EncodedEvent {
  /** Acceptance order within this client (from 1); `flush()` waits for everything up to a seq. 0: not accepted here. */
  seq: number;
  /** Set by `send()`, which resolves when the event is delivered. */
  done?: Settle;
}

/**
 * Where accepted events wait until they are delivered: the `storage` option. {@link MemoryQueue} by
 * default; `FileStore` (rudderanalytics/node) and `RedisStore` (rudderanalytics/redis) survive a restart.
 */
export interface EventQueue {
  /**
   * True when events survive a restart. `close()` running out of time then leaves unsent events in the
   * store for the next start instead of dropping them.
   */
  readonly durable?: boolean;
  /** Events waiting, not yet taken into a batch. */
  readonly length: number;
  /** Sum of `bytes` of the waiting events. */
  readonly bytes: number;
  /** Adds an event. A durable store has made it survive a crash when this returns. */
  push(event: QueuedEvent): void;
  /** The oldest waiting event, left in place. */
  peek(): QueuedEvent | undefined;
  /** Removes the oldest waiting event (the `drop-oldest` overflow policy). */
  shift(): QueuedEvent | undefined;
  /**
   * Removes and returns the oldest events that fit in one request: at most `maxEvents`, and a
   * `{"batch":[…]}` body of at most `maxBytes`. Never empty when events are waiting.
   */
  take(maxEvents: number, maxBytes: number): QueuedEvent[];
  /**
   * Delivery of taken events has ended: a durable store forgets them. `failure` is set when they were
   * finally not delivered (refused, too large, retries used up), so the store can keep them as dead letters.
   */
  release(events: readonly QueuedEvent[], failure?: DeliveryError): void;
  /**
   * Called once by the client with a function to call whenever events appear in the store by other
   * means than `push` (replayed after a restart, produced by another process): they are then sent
   * without waiting for a full batch. Such events carry `seq: 0`, so the dispatcher's `flush()` does not
   * wait for them; a store's own `flush()` may (the file and Redis stores do, for what they replayed).
   */
  attach?(wake: () => void): void;
  /**
   * Settles when the store's own pending work (asynchronous writes and acknowledgements) has settled.
   * The client's `flush()` awaits it after the dispatcher's. Must never reject.
   */
  flush?(): Promise<void>;
  /** Releases the store's resources (files, locks, connections). Awaited last by the client's `close()`. Must never reject. */
  close?(): Promise<void>;
}

/** The default queue: an array with a moving head, compacted as it drains. */
export class MemoryQueue implements EventQueue {
  private items: QueuedEvent[] = [];
  private head = 0;
  private waitingBytes = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  get bytes(): number {
    return this.waitingBytes;
  }

  push(event: QueuedEvent): void {
    this.items.push(event);
    this.waitingBytes += event.bytes;
  }

  peek(): QueuedEvent | undefined {
    return this.items[this.head];
  }

  shift(): QueuedEvent | undefined {
    if (this.head >= this.items.length) return undefined;
    const event = this.items[this.head++];
    this.waitingBytes -= event.bytes;
    this.compact();
    return event;
  }

  take(maxEvents: number, maxBytes: number): QueuedEvent[] {
    const start = this.head;
    let end = start;
    let bytes = 0;
    while (end < this.items.length && end - start < maxEvents) {
      const next = this.items[end].bytes;
      if (end > start && batchBytes(end - start + 1, bytes + next) > maxBytes) break;
      bytes += next;
      end++;
    }
    const batch = this.items.slice(start, end);
    this.head = end;
    this.waitingBytes -= bytes;
    this.compact();
    return batch;
  }

  release(): void {
    // Memory holds nothing once an event is taken.
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
