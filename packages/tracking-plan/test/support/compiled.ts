/** Test support: a compiled plan bundled into one self-contained ES module (as wrangler would) and imported. */
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WRANGLER_BUILD } from '../../../../test/runtimes/support/bundle.js';
import type { CompiledPlanModule } from '../../src/compiled-validator.js';

const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** Bundles compiled-plan source with its ajv run-time imports inlined: one self-contained module. */
export function bundleCompiled(planSource: string): Promise<string> {
  return bundleWithPlan("export * from 'virtual:compiled-plan';", planSource);
}

/**
 * Bundles `entry` (ES module source) as wrangler would, where `import … from 'virtual:compiled-plan'`
 * is `planSource` (what compilePlan() produced, or a TypeScript module such as a generated client with
 * `planLoader: 'ts'`). Packages resolve from `resolveDir`.
 */
export async function bundleWithPlan(entry: string, planSource: string, resolveDir = PACKAGE_DIR, planLoader: 'js' | 'ts' = 'js'): Promise<string> {
  const result = await build({
    stdin: { contents: entry, resolveDir, sourcefile: 'entry.mjs', loader: 'js' },
    plugins: [
      {
        name: 'compiled-plan',
        setup(b) {
          b.onResolve({ filter: /^virtual:compiled-plan$/ }, () => ({ path: 'compiled-plan', namespace: 'compiled-plan' }));
          b.onLoad({ filter: /.*/, namespace: 'compiled-plan' }, () => ({ contents: planSource, resolveDir: PACKAGE_DIR, loader: planLoader }));
        },
      },
    ],
    ...WRANGLER_BUILD,
    conditions: [...WRANGLER_BUILD.conditions],
    mainFields: [...WRANGLER_BUILD.mainFields],
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/** A Worker script that answers a POSTed array of messages with their `apply()` results from the compiled plan. */
export function bundleWorker(planSource: string): Promise<string> {
  return bundleWithPlan(
    [
      "import * as compiled from 'virtual:compiled-plan';",
      "import { createCompiledValidator } from './src/runtime.ts';",
      'const validator = createCompiledValidator(compiled);',
      'export default { async fetch(request) { const messages = await request.json(); return Response.json(messages.map((m) => validator.apply(m))); } };',
    ].join('\n'),
    planSource,
  );
}

/** Imports a bundled module from a temporary file; `cleanup` removes it. */
export async function importBundled(code: string): Promise<{ module: CompiledPlanModule; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-plan-'));
  const file = join(dir, 'plan.mjs');
  writeFileSync(file, code);
  const module = (await import(pathToFileURL(file).href)) as CompiledPlanModule;
  return { module, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
