// @rudderstack/rudder-sdk-node (RudderStack's current Node SDK), defaults except:
//   dataPlaneUrl = the sink (maxInternalQueueSize stays 20000; --open-loop: N).
// It posts gzip'ed {"batch":[…]} to {dataPlaneUrl}/v1/batch, flushAt 20 events / 450 KB.
// Its flush() sends only one batch (flushAt events), so the drain loops flush() until its internal
// queue is empty (reads the non-public `queue` array for that).
import Analytics from '@rudderstack/rudder-sdk-node';

export async function create({ url, writeKey, queueLimit }) {
  const client = new Analytics(writeKey, { dataPlaneUrl: url, ...(queueLimit > 20_000 ? { maxInternalQueueSize: queueLimit } : {}) });
  return {
    track(ev) {
      client.track(ev);
    },
    depth() {
      return client.queue.length;
    },
    async finish() {
      let flushes = 0;
      while (client.queue.length > 0 || client.pendingFlush) {
        const before = client.queue.length;
        await client.flush();
        flushes++;
        if (before === 0 && client.queue.length === 0) break;
      }
      return { flushes };
    },
  };
}
