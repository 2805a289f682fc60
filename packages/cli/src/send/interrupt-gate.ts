/**
 * What `rudder send` knows about requests when it is interrupted. It wraps the SDK's fetch: once
 * interrupted, no new request leaves (the SDK's later attempts fail here, without the network), and the
 * events of every request whose answer never came (still pending, timed out, connection lost) are
 * remembered as "may have been delivered", apart from those that provably never reached the data plane.
 */
import { gunzipSync } from 'node:zlib';

/** Errors that prove nothing was received: the connection was never made. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export class InterruptGate {
  private stopped = false;
  /** One entry per request (an object each: two requests may carry equal strings). */
  private readonly pending = new Set<{ body: BodyInit | null | undefined }>();
  private readonly unknown = new Set<string>();
  private idle: (() => void) | undefined;

  constructor(private readonly inner: typeof fetch) {}

  /** The fetch to hand to the SDK. */
  readonly fetch: typeof fetch = async (input, init) => {
    if (this.stopped) throw new Error('not sent: rudder send was interrupted');
    const request = { body: init?.body };
    this.pending.add(request);
    try {
      return await this.inner(input, init);
    } catch (error) {
      if (!NOT_CONNECTED.has(causeCode(error))) this.remember(request.body);
      throw error;
    } finally {
      this.pending.delete(request);
      if (this.pending.size === 0) this.idle?.();
    }
  };

  /** Requests started and not answered yet. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** No new request leaves from now on. */
  stop(): void {
    this.stopped = true;
  }

  /** Resolves when no request is pending. */
  settled(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => (this.idle = resolve));
  }

  /** Gives up on the pending requests: their events may have been delivered. Call before the SDK abandons them. */
  abandonPending(): void {
    for (const request of this.pending) this.remember(request.body);
  }

  /** A settled event need not be remembered: keeps the memory bounded by the events unsettled. */
  forget(messageId: unknown): void {
    if (this.unknown.size > 0 && typeof messageId === 'string') this.unknown.delete(messageId);
  }

  /** True when the event was in a request that got no answer. */
  mayHaveBeenDelivered(messageId: string): boolean {
    return this.unknown.has(messageId);
  }

  private remember(body: BodyInit | null | undefined): void {
    try {
      const text = typeof body === 'string' ? body : body instanceof Uint8Array ? gunzipSync(body).toString('utf8') : undefined;
      if (text === undefined) return;
      for (const event of (JSON.parse(text) as { batch: Array<{ messageId?: unknown }> }).batch) {
        if (typeof event.messageId === 'string') this.unknown.add(event.messageId);
      }
    } catch {
      // Not a body the SDK builds: nothing to remember.
    }
  }
}

function causeCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } })?.cause;
  return typeof cause?.code === 'string' ? cause.code : '';
}
