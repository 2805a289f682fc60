// posthog-node, defaults except: host = the sink, maxQueueSize = 20,000 like the others (default 1000
// drops the oldest event beyond that; --open-loop: N). It posts gzip'ed {"api_key","batch":[…],"sent_at"} to {host}/batch/,
// flushAt 20, maxBatchSize 100, fetchRetryCount 3, fetchRetryDelay 3000 ms.
// Drain: flush() (no timeout) then shutdown().
import { PostHog } from 'posthog-node';

export async function create({ url, writeKey, queueLimit }) {
  const client = new PostHog(writeKey, { host: url, maxQueueSize: queueLimit });
  let errors = 0;
  let lastError;
  client.on('error', (e) => {
    errors++;
    lastError = String(e?.message ?? e).slice(0, 200);
  });
  return {
    track(ev) {
      client.capture({ distinctId: ev.userId, event: ev.event, properties: ev.properties });
    },
    depth() {
      return client.getActiveQueueRoutes().reduce((a, r) => a + client.getRouteQueue(r).length, 0);
    },
    async finish() {
      await client.flush();
      await client.shutdown();
      return { errors, lastError };
    },
  };
}
