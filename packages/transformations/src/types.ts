/** A RudderStack event as the gateway stored it (the `message` the transformer receives). */
export type RudderMessage = Record<string, unknown>;

/** What the data plane knows about an event; `metadata(event)` exposes the hosted subset of it. */
export type EventMetadata = Record<string, unknown>;

/** A library a transformation imports by `importName` (rudder-iac `import_name`). */
export interface TransformationLibrary {
  /** The module name a transformation imports this library by (rudder-iac's `import_name`). */
  importName: string;
  /** The library's JavaScript source, loaded as an ES module. */
  code: string;
  /** Display name; stack frames use `library <importName>` as hosted. */
  name?: string;
  /** The spec's language, kept for reference; the runner loads every library given as JavaScript. */
  language?: string;
}

/** Canned answers for the sandbox's network globals, so a run stays offline and repeatable. */
export interface NetworkFixtures {
  /** url → JSON body (fetch) or a full `{ status, headers, body }` answer (fetchV2). */
  fetch?: Record<string, unknown>;
  /** IP address → the geolocation object to resolve with. */
  geolocation?: Record<string, unknown>;
}

/** Resource limits of a run; each one left out takes the hosted default. */
export interface TransformationLimits {
  /** CPU time for one call's synchronous work, and the wall time a returned promise may take (ms). */
  timeoutMs?: number;
  /** Heap of the sandbox's V8 isolate (MB). */
  memoryMb?: number;
}

/** One transformation call: the code, what it may import, the events to run, and the sandbox's settings. */
export interface RunOptions {
  /** The transformation's JavaScript source, an ES module exporting `transformEvent` or `transformBatch`. */
  code: string;
  /** Libraries the code may import by their `importName`. */
  libraries?: TransformationLibrary[];
  /** The events to run, each given the metadata from `metadata`; ignored when `inputs` is given. */
  events?: RudderMessage[];
  /**
   * Events with their metadata exactly as the processor sends them (`[{ message, metadata }]`), used
   * as given; instead of `events`.
   */
  inputs?: Array<{
    /** The event. */
    message: RudderMessage;
    /** Its metadata; `{}` when left out. */
    metadata?: EventMetadata;
  }>;
  /** Metadata for every event (an object) or per event (an array, same order as `events`). */
  metadata?: EventMetadata | EventMetadata[];
  /** Module name used in stack frames; hosted: the transformation's name or 'base transformation'. */
  name?: string;
  /** The transformation's language; anything but `javascript` fails every event, as only JavaScript runs offline. */
  language?: string;
  /** What `getCredential(key)` answers in the sandbox (key → value); without it, it answers undefined. */
  credentials?: Record<string, unknown>;
  /** Canned answers for `fetch`, `fetchV2` and `geolocation`. */
  fixtures?: NetworkFixtures;
  /** Lets fetch/fetchV2 reach the network; off by default (the sandbox answers from `fixtures` or fails as hosted). */
  allowNetwork?: boolean;
  /**
   * Limits for this call: `timeoutMs` overrides the runner's; `memoryMb` is read by `runTransformation`
   * only (a runner's heap is fixed when it is made).
   */
  limits?: TransformationLimits;
}

/** One entry of the hosted processor response (src/services/userTransform.ts transformRoutine). */
export type TransformationResult =
  | {
      /** An event the transformation returned. */
      output: RudderMessage;
      /** Its metadata; when that lacks a messageId, the first input event's with a new messageId and the output's event name and type. */
      metadata: EventMetadata;
      /** 200 (`STATUS_OK`). */
      statusCode: 200;
    }
  | {
      /** Why the event failed, as the hosted transformer words it. */
      error: string;
      /** The failed event's metadata, or the call's common metadata (source, destination, messageIds) when it has none. */
      metadata: EventMetadata;
      /** 400 (`STATUS_FAILED`). */
      statusCode: number;
    }
  | {
      /** The dropped input event's metadata. */
      metadata: EventMetadata;
      /** 298 (`STATUS_FILTERED`): no output carries the event's messageId. */
      statusCode: 298;
    };

/** One entry of the hosted handler output, as its test mode reports it: an output event or an error. */
export type TransformedEvent =
  | {
      /** An event the transformation returned. */
      transformedEvent: RudderMessage;
      /** The source event's full metadata (transformEvent), or `metadata(output)` (transformBatch). */
      metadata: EventMetadata;
    }
  | {
      /** Why the event failed, as the hosted transformer words it. */
      error: string;
      /** The failed event's metadata; empty for a transformBatch failure. */
      metadata: EventMetadata;
    };

/** The outcome of one transformation call, in the hosted processor's shape and the handler's. */
export interface TransformationRun {
  /** The processor-shaped results: drops (298) first, then outputs (200) and failures (400). */
  results: TransformationResult[];
  /** The handler-level list (outputs and per-event errors) in the order the code produced them. */
  transformedEvents: TransformedEvent[];
  /** What `log(...)` captured, as hosted test mode formats it ("Log: a b"). */
  logs: string[];
  /** Set when the whole call failed (compile, import, limit): every event then carries it. */
  error?: string;
  /** Which function the code exports, when it loaded. */
  kind?: 'transformEvent' | 'transformBatch';
}
