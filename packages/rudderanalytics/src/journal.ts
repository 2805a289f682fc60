/**
 * The storage seam. The dispatcher holds the one queue, in memory; a durable store is a journal beside it:
 * it records what the client accepted, is told how each event's delivery ended, and gives back what an
 * earlier run (or another process) left undelivered. It never decides what is sent, when, or what is dropped.
 */
import type { DeliveryError, DroppedError } from './errors.js';
import type { QueuedEvent } from './encode.js';

/** How the journal hands events back to the dispatcher. */
export interface ReplayIntake {
  /** Queues events found in the journal; they are sent without waiting for a full batch, and counted as `replayed`. */
  push(events: QueuedEvent[]): void;
  /** Events waiting in memory now (a journal shared by processes takes over less while this is high). */
  readonly backlog: number;
}

/**
 * A durable store, as the client sees it: it journals what was accepted, hears how each delivery ended,
 * and hands back what an earlier run or a dead process left undelivered. `FileStore` and `RedisStore`
 * implement it; the dispatcher alone decides what is sent or dropped.
 */
export interface Journal {
  /**
   * Called once by the client. Hands every event the journal holds undelivered to `intake` (now or
   * later, e.g. taken over from a process that died) and settles once the start-up replay is done; the
   * client's `flush()` waits for that first. Must never reject.
   */
  replay(intake: ReplayIntake): Promise<void>;
  /** Records accepted events. A file journal has them in the OS when this returns; Redis shortly after. */
  append(events: readonly QueuedEvent[]): void;
  /**
   * Their delivery ended: forget them. `failure` set: finally not delivered (refused, too large, retries
   * used up) or dropped to make room (`queue_full`), so the journal keeps them as dead letters.
   */
  settle(events: readonly QueuedEvent[], failure?: DeliveryError | DroppedError): void;
  /** Settles when the journal's own pending writes have settled (fsync, Redis round trips). Must never reject. */
  flush(): Promise<void>;
  /**
   * Releases files, locks, connections. Events not settled by now stay in the journal for the next start
   * (the client counts them as `persisted`). Awaited last by the client's `close()`. Must never reject.
   */
  close(): Promise<void>;
}
