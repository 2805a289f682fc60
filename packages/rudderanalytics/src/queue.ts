/**
 * Where accepted events wait for a batch: one queue, in memory, owned by the dispatcher. A durable store
 * is not a queue but a journal beside it (journal.ts).
 */
import { batchBytes, type EncodedEvent } from './encode.js';

/** Called once when an event's delivery ends: no argument when delivered, the error otherwise. */
export type Settle = (error?: Error) => void;

/** An accepted event: its encoding, its place in the order of acceptance, and who waits for it. */
export interface QueuedEvent extends EncodedEvent {
  /** Order of entry into this client's queue (from 1), replays included; `flush()` waits for everything up to a seq. */
  seq: number;
  /** Set by `send()`, which resolves when the event is delivered. */
  done?: Settle;
}

/** The queue: an array with a moving head, compacted as it drains. */
export class MemoryQueue {
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

  /** Removes the oldest waiting event (the `drop-oldest` overflow policy, `close()`). */
  shift(): QueuedEvent | undefined {
    if (this.head >= this.items.length) return undefined;
    const event = this.items[this.head++];
    this.waitingBytes -= event.bytes;
    this.compact();
    return event;
  }

  /**
   * Removes and returns the oldest events that fit in one request: at most `maxEvents`, and a
   * `{"batch":[…]}` body of at most `maxBytes`. Never empty when events are waiting.
   */
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
