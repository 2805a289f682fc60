/**
 * One HTTP request that settles exactly once, by an absolute deadline, whatever the server does:
 * a stall before the headers or in the middle of the body ends as a timeout, not a hung promise.
 * The response body is always read, so the connection is free for the next request.
 */
import { TimeoutError } from './errors.js';
import type { Outcome } from './retry.js';

export interface Request {
  url: string;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/**
 * Sends `request` and settles with its outcome by `timeoutMs`, or as soon as `cancel` aborts (then the
 * outcome is an error carrying the signal's reason). Either way the request itself is aborted and no
 * timer is left armed: `close()` giving up must leave nothing that keeps a process alive.
 */
export async function post(fetchFn: typeof fetch, request: Request, timeoutMs: number, cancel?: AbortSignal): Promise<Outcome> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onCancel: (() => void) | undefined;
  const deadline = new Promise<Outcome>((resolve) => {
    const stop = (error: unknown) => {
      controller.abort(error);
      resolve({ kind: 'error', error });
    };
    timer = setTimeout(() => stop(new TimeoutError(timeoutMs)), timeoutMs);
    if (cancel) {
      onCancel = () => stop(cancel.reason);
      if (cancel.aborted) onCancel();
      else cancel.addEventListener('abort', onCancel, { once: true });
    }
  });
  const attempt = (async (): Promise<Outcome> => {
    const response = await fetchFn(request.url, {
      method: 'POST',
      // Following a redirect would turn the POST into a bodyless GET (301-303) that "succeeds", or send
      // the write key to another URL. A 3xx is an answer of its own, and decide() rejects it.
      redirect: 'manual',
      headers: request.headers,
      body: request.body as BodyInit,
      signal: controller.signal,
    });
    const body = await response.text();
    return { kind: 'response', status: response.status, body: body.trim(), retryAfter: response.headers.get('retry-after') };
  })().catch((error: unknown): Outcome => ({ kind: 'error', error }));
  try {
    return await Promise.race([attempt, deadline]);
  } finally {
    clearTimeout(timer);
    if (onCancel) cancel!.removeEventListener('abort', onCancel);
  }
}
