/**
 * The SDK core as a user's bundler ships it: the built ESM entry bundled by esbuild with nothing external
 * (which also proves the core imports no package and no Node built-in), minified, gzipped at level 9,
 * held under a budget. The Node-only entry points are measured and reported beside it.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'packages/rudderanalytics/dist/esm');

/**
 * Bytes of the core bundle, minified and gzipped. Measured at 9,114 when a 12,000 budget was set; 11,395
 * after the gateway-compatibility rules (typo warnings, the stamping table); 12,359 after batches were packed
 * into their request bodies (pack.ts). Raised to 13,000 then. 13,177 after a hostile data plane was answered
 * (a response byte budget, the write key redacted in every form, `__proto__` kept as data) and settlement
 * moved to a module of its own; raised to 13,500 then.
 */
const CORE_GZIP_BUDGET = 13_500;

async function measure(entry: string, external: string[] = []): Promise<{ minified: number; gzipped: number }> {
  const result = await build({
    entryPoints: [join(DIST, entry)],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    external,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return { minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
}

test(`the SDK core bundles with no dependency to under ${CORE_GZIP_BUDGET} bytes gzipped`, async (t) => {
  const core = await measure('index.js');
  const node = await measure('node/index.js', ['node:*']);
  const redis = await measure('redis/index.js', ['node:*', 'ioredis']);
  t.diagnostic('entry point            minified  gzipped');
  for (const [name, size] of [
    ['rudderanalytics', core],
    ['rudderanalytics/node', node],
    ['rudderanalytics/redis', redis],
  ] as const) {
    t.diagnostic(`${name.padEnd(22)} ${String(size.minified).padStart(9)} ${String(size.gzipped).padStart(8)}`);
  }
  assert.ok(core.gzipped <= CORE_GZIP_BUDGET, `the core is ${core.gzipped} bytes gzipped, over its budget of ${CORE_GZIP_BUDGET}`);
});
