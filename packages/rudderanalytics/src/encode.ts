/**
 * Serialization, done once per event at the call. A full batch joins those strings once (pack.ts) and
 * `sentAt` is spliced into each at send time, so the queue is never re-serialized and every batch's
 * size is known to the byte before it is built.
 */
import { utf8Length } from './bytes.js';

/** One event, serialized: what the queue holds. */
export interface EncodedEvent {
  /** The event's `messageId`. */
  readonly messageId: string;
  /** The event's JSON without `sentAt`; always an object, so it ends with `}`. */
  readonly json: string;
  /** UTF-8 bytes of `json`. */
  readonly bytes: number;
}

/** Called once when an event's delivery ends: no argument when delivered, the error otherwise. */
export type Settle = (error?: Error) => void;

/** An accepted event: its encoding, its place in the order of acceptance, and who waits for it. */
export interface QueuedEvent extends EncodedEvent {
  /** Order of entry into this client's queue (from 1), replays included; `flush()` waits for everything up to a seq. */
  seq: number;
  /** Set by `send()`, which resolves when the event is delivered. */
  done?: Settle;
}

/** Bytes that `,"sentAt":"2022-02-01T19:14:18.381Z"` adds to each event. */
export const SENT_AT_BYTES = ',"sentAt":""'.length + 24;
/** A batch body is `{"batch":[` + the events, comma-separated + `]}`. */
export const BODY_OPEN = '{"batch":[';
export const BODY_CLOSE = ']}';

/** Serializes an enriched event, in the shape the queue holds (one allocation per event, no copy later). */
export function encodeEvent(event: Record<string, unknown>): QueuedEvent {
  const json = JSON.stringify(event);
  return { messageId: event.messageId as string, json, bytes: utf8Length(json), seq: 0, done: undefined };
}

/** Bytes of an event once it is on the wire (with `sentAt`). */
export function wireBytes(event: EncodedEvent): number {
  return event.bytes + SENT_AT_BYTES;
}

/** Exact size of the body `Pack.body` builds from `count` events of `eventBytes` total (EncodedEvent.bytes). */
export function batchBytes(count: number, eventBytes: number): number {
  return BODY_OPEN.length + BODY_CLOSE.length + eventBytes + count * SENT_AT_BYTES + Math.max(0, count - 1);
}

/** The messageId of a serialized event, or undefined when the text is not a whole JSON event (a torn write). */
export function messageIdOf(json: string): string | undefined {
  try {
    const event = JSON.parse(json) as { messageId?: unknown };
    return typeof event?.messageId === 'string' ? event.messageId : undefined;
  } catch {
    return undefined;
  }
}
