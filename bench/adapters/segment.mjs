// @segment/analytics-node, defaults except: host = the sink (path stays /v1/batch).
// (It has no queue-size limit to raise; flushAt 15, no gzip, maxRetries 10.)
import { Analytics } from '@segment/analytics-node';

export async function create({ url, writeKey }) {
  const client = new Analytics({ writeKey, host: url });
  let errors = 0;
  let lastError;
  client.on('error', (e) => {
    errors++;
    lastError = String(e?.reason ?? e?.message ?? e).slice(0, 200);
  });
  return {
    track(ev) {
      client.track(ev);
    },
    depth() {
      return client._pendingEvents; // events not yet delivered or failed (non-public)
    },
    async finish() {
      await client.closeAndFlush();
      return { errors, lastError };
    },
  };
}
