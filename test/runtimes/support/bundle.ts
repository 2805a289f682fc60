/**
 * Bundles fixtures/worker.mjs the way wrangler does (esbuild, ESM, the workerd/worker/browser
 * conditions), with the SDK resolved by its package name through the exports map instead of the
 * fixture's relative dist path: what a Worker project that depends on `rudderanalytics` deploys.
 */
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { join } from 'node:path';
import { ROOT } from './subprocess.js';

export interface Bundle {
  code: string;
  /** Files that went into the bundle, relative to the repository root. */
  inputs: string[];
}

const byPackageName: Plugin = {
  name: 'sdk-by-package-name',
  setup(b) {
    b.onResolve({ filter: /\/packages\/rudderanalytics\/dist\/esm\/index\.js$/ }, async () => {
      const resolved = await b.resolve('rudderanalytics', { kind: 'import-statement', resolveDir: ROOT });
      return resolved.errors.length ? { errors: resolved.errors } : { path: resolved.path };
    });
  },
};

/** How wrangler bundles a Worker: one ES module, platform neutral, the workerd/worker/browser conditions. */
export const WRANGLER_BUILD = {
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['browser', 'module', 'main'],
} as const satisfies BuildOptions;

export async function bundleWorker(): Promise<Bundle> {
  const result = await build({
    ...WRANGLER_BUILD,
    conditions: [...WRANGLER_BUILD.conditions],
    mainFields: [...WRANGLER_BUILD.mainFields],
    entryPoints: [join(ROOT, 'test/runtimes/fixtures/worker.mjs')],
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: ROOT,
    plugins: [byPackageName],
  });
  return { code: result.outputFiles[0].text, inputs: Object.keys(result.metafile.inputs) };
}
