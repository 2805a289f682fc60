// The data plane under test, in its own process so the client's work and memory never count as ours.
import { startDataPlane } from '../dist/index.js';

const engine = process.env.BENCH_ENGINE || undefined;
const dp = await startDataPlane({ port: 0, dbPath: process.env.BENCH_DB, quiet: true, engine });
process.send({ kind: 'ready', url: dp.url, writeKey: dp.writeKey, engine: dp.engine });
process.on('message', (m) => {
  if (m.kind === 'stats') {
    const { rss, heapUsed } = process.memoryUsage();
    const { user, system } = process.cpuUsage();
    process.send({ kind: 'stats', rss, heapUsed, count: dp.count(), cpuMs: (user + system) / 1000 });
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
