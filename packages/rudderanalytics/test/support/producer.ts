/**
 * A child process for crash tests: an SDK client on a durable store that reports its progress as
 * lines on stdout, so the parent can kill it at a known point.
 *
 *   node --import ./scripts/ts-loader/register.mjs packages/rudderanalytics/test/support/producer.ts '<json config>'
 *
 * Lines: `ready replayed=<n>`, `accepted <n>`, `durable` (store flushed: every event in the store),
 * `delivered <total>`, `done <json stats>`. With `linger`, it waits for a `close` line on stdin before closing.
 */
import { createInterface } from 'node:readline';
import { RudderAnalytics } from '../../src/index.js';
import { FileStore } from '../../src/node/index.js';
import { RedisStore } from '../../src/redis/index.js';

interface Config {
  store: 'file' | 'redis';
  dir?: string;
  fsync?: 'never' | 'batch' | 'always';
  redisUrl?: string;
  stream?: string;
  consumer?: string;
  claimIdleMs?: number;
  url: string;
  writeKey: string;
  count: number;
  prefix: string;
  flushAt: number;
  linger?: boolean;
}

const config = JSON.parse(process.argv[2]) as Config;
const say = (line: string) => process.stdout.write(line + '\n');
const logger = { warn: (m: string) => process.stderr.write(`warn: ${m}\n`), error: (m: string) => process.stderr.write(`error: ${m}\n`) };

const store =
  config.store === 'file'
    ? new FileStore({ dir: config.dir!, fsync: config.fsync ?? 'never', logger })
    : new RedisStore({ redis: config.redisUrl!, stream: config.stream, consumer: config.consumer, claimIdleMs: config.claimIdleMs, logger });
const client = RudderAnalytics.load(config.writeKey, config.url, {
  storage: store,
  flushAt: config.flushAt,
  flushInterval: 20,
  maxInFlight: 1,
  retry: { minDelayMs: 20, maxDelayMs: 200 },
  logger,
});
let delivered = 0;
client.on('delivered', (info) => {
  delivered += info.messageIds.length;
  say(`delivered ${delivered}`);
});
say(`ready replayed=${store instanceof FileStore ? store.stats().replayed : 0}`);

for (let i = 0; i < config.count; i++) {
  client.track({ userId: `user-${i % 50}`, event: 'Crash Test', messageId: `${config.prefix}-${i}`, properties: { i } });
}
say(`accepted ${config.count}`);
await store.flush?.();
say('durable');

if (config.linger) {
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) if (line.trim() === 'close') break;
  lines.close();
  process.stdin.destroy(); // an open stdin would keep the process alive after close()
}
await client.close({ timeoutMs: 30_000 });
const stats = { client: client.stats(), store: (store as FileStore | RedisStore).stats() };
say(`done ${JSON.stringify(stats)}`);
