/**
 * The overflow rule, in one place: what becomes of the events of one call when the queue is full. A call
 * (a single event or a whole batch) is admitted, dropped or refused as a unit, like validation does.
 */
import type { OverflowPolicy } from './options.js';

export type Admission =
  /** Queue the call's events, after dropping this many of the oldest waiting ones (`drop-oldest`). */
  | { kind: 'admit'; dropOldest: number }
  /** Accept the call but drop all its events (counted and reported as dropped). */
  | { kind: 'drop' }
  /** Refuse the call: it throws (or `send()` rejects) with a DroppedError and is not counted as accepted. */
  | { kind: 'refuse' };

/** The common answer, shared: admission runs on every call and must not allocate. */
const ADMIT: Admission = Object.freeze({ kind: 'admit', dropOldest: 0 });

/**
 * `count` new events arrive while `held` (waiting + in flight) are held, `waiting` of them droppable.
 * Events in flight are never dropped to make room, nor are the call's own.
 */
export function admit(policy: OverflowPolicy, count: number, held: number, waiting: number, maxQueueSize: number): Admission {
  const excess = held + count - maxQueueSize;
  if (excess <= 0) return ADMIT;
  if (policy === 'throw') return { kind: 'refuse' };
  if (policy === 'drop-oldest' && excess <= waiting && count <= maxQueueSize) return { kind: 'admit', dropOldest: excess };
  return { kind: 'drop' };
}
