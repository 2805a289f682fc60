/** A child process for lifecycle tests: `exit-child.ts <dataPlaneUrl> <mode>`. */
import { RudderAnalytics } from '../../src/index.js';

const [url, mode] = process.argv.slice(2);
let unhandled = 0;
process.on('unhandledRejection', () => unhandled++);
const quiet = { warn: () => {}, error: () => {} };

if (mode === 'failing') {
  const client = RudderAnalytics.load('wk', url, { logger: quiet, retry: { maxAttempts: 2, minDelayMs: 1, maxDelayMs: 2 } });
  client.track({ userId: 'u', event: 'helper' });
  void client.send({ type: 'track', userId: 'u', event: 'sent, not awaited' }).catch(() => {});
  client.identify({ userId: 'u' });
  await client.flush();
  await new Promise((resolve) => setImmediate(resolve));
  console.log(`unhandled=${unhandled} failed=${client.stats().failed}`);
} else if (mode === 'exit') {
  // No flush, no close: the process just runs out of work.
  const client = RudderAnalytics.load('wk', url, { logger: quiet, flushInterval: 60_000 });
  client.track({ userId: 'u', event: 'at-exit' });
  client.track({ userId: 'u', event: 'at-exit' });
} else if (mode === 'no-flush-on-exit') {
  const client = RudderAnalytics.load('wk', url, { logger: quiet, flushInterval: 60_000, flushOnExit: false });
  client.track({ userId: 'u', event: 'abandoned' });
} else if (mode === 'close-stalled') {
  // The data plane never answers; a request deadline far beyond the parent's patience: only close() aborting it lets the process end.
  const client = RudderAnalytics.load('wk', url, { logger: quiet, timeoutMs: 120_000, flushOnExit: false });
  for (let i = 0; i < 3; i++) client.track({ userId: 'u', event: 'stalled' });
  const waiting = client.send({ type: 'track', userId: 'u', event: 'awaited' }).catch((error: Error) => error.name);
  await client.close({ timeoutMs: 200 });
  const timers = process.getActiveResourcesInfo().filter((r) => r === 'Timeout');
  console.log(JSON.stringify({ stats: client.stats(), send: await waiting, timers: timers.length }));
}
