/**
 * Where accepted events wait for a batch: one queue, in memory, owned by the dispatcher. A durable store
 * is not a queue but a journal beside it (journal.ts).
 *
 * Events are cut into batches soon after they arrive, not when a request leaves: once events make a
 * full batch (`flushAt` events, or `maxBatchBytes` of body), the dispatcher's next turn packs them into
 * one request body (pack.ts), so a full batch never waits as separate events. Packing is left to that
 * turn (a microtask) so that no `track()` call pays for it.
 */
import { batchBytes, type QueuedEvent } from './encode.js';
import { Pack } from './pack.js';

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
  /** Events not packed yet, oldest first: after packFull(), less than one full batch. */
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
    const { flushAt, maxBatchBytes } = this.limits;
    return this.packs.length > 0 || this.open.length >= flushAt || batchBytes(this.open.length, this.openBytes) >= maxBatchBytes;
  }

  /** seq of the oldest waiting event, undefined when none waits. */
  get headSeq(): number | undefined {
    return this.packs.length > 0 ? this.packs[0].firstSeq : this.open[0]?.seq;
  }

  push(event: QueuedEvent): void {
    this.open.push(event);
    this.openBytes += event.bytes;
    this.waiting++;
    this.waitingBytes += event.bytes;
  }

  /**
   * Packs every full batch among the unpacked events, oldest first: each as many events as fit in
   * `flushAt` and `maxBatchBytes` (one event alone always fits: it was checked against maxMessageBytes).
   */
  packFull(): void {
    if (!this.hasFullBatch) return;
    const { flushAt, maxBatchBytes } = this.limits;
    const open = this.open;
    let start = 0;
    let bytes = 0;
    for (let i = 0; i < open.length; i++) {
      const next = open[i].bytes;
      if (i > start && batchBytes(i - start + 1, bytes + next) > maxBatchBytes) {
        this.packs.push(Pack.of(open.slice(start, i), this.keepEvents));
        start = i;
        bytes = 0;
      }
      bytes += next;
      if (i - start + 1 >= flushAt || batchBytes(i - start + 1, bytes) >= maxBatchBytes) {
        this.packs.push(Pack.of(open.slice(start, i + 1), this.keepEvents));
        start = i + 1;
        bytes = 0;
      }
    }
    this.open = start === open.length ? [] : open.slice(start);
    this.openBytes = bytes;
  }

  /** Removes and returns the oldest batch: a full one, or else the events waiting so far. */
  take(): Pack | undefined {
    this.packFull();
    if (this.packs.length === 0) this.seal();
    const pack = this.packs.shift();
    if (pack) this.forget(pack);
    return pack;
  }

  /** Removes the `count` oldest waiting events (the `drop-oldest` overflow policy). */
  dropOldest(count: number): Pack[] {
    const dropped: Pack[] = [];
    this.packFull();
    while (count > 0 && this.packs.length > 0) {
      let pack = this.packs[0];
      if (pack.count <= count) this.packs.shift();
      else [pack, this.packs[0]] = pack.cut(count);
      this.forget(pack);
      dropped.push(pack);
      count -= pack.count;
    }
    if (count > 0 && this.open.length > 0) {
      // Taken from the unpacked events, so that the rest still joins the events that come next.
      const events = this.open.splice(0, count);
      for (const event of events) this.openBytes -= event.bytes;
      const pack = Pack.of(events, this.keepEvents);
      this.forget(pack);
      dropped.push(pack);
    }
    return dropped;
  }

  /** Removes everything that waits (`close()`). */
  drain(): Pack[] {
    this.packFull();
    this.seal();
    const all = this.packs;
    this.packs = [];
    this.waiting = 0;
    this.waitingBytes = 0;
    return all;
  }

  /** Packs whatever is unpacked, full or not. */
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
