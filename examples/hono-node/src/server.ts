/**
 * The Hono app on Node: one client for the whole process, closed on SIGTERM/SIGINT once the server
 * stops taking requests, so the events still queued are delivered before the process exits.
 */
import { serve } from '@hono/node-server';
import { RudderAnalytics } from 'rudderanalytics';
import { createApp } from './app.js';

const analytics = RudderAnalytics.load(
  process.env.RUDDER_WRITE_KEY ?? 'dev_rudderanalytics_local',
  process.env.RUDDER_DATA_PLANE_URL ?? 'http://127.0.0.1:8080',
  { flushInterval: Number(process.env.RUDDER_FLUSH_INTERVAL_MS ?? 2000) },
);

const server = serve({ fetch: createApp(analytics).fetch, port: Number(process.env.PORT ?? 3000), hostname: '127.0.0.1' }, (info) => {
  console.log(`listening on http://127.0.0.1:${info.port}`);
});

async function shutdown(signal: string): Promise<void> {
  console.log(`${signal}: closing`);
  server.close();
  await analytics.close({ timeoutMs: 10_000 });
  const { delivered, failed, dropped } = analytics.stats();
  console.log(`closed: ${delivered} delivered, ${failed} failed, ${dropped} dropped`);
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown(signal));
