/**
 * One HTTP request that settles exactly once, by an absolute deadline, whatever the server does:
 * a stall before the headers or in the middle of the body ends as a timeout, not a hung promise.
 * The response body is read to its end, so the connection is free for the next request, unless it is
 * over the byte budget (answer.ts): then only its start is read and the connection is closed.
 *
 * How the bytes travel is a {@link Sender}: `node:http` with a keep-alive agent on Node (http-node.ts),
 * fetch everywhere else and whenever the caller passes its own `fetch`.
 */
import { bodyText } from './answer.js';
import { ConfigError, TimeoutError } from './errors.js';
import { nodeHttpSender } from './http-node.js';
import type { Outcome } from './retry.js';
import type { Request, Sender } from './sender.js';

/** A sender over a WHATWG fetch. */
export function fetchSender(fetchFn: typeof fetch): Sender {
  return {
    async send(request, signal) {
      const response = await fetchFn(request.url, {
        method: 'POST',
        // Following a redirect would turn the POST into a bodyless GET (301-303) that "succeeds", or send
        // the write key to another URL. A 3xx is an answer of its own, and decide() rejects it.
        redirect: 'manual',
        headers: request.headers,
        body: request.body as BodyInit,
        signal,
      });
      return { status: response.status, body: await readBody(response), retryAfter: response.headers.get('retry-after') };
    },
  };
}

/** The first `ANSWER_BYTES` (answer.ts) of a fetch response's body; the rest is cancelled, not read. */
async function readBody(response: Response): Promise<string> {
  const body = bodyText();
  if (!response.body) return '';
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return body.text();
    if (!body.add(value)) {
      reader.cancel().catch(() => undefined);
      return body.text();
    }
  }
}

/**
 * The caller's fetch when given; else node:http where this is Node, else the global fetch. Throws a
 * ConfigError where there is none: the one place that learns whether this runtime can send at all.
 */
export function chooseSender(given: typeof fetch | undefined): Sender {
  if (given) return fetchSender(given);
  const global = globalThis.fetch?.bind(globalThis) as typeof fetch | undefined;
  const sender = nodeHttpSender() ?? (global ? fetchSender(global) : undefined);
  if (sender === undefined) throw new ConfigError('no fetch implementation: this runtime has no global fetch, pass options.fetch');
  return sender;
}

/**
 * Sends `request` and settles with its outcome by `timeoutMs`, or as soon as `cancel` aborts (then the
 * outcome is an error carrying the signal's reason). Either way the request itself is aborted and no
 * timer is left armed: `close()` giving up must leave nothing that keeps a process alive.
 */
export async function post(sender: Sender, request: Request, timeoutMs: number, cancel?: AbortSignal): Promise<Outcome> {
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
  const attempt = sender.send(request, controller.signal).then(
    (answer): Outcome => ({ kind: 'response', status: answer.status, body: answer.body.trim(), retryAfter: answer.retryAfter }),
    (error: unknown): Outcome => ({ kind: 'error', error }),
  );
  try {
    return await Promise.race([attempt, deadline]);
  } finally {
    clearTimeout(timer);
    if (onCancel) cancel!.removeEventListener('abort', onCancel);
  }
}
