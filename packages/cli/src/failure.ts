/** Turns what the SDK rejects with into one line for a human (never with the write key). */
import type { Target } from './config.js';
import { maskKey } from './output.js';

interface SdkError {
  code?: string;
  message: string;
  status?: number;
  serverMessage?: string;
  reason?: string;
  attempts?: number;
  cause?: unknown;
}

/** One event's reason: the rule it broke, or how delivery ended. */
export function reasonOf(error: unknown): string {
  const e = error as SdkError;
  if (e?.code === 'invalid_event') return e.message;
  if (e?.status !== undefined) {
    const what = `HTTP ${e.status}${e.serverMessage ? ` ${e.serverMessage}` : ''}`;
    return `not delivered (${e.reason}) after ${e.attempts} attempt(s): ${what}`;
  }
  if (e?.reason !== undefined && e.attempts !== undefined) {
    return `not delivered (${e.reason}) after ${e.attempts} attempt(s): ${causeOf(e.cause) ?? e.message}`;
  }
  return e?.message ?? String(error);
}

/** A hint on what to check, for failures whose cause is the configuration rather than the event. */
export function hintFor(error: unknown, target: Target): string | undefined {
  const e = error as SdkError;
  const key = `write key ${maskKey(target.writeKey)} (${target.keySource === 'flag' ? '--write-key' : target.keySource === 'env' ? '$RUDDER_WRITE_KEY' : 'the local dev key'})`;
  if (e?.status === 401) return `check the ${key}`;
  if (e?.status === 404) return `the source of ${key} is disabled on ${target.dataPlaneUrl}`;
  if (e?.status === undefined && e?.reason === 'retries_exhausted') {
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
