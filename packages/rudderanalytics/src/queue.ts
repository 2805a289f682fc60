/**
 * Where accepted events wait for a batch: one queue, in memory, owned by the dispatcher. A durable store
 * is not a queue but a journal beside it (journal.ts).
 *
 * Events are cut into batches as they arrive, not when a request leaves: the moment the events at the
 * back make a full batch (`flushAt` events, or `maxBatchBytes` of body), they are packed into one
 * string (pack.ts). So what waits is a list of packs plus at most one batch of single events.
 */
import { batchBytes, type EncodedEvent } from './encode.js';
import { Pack } from './pack.js';

/** Called once when an event's delivery ends: no argument when delivered, the error otherwise. */
export type Settle = (error?: Error) => void;

/** An accepted event: its encoding, its place in the order of acceptance, and who waits for it. */
export interface QueuedEvent extends EncodedEvent {
  /** Order of entry into this client's queue (from 1), replays included; `flush()` waits for everything up to a seq. */
  seq: number;
  /** Set by `send()`, which resolves when the event is delivered. */
  done?: Settle;
}

/** What one request may carry. */
export interface BatchLimits {
  /** At most this many events. */
  flushAt: number;
  /** At most this many bytes of `{"batch":[…]}` body. */
  maxBatchBytes: number;
}

export class MemoryQueue {
  /** Full batches, oldest first. */
  private packs: Pack[] = [];
  /** The batch being filled: fewer than `flushAt` events, under `maxBatchBytes`. */
  private open: QueuedEvent[] = [];
  private openBytes = 0;
  private waiting = 0;
  private waitingBytes = 0;

  /** `keepEvents`: packs keep the events themselves, for a journal that settles them by identity. */
  constructor(
    private readonly limits: BatchLimits,
    private readonly keepEvents: boolean,
  ) {}

  get length(): number {
    return this.waiting;
  }

  /** UTF-8 bytes of the waiting events' JSON (EncodedEvent.bytes). */
  get bytes(): number {
    return this.waitingBytes;
  }

  /** A batch as large as the limits allow is waiting. */
  get hasFullBatch(): boolean {
    return this.packs.length > 0;
  }

  /** seq of the oldest waiting event, undefined when none waits. */
  get headSeq(): number | undefined {
    return this.packs.length > 0 ? this.packs[0].firstSeq : this.open[0]?.seq;
  }

  push(event: QueuedEvent): void {
    const { flushAt, maxBatchBytes } = this.limits;
    if (this.open.length > 0 && batchBytes(this.open.length + 1, this.openBytes + event.bytes) > maxBatchBytes) this.seal();
    this.open.push(event);
    this.openBytes += event.bytes;
    this.waiting++;
    this.waitingBytes += event.bytes;
    if (this.open.length >= flushAt || batchBytes(this.open.length, this.openBytes) >= maxBatchBytes) this.seal();
  }

  /** Removes and returns the oldest batch: a full one, or else the events waiting so far. */
  take(): Pack | undefined {
    if (this.packs.length === 0) this.seal();
    const pack = this.packs.shift();
    if (pack) this.forget(pack);
    return pack;
  }

  /** Removes the `count` oldest waiting events (the `drop-oldest` overflow policy). */
  dropOldest(count: number): Pack[] {
    const dropped: Pack[] = [];
    while (count > 0) {
      if (this.packs.length === 0) this.seal();
      let pack = this.packs[0];
      if (!pack) break;
      if (pack.count <= count) this.packs.shift();
      else [pack, this.packs[0]] = pack.cut(count);
      this.forget(pack);
      dropped.push(pack);
      count -= pack.count;
    }
    return dropped;
  }

  /** Removes everything that waits (`close()`). */
  drain(): Pack[] {
    this.seal();
    const all = this.packs;
    this.packs = [];
    this.waiting = 0;
    this.waitingBytes = 0;
    return all;
  }

  private seal(): void {
    if (this.open.length === 0) return;
    this.packs.push(Pack.of(this.open, this.keepEvents));
    this.open = [];
    this.openBytes = 0;
  }

  private forget(pack: Pack): void {
    this.waiting -= pack.count;
    this.waitingBytes -= pack.bytes;
  }
}
