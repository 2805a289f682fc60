/**
 * Dead letters: events that can never be delivered, kept with the reason instead of vanishing. A record
 * is `{"reason","status","message","failedAt","event"}`, where `event` is the call as the SDK accepts it
 * again (only `sentAt`, stamped at every send, is removed), so dead letters can be replayed through the
 * SDK or with `rudder send`. Shared by every durable store (a JSON line in the Node file store, a stream
 * entry in Redis), so it imports nothing from either.
 */
import { DroppedError, type DeliveryError } from './errors.js';

/** One undeliverable event and why, as kept by a durable store (a JSON line, or a Redis stream entry). */
export interface DeadLetter {
  /** `rejected` (400/401/404…), `too_large`, `retries_exhausted`, or `queue_full` (dropped by `overflow: 'drop-oldest'`). */
  reason: string;
  /** The data plane's last HTTP status, when it answered. */
  status?: number;
  /** The data plane's answer, or what went wrong. */
  message?: string;
  /** ISO 8601 time the event was given up. */
  failedAt: string;
  /** The event, with its original `messageId` and `originalTimestamp`, as a call `send()` accepts. */
  event: Record<string, unknown>;
}

/** Why events are dead-lettered: a delivery failure, or an overflow drop. */
export type DeadLetterCause =
  | Pick<DeliveryError, 'reason' | 'status' | 'serverMessage' | 'message'>
  | {
      /** Dropped because the queue held `maxQueueSize` events already. */
      reason: 'queue_full';
    };

/** The dead-letter cause of a journal's failed or dropped events (a drop keeps only its reason). */
export function deadLetterCause(failure: DeliveryError | DroppedError): DeadLetterCause {
  return failure instanceof DroppedError ? { reason: 'queue_full' } : failure;
}

/**
 * The stored wire event (`QueuedEvent.json`) as a call. Only `sentAt` goes (it is stamped anew at every
 * send); `channel` and `context.library` stay, since the SDK sets them only when absent: a replay sends
 * the event as it was first accepted, with the library that produced it.
 */
export function replayableEvent(json: string): Record<string, unknown> {
  const event = JSON.parse(json) as Record<string, unknown>;
  delete event.sentAt;
  return event;
}

export function deadLetter(json: string, cause: DeadLetterCause, failedAt: string): DeadLetter {
  const record: DeadLetter = { reason: cause.reason, failedAt, event: replayableEvent(json) };
  if ('status' in cause && cause.status !== undefined) record.status = cause.status;
  if ('message' in cause) record.message = cause.serverMessage || cause.message;
  // Key order: reason first, event last, so a line reads well in a terminal.
  const { event, ...head } = record;
  return { ...head, event };
}
