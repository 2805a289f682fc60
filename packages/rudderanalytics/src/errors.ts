/**
 * The error model. Every error the SDK raises or emits is one of these classes, so callers can branch
 * on `instanceof` or on `code`. None of them ever carries the write key.
 */

/** Base class of every error this SDK raises or emits. */
export class RudderError extends Error {
  /** A stable, machine-readable code. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * A call was rejected at the call, before anything was queued: `field` names what is wrong
 * (a dotted path, `batch[3].userId` for a batch item) and `rule` the rule it broke.
 */
export class ValidationError extends RudderError {
  /** What is wrong: a dotted path, e.g. `batch[3].userId`. */
  readonly field: string;
  /** The rule the field broke. */
  readonly rule: string;
  /** For a batch call: the index of the offending item. */
  readonly index?: number;
  constructor(field: string, rule: string, index?: number) {
    super('invalid_event', `${field}: ${rule}`);
    this.field = field;
    this.rule = rule;
    if (index !== undefined) this.index = index;
  }
}

/** The client or an option was configured wrongly (bad URL, empty write key, out-of-range option). */
export class ConfigError extends RudderError {
  constructor(message: string) {
    super('invalid_config', message);
  }
}

/** Why a batch was finally not delivered. */
export type FailureReason =
  /** The data plane refused it (400, 401, 404, other 4xx); retrying cannot help. */
  | 'rejected'
  /** Retries were used up (attempts or total time) on 429, 5xx, timeouts or network errors. */
  | 'retries_exhausted'
  /** A single event was larger than the data plane accepts (413 on a batch of one). */
  | 'too_large';

/**
 * Events the data plane did not accept, finally. Emitted as `'error'`, counted as `failed`,
 * and the reason `send()` rejects.
 */
export class DeliveryError extends RudderError {
  /** Why the events were not accepted. */
  readonly reason: FailureReason;
  /** The last HTTP status, if a response was received. */
  readonly status?: number;
  /** The data plane's response body (trimmed), if any. */
  readonly serverMessage?: string;
  /** The messageIds of the events this failure covers. */
  readonly messageIds: string[];
  /** How many attempts were made. */
  readonly attempts: number;
  constructor(init: { reason: FailureReason; status?: number; serverMessage?: string; messageIds: string[]; attempts: number; cause?: unknown }) {
    const what = init.status !== undefined ? `HTTP ${init.status}${init.serverMessage ? ` ${init.serverMessage}` : ''}` : describeCause(init.cause);
    super(init.reason, `${init.messageIds.length} event(s) not delivered (${init.reason}) after ${init.attempts} attempt(s): ${what}`);
    this.reason = init.reason;
    if (init.status !== undefined) this.status = init.status;
    if (init.serverMessage !== undefined) this.serverMessage = init.serverMessage;
    this.messageIds = init.messageIds;
    this.attempts = init.attempts;
    if (init.cause !== undefined) (this as { cause?: unknown }).cause = init.cause;
  }
}

/** Why events were dropped without a delivery attempt finishing. */
export type DropReason = 'queue_full' | 'closed';

/** Events dropped by the overflow policy or by `close()` running out of time. */
export class DroppedError extends RudderError {
  /** Why the events were dropped. */
  readonly reason: DropReason;
  /** The ids of the dropped events. */
  readonly messageIds: string[];
  constructor(reason: DropReason, messageIds: string[]) {
    super(
      reason,
      reason === 'queue_full'
        ? `${messageIds.length} event(s) dropped: the queue is full (maxQueueSize)`
        : `${messageIds.length} event(s) dropped: the client closed before they were delivered`,
    );
    this.reason = reason;
    this.messageIds = messageIds;
  }
}

/** A call was made after `close()`. Code `client_closed`, apart from `DroppedError`'s reason `closed`. */
export class ClosedError extends RudderError {
  constructor() {
    super('client_closed', 'the client is closed; create a new one with RudderAnalytics.load()');
  }
}

/** A request got no complete response by its deadline (`timeoutMs`). Retried; the `cause` of a final DeliveryError. */
export class TimeoutError extends RudderError {
  constructor(ms: number) {
    super('timeout', `no complete response within ${ms} ms`);
  }
}

function describeCause(cause: unknown): string {
  if (cause instanceof TimeoutError) return cause.message;
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return 'no response';
}
