/**
 * Test mode for applications' own tests: a client with the real validation, enrichment and batching
 * whose requests land in memory instead of on a network, so a test can assert exactly what was sent.
 */
import { RudderAnalytics, type LoadOptions } from './client.js';

/** A wire event as the data plane would receive it. */
export type SentEvent = Record<string, unknown> & {
  /** The event's type (`track`, `identify`, …). */
  type: string;
  /** The event's id: the caller's, or the UUID v4 the SDK generated. */
  messageId: string;
  /** When its batch was sent, ISO 8601 UTC with milliseconds. */
  sentAt: string;
};

/** What {@link createTestClient} returns: a real client and the events it sent. */
export interface TestClient {
  /** The client to hand to the code under test. */
  client: RudderAnalytics;
  /** Every event sent so far, in order, as parsed from the request bodies. Call `await client.flush()` first. */
  readonly events: SentEvent[];
  /** Forgets the events recorded so far. */
  clear(): void;
}

/** A client that records what it sends. Options are the usual ones (`fetch`, `gzip` and the URL are fixed). */
export function createTestClient(options: Omit<LoadOptions, 'fetch' | 'gzip'> = {}): TestClient {
  const events: SentEvent[] = [];
  const record: typeof fetch = async (_input, init) => {
    const sent = init?.body;
    const body = JSON.parse(typeof sent === 'string' ? sent : new TextDecoder().decode(sent as Uint8Array)) as { batch: SentEvent[] };
    events.push(...body.batch);
    return new Response('ok', { status: 200 });
  };
  const client = RudderAnalytics.load('test-write-key', 'https://rudderanalytics.test', {
    flushOnExit: false,
    ...options,
    gzip: false,
    fetch: record,
  });
  return { client, events, clear: () => void events.splice(0) };
}
