// A/B experiment (not in the default plan): rudderanalytics loaded from another build directory,
// BENCH_SDK_DIST=/abs/path/to/dist/esm, with the same defaults as `ours`. Lets a patched copy of the
// SDK be measured against the current one in the same run:
//   BENCH_SDK_DIST=$PWD/.bench-tmp/sdk-patched/esm node bench/run.mjs --only=ours,ours-ab --scenarios=ok-100000
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { adapt } from './ours.mjs';

export async function create({ url, writeKey, queueLimit }) {
  const dir = process.env.BENCH_SDK_DIST;
  if (!dir) throw new Error('set BENCH_SDK_DIST to a dist/esm directory');
  const { RudderAnalytics } = await import(pathToFileURL(path.join(dir, 'index.js')).href);
  const client = RudderAnalytics.load(writeKey, url, queueLimit > 20_000 ? { maxQueueSize: queueLimit } : {});
  return adapt(client);
}
