/** A RudderStack event as the gateway stored it (the `message` the transformer receives). */
export type RudderMessage = Record<string, unknown>;

/** What the data plane knows about an event; `metadata(event)` exposes the hosted subset of it. */
export type EventMetadata = Record<string, unknown>;

/** A library a transformation imports by `importName` (rudder-iac `import_name`). */
export interface TransformationLibrary {
  importName: string;
  code: string;
  /** Display name; stack frames use `library <importName>` as hosted. */
  name?: string;
  language?: string;
}

/** Canned answers for the sandbox's network globals, so a run stays offline and repeatable. */
export interface NetworkFixtures {
  /** url → JSON body (fetch) or a full `{ status, headers, body }` answer (fetchV2). */
  fetch?: Record<string, unknown>;
  /** IP address → the geolocation object to resolve with. */
  geolocation?: Record<string, unknown>;
}

export interface TransformationLimits {
  /** CPU time for one call's synchronous work, and the wall time a returned promise may take (ms). */
  timeoutMs?: number;
  /** Heap of the sandbox's V8 isolate (MB). */
  memoryMb?: number;
}

export interface RunOptions {
  code: string;
  libraries?: TransformationLibrary[];
  events?: RudderMessage[];
  /**
   * Events with their metadata exactly as the processor sends them (`[{ message, metadata }]`), used
   * as given; instead of `events`.
   */
  inputs?: Array<{ message: RudderMessage; metadata?: EventMetadata }>;
  /** Metadata for every event (an object) or per event (an array, same order as `events`). */
  metadata?: EventMetadata | EventMetadata[];
  /** Module name used in stack frames; hosted: the transformation's name or 'base transformation'. */
  name?: string;
  language?: string;
  credentials?: Record<string, unknown>;
  fixtures?: NetworkFixtures;
  /** Lets fetch/fetchV2 reach the network; off by default (the sandbox answers from `fixtures` or fails as hosted). */
  allowNetwork?: boolean;
  limits?: TransformationLimits;
}

/** One entry of the hosted processor response (src/services/userTransform.ts transformRoutine). */
export type TransformationResult =
  | { output: RudderMessage; metadata: EventMetadata; statusCode: 200 }
  | { error: string; metadata: EventMetadata; statusCode: number }
  | { metadata: EventMetadata; statusCode: 298 };

/** One entry of the hosted handler output, as its test mode reports it: an output event or an error. */
export type TransformedEvent = { transformedEvent: RudderMessage; metadata: EventMetadata } | { error: string; metadata: EventMetadata };

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
