/**
 * Runs the Worker on this machine, against the local data plane by default: bundled the way wrangler
 * bundles it (esbuild, one ES module, the workerd conditions) and served by workerd through miniflare.
 * wrangler itself is not needed: `npx wrangler dev` works too, with `.dev.vars` for the two bindings.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
// One compatibility date for deploy and local runs: the one wrangler.toml deploys with.
const compatibilityDate = readFileSync(here('../wrangler.toml'), 'utf8').match(/^compatibility_date\s*=\s*"([^"]+)"/m)?.[1];

const bundle = await build({
  entryPoints: [here('./index.ts')],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['browser', 'module', 'main'],
  logLevel: 'warning',
});

const worker = new Miniflare({
  modules: true,
  script: bundle.outputFiles[0].text,
  compatibilityDate,
  cf: false, // otherwise miniflare fetches request.cf data from the internet
  host: '127.0.0.1',
  port: Number(process.env.PORT ?? 8787),
  bindings: {
    RUDDER_WRITE_KEY: process.env.RUDDER_WRITE_KEY ?? 'dev_rudderanalytics_local',
    RUDDER_DATA_PLANE_URL: process.env.RUDDER_DATA_PLANE_URL ?? 'http://127.0.0.1:8080',
  },
});
const url = await worker.ready;
console.log(`listening on ${url.origin}`);

for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.once(signal, () => {
    console.log(`${signal}: stopping`);
    void worker.dispose();
  });
