/** Turns what the SDK rejects with into one line for a human (never with the write key). */
import { DeliveryError, ValidationError } from 'rudderanalytics';
import type { Target } from './config.js';
import { maskKey } from './output.js';

/** One event's reason: the rule it broke, or how delivery ended. */
export function reasonOf(error: unknown): string {
  if (error instanceof ValidationError) return error.message;
  if (error instanceof DeliveryError) {
    const what =
      error.status !== undefined
        ? `HTTP ${error.status}${error.serverMessage ? ` ${error.serverMessage}` : ''}`
        : (causeOf(error.cause) ?? error.message);
    return `not delivered (${error.reason}) after ${error.attempts} attempt(s): ${what}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Where the write key came from, as a user would recognise it. */
export function keySourceLabel(target: Target): string {
  return target.keySource === 'flag' ? '--write-key' : target.keySource === 'env' ? '$RUDDER_WRITE_KEY' : 'the local dev key';
}

/** A hint on what to check, for failures whose cause is the configuration rather than the event. */
export function hintFor(error: unknown, target: Target): string | undefined {
  if (!(error instanceof DeliveryError)) return undefined;
  const key = `write key ${maskKey(target.writeKey)} (${keySourceLabel(target)})`;
  if (error.status === 401) return `check the ${key}`;
  if (error.status === 404) return `the source of ${key} is disabled on ${target.dataPlaneUrl}`;
  if (error.status === undefined && error.reason === 'retries_exhausted') {
    return target.keySource === 'local dev key'
      ? `is a data plane running at ${target.dataPlaneUrl}? start one with 'rudder dev'`
      : `is the data plane at ${target.dataPlaneUrl} reachable?`;
  }
  return undefined;
}

function causeOf(cause: unknown): string | undefined {
  if (!(cause instanceof Error)) return undefined;
  const inner = (cause as { cause?: unknown }).cause;
  // fetch wraps the socket error: "fetch failed" says nothing, its cause says ECONNREFUSED.
  if (inner instanceof Error) return `${cause.message}: ${(inner as { code?: string }).code ?? inner.message}`;
  return cause.name === 'TimeoutError' ? cause.message : `${cause.name}: ${cause.message}`;
}
