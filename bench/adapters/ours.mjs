// rudderanalytics (this repo, packages/rudderanalytics; build it first: npm run build -w rudderanalytics).
// All defaults (gzip on, maxBatchBytes 500,000, flushAt 1000, maxQueueSize 20,000). The driver keeps the
// backlog (queued + inFlight, what maxQueueSize bounds) under 20,000. In --open-loop runs maxQueueSize = N.
export async function create({ url, writeKey, queueLimit }) {
  const { RudderAnalytics } = await import('rudderanalytics');
  const client = RudderAnalytics.load(writeKey, url, queueLimit > 20_000 ? { maxQueueSize: queueLimit } : {});
  return adapt(client);
}

/** The driver's view of a rudderanalytics client (shared by the experiments that load it differently). */
export function adapt(client) {
  return {
    track(ev) {
      client.track(ev);
    },
    depth() {
      const s = client.stats();
      return s.queued + s.inFlight;
    },
    async finish() {
      await client.flush();
      const stats = client.stats();
      await client.close();
      return { stats };
    },
  };
}
