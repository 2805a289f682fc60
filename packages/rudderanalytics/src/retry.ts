/**
 * The retry state machine as one pure function: what to do with a batch after an attempt, given the
 * outcome and the policy. Status classes follow the wire contract's table.
 */
import type { FailureReason } from './errors.js';
import type { RetryOptions } from './options.js';

/** What one request came back with. */
export type Outcome = { kind: 'response'; status: number; body: string; retryAfter: string | null } | { kind: 'error'; error: unknown };

export type Decision =
  | { action: 'delivered' }
  /** Try the same batch again after `delayMs`. */
  | { action: 'retry'; delayMs: number }
  /** 413: send each half on its own; a batch is never retried whole after a 413. */
  | { action: 'split' }
  /** A gzipped request got 400: resend it once as plain JSON (a data plane older than v1.4). */
  | { action: 'plain' }
  | { action: 'fail'; reason: FailureReason };

export interface AttemptState {
  /** Attempts made so far, this one included. */
  attempts: number;
  /** ms since the batch's first attempt started. */
  elapsedMs: number;
  /** Events in the batch. */
  count: number;
  /** Whether this attempt's body was gzipped. */
  gzipped: boolean;
}

export function decide(outcome: Outcome, state: AttemptState, policy: Required<RetryOptions>, random = Math.random): Decision {
  if (outcome.kind === 'response') {
    const { status } = outcome;
    if (status >= 200 && status < 300) return { action: 'delivered' };
    if (status === 413) return state.count > 1 ? { action: 'split' } : { action: 'fail', reason: 'too_large' };
    if (status === 400 && state.gzipped) return { action: 'plain' };
    if (!isRetryableStatus(status)) return { action: 'fail', reason: 'rejected' };
  }
  if (state.attempts >= policy.maxAttempts) return { action: 'fail', reason: 'retries_exhausted' };
  const retryAfter = outcome.kind === 'response' ? parseRetryAfter(outcome.retryAfter) : undefined;
  // A server's Retry-After can lengthen the wait (up to maxRetryAfterMs), never shorten it below the backoff:
  // `0` or a date in the past means "now", and a batch that retried at once would spend every attempt in an instant.
  const delayMs = Math.max(backoff(state.attempts, policy, random), Math.min(retryAfter ?? 0, policy.maxRetryAfterMs));
  if (state.elapsedMs + delayMs > policy.maxElapsedMs) return { action: 'fail', reason: 'retries_exhausted' };
  return { action: 'retry', delayMs };
}

/** 408 and 429 ask to come back later; 5xx are the server's trouble. Other 4xx will not get better. */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Exponential backoff with "equal jitter": half the step is fixed, half random, so retries spread out but never bunch at zero. */
export function backoff(attempts: number, policy: Required<RetryOptions>, random = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/**
 * `Retry-After` as ms: delta-seconds or an HTTP date (0 for a date in the past). Undefined when absent or
 * unreadable: a negative number, or text that is not an HTTP date, is no advice.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // Every HTTP date form has a month name and a time of day; Date.parse alone takes "-1" for a year.
  const date = /[a-z]{3}.*\d\d:\d\d:\d\d/i.test(text) ? Date.parse(text) : NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
