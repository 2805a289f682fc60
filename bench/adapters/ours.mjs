// rudderanalytics (this repo, packages/rudderanalytics; build it first: npm run build -w rudderanalytics).
// Defaults (gzip on, maxBatchBytes 500,000, flushAt 1000) except: maxQueueSize = max(20000, N) so the
// open-loop driver can never make it drop; the driver also yields every 1000 calls.
export async function create({ url, n, writeKey }) {
  const { RudderAnalytics } = await import('rudderanalytics');
  const client = RudderAnalytics.load(writeKey, url, { maxQueueSize: Math.max(20000, n) });
  return {
    track(ev) {
      client.track(ev);
    },
    depth() {
      return client.stats().queued;
    },
    async finish() {
      await client.flush();
      const stats = client.stats();
      await client.close();
      return { stats };
    },
  };
}
