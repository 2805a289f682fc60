// The data plane under test, in its own process so the client's work and memory never count as ours.
import { getHeapSpaceStatistics } from 'node:v8';
import { startDataPlane } from '../dist/index.js';

const engine = process.env.BENCH_ENGINE || undefined;
const dp = await startDataPlane({ port: 0, dbPath: process.env.BENCH_DB, quiet: true, engine });
process.send({ kind: 'ready', url: dp.url, writeKey: dp.writeKey, engine: dp.engine });
process.on('message', (m) => {
  if (m.kind === 'stats') {
    // This (the main) thread's V8 heap and the memory its buffers hold outside it; the writer thread's heap is
    // not visible from here (BENCH_SERVER_FLAGS=--trace-gc prints every thread's collections).
    const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
    const youngGen = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
    const { user, system } = process.cpuUsage();
    process.send({ kind: 'stats', rss, heapUsed, heapTotal, youngGen, external, count: dp.count(), cpuMs: (user + system) / 1000 });
  } else if (m.kind === 'stop') {
    // A close that fails still ends the child, with a non-zero code the bench reports.
    dp.close().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  }
});
