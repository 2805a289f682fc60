/**
 * The host application, as a child process, for the hostile data plane's tests: one `send()` to
 * `hostile-child.ts <dataPlaneUrl> <node|fetch>`, then a JSON line with how it ended and the process's
 * peak RSS before and after. A crash (an uncaught error, running out of memory) shows as its exit code.
 */
import { RudderAnalytics } from '../../src/index.js';

const [url, transport] = process.argv.slice(2);
const peakMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const quiet = { warn: () => {}, error: () => {} };

const client = RudderAnalytics.load('wk_hostile_child', url, {
  logger: quiet,
  flushOnExit: false,
  timeoutMs: 60_000,
  retry: { maxAttempts: 1 },
  ...(transport === 'fetch' ? { fetch: globalThis.fetch } : {}),
});
const before = peakMb();
const outcome = await client.send({ type: 'track', userId: 'u', event: 'Hostile Plane' }).then(
  () => 'delivered',
  (error: Error) => `${error.name}: ${error.message}`,
);
await client.close();
console.log(JSON.stringify({ outcome, stats: client.stats(), peakRssMbBefore: before, peakRssMbAfter: peakMb() }));
