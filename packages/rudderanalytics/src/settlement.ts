/**
 * What happens once an event's delivery has ended: delivered, finally failed, dropped, or left behind
 * by `close()`. It resolves the `send()`s waiting for the events, the `flush()`s they were part of,
 * tells the journal (if any) how each ended, and reports the outcome to the client's counters. The
 * dispatcher decides when a delivery ends; this is the one place that knows what ending means.
 */
import type { DeliveryError, DroppedError } from './errors.js';
import type { Journal } from './journal.js';
import type { Pack } from './pack.js';
import type { QueuedEvent } from './encode.js';

/** The outcomes the client turns into counters and events. */
export interface SettlementHooks {
  delivered(events: Pack, status: number, attempts: number): void;
  failed(events: Pack, error: DeliveryError): void;
  dropped(count: number, error: DroppedError): void;
}

interface Barrier {
  target: number;
  remaining: number;
  resolve: () => void;
}

export class Settlement {
  /** Events tracked and not yet settled: what `flush()` waits for. */
  private unsettled = 0;
  /** seq of the last event tracked. */
  private lastSeq = 0;
  private barriers: Barrier[] = [];

  constructor(
    private readonly hooks: SettlementHooks,
    private readonly journal?: Journal,
  ) {}

  /** Events entered the queue (with their seqs set): each is unsettled until one of the calls below settles it. */
  track(events: readonly QueuedEvent[]): void {
    if (events.length === 0) return;
    this.unsettled += events.length;
    this.lastSeq = events[events.length - 1].seq;
  }

  /** Events tracked and not settled yet. */
  get pending(): number {
    return this.unsettled;
  }

  /** Settles once every event tracked so far is settled (`flush()`); events tracked later are not waited for. */
  whenSettled(): Promise<void> {
    const pending = this.unsettled;
    if (pending === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.barriers.push({ target: this.lastSeq, remaining: pending, resolve }));
  }

  /** A batch was delivered. */
  delivered(pack: Pack, status: number, attempts: number): void {
    this.settleBatch(pack);
    this.hooks.delivered(pack, status, attempts);
  }

  /** A batch finally failed: no attempt is left for it. */
  failed(pack: Pack, error: DeliveryError): void {
    this.settleBatch(pack, error);
    this.hooks.failed(pack, error);
  }

  /**
   * Events dropped (queue full, or closed without a journal). Those that were queued were journaled:
   * they become dead letters, not silence. Those refused at the call (seq 0) never reached the journal.
   */
  drop(packs: readonly Pack[], error: DroppedError): void {
    const queued = packs.filter((pack) => pack.firstSeq > 0);
    if (this.journal && queued.length > 0) this.journal.settle(eventsOf(queued), error);
    this.settlePacks(packs, error);
    this.hooks.dropped(countOf(packs), error);
  }

  /**
   * `close()` gave up on everything unsettled. With a journal, the events stay in it for the next start
   * and their count is returned (the client counts them as persisted); a `send()` waiting for one rejects
   * with `error`. Without one, they are dropped. Either way every `flush()` waiting now settles.
   */
  abandon(packs: readonly Pack[], error: DroppedError): number {
    const count = countOf(packs);
    if (this.journal) this.settlePacks(packs, error);
    else if (count > 0) {
      this.settlePacks(packs, error);
      this.hooks.dropped(count, error);
    }
    this.unsettled = 0;
    for (const barrier of this.barriers) barrier.resolve();
    this.barriers = [];
    return this.journal ? count : 0;
  }

  private settleBatch(pack: Pack, failure?: DeliveryError): void {
    if (this.journal) this.journal.settle(pack.events()!, failure);
    this.settlePacks([pack], failure);
  }

  /** Resolves the waiting `send()`s, and the `flush()` barriers the events were part of. Events never queued have seq 0. */
  private settlePacks(packs: readonly Pack[], error?: Error): void {
    for (const pack of packs) {
      pack.settle(error);
      if (pack.firstSeq > 0) this.unsettled -= pack.count;
    }
    if (this.barriers.length === 0) return;
    for (const barrier of this.barriers) {
      for (const pack of packs) {
        // The pack's seqs are consecutive: count those up to the barrier's target.
        if (pack.firstSeq > 0) barrier.remaining -= Math.max(0, Math.min(pack.count, barrier.target - pack.firstSeq + 1));
      }
    }
    const open: Barrier[] = [];
    for (const barrier of this.barriers) {
      if (barrier.remaining <= 0) barrier.resolve();
      else open.push(barrier);
    }
    this.barriers = open;
  }
}

function countOf(packs: readonly Pack[]): number {
  let count = 0;
  for (const pack of packs) count += pack.count;
  return count;
}

/** The events of packs made for a journal (which keep them). */
function eventsOf(packs: readonly Pack[]): QueuedEvent[] {
  return packs.flatMap((pack) => pack.events()!);
}
