// What the warehouse stage loads. Hosted, a warehouse destination receives what the user
// transformation returned, not what the gateway received; so with a transformation the stage reads
// the transformation stage's committed outcomes, otherwise the stored events. Both are positioned by
// the stored event's row id, the cursor the warehouse commits with its rows.
import type { StoredEvent as LoaderEvent } from '@rudderanalytics/warehouse';
import type { RawRow } from './rows.js';
import type { TransformationStage } from './transformation-stage.js';

/** One read of the input: the events to load and the position they take the cursor to. */
export interface InputBatch {
  /** Events to load, in order; empty when every event read was dropped or failed. */
  events: LoaderEvent[];
  /** The last stored event id read. */
  last: number;
}

/** A source of events for the warehouse stage. */
export interface WarehouseInput {
  /** `stored events` or `transformed events`, for the startup line. */
  readonly name: string;
  /** What comes after stored event id `after`, at most `limit` stored events' worth; undefined when nothing has. */
  next(after: number, limit: number): InputBatch | undefined;
  /** The position that covers every event stored before the call, once the input has reached it. */
  goal(): Promise<number>;
  /** Calls `listener` whenever more input may be ready. Returns the unsubscribe. */
  onAdvance(listener: () => void): () => void;
}

/** The stored events, as received (no transformation configured). */
export function storedInput(opts: {
  read: (afterId: number, limit: number) => RawRow[];
  lastId: () => number;
  onStored: (listener: () => void) => () => void;
}): WarehouseInput {
  return {
    name: 'stored events',
    next(after, limit) {
      const rows = opts.read(after, limit);
      if (rows.length === 0) return undefined;
      const events = rows.map((r) => ({
        event: JSON.parse(r.json) as LoaderEvent['event'],
        receivedAt: r.received_at ?? undefined,
        sourceId: r.source,
      }));
      return { events, last: rows[rows.length - 1].id };
    },
    goal: async () => opts.lastId(),
    onAdvance: opts.onStored,
  };
}

/**
 * The transformation's outputs: a dropped or failed event loads nothing, a split one loads each
 * output, each with the received time and source of the event it came from.
 */
export function transformedInput(stage: Pick<TransformationStage, 'outputsAfter' | 'onAdvance' | 'caughtUp' | 'position'>): WarehouseInput {
  return {
    name: 'transformed events',
    next(after, limit) {
      const handled = stage.outputsAfter(after, limit);
      if (handled.length === 0) return undefined;
      const events = handled.flatMap((h) =>
        h.outputs.map((output) => ({
          event: output as LoaderEvent['event'],
          receivedAt: h.receivedAt ?? undefined,
          sourceId: h.source ?? undefined,
        })),
      );
      return { events, last: handled[handled.length - 1].id };
    },
    async goal() {
      await stage.caughtUp();
      return stage.position;
    },
    onAdvance: (listener) => stage.onAdvance(listener),
  };
}
