/**
 * Runs fixtures/worker.mjs in workerd through miniflare, loading the built package's ES modules as
 * they are (no bundler). Everything workerd prints is kept so the test can require silence.
 */
import { Log, LogLevel, Miniflare } from 'miniflare';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ROOT } from './subprocess.js';

export interface WorkerHarness {
  fetch(path: string): Promise<Response>;
  /** Warnings and errors from miniflare and anything workerd wrote to stdout/stderr. */
  noise: string[];
  dispose(): Promise<void>;
}

class CollectingLog extends Log {
  constructor(private readonly sink: string[]) {
    super(LogLevel.INFO);
  }
  override logWithLevel(level: LogLevel, message: string): void {
    if (level <= LogLevel.WARN) this.sink.push(`[${LogLevel[level]}] ${message}`);
  }
}

/** The Workers platform without Node APIs, or with `nodejs_compat` (then node:zlib is reachable). */
export interface Platform {
  compatibilityDate: string;
  compatibilityFlags: readonly string[];
  /** One bundled script (see bundle.ts) instead of the unbundled ES modules. */
  bundled?: string;
}

export async function startWorker(platform: Platform, bindings: Record<string, string>): Promise<WorkerHarness> {
  const noise: string[] = [];
  const script = platform.bundled
    ? { modules: true, script: platform.bundled, scriptPath: join(ROOT, 'test/runtimes/worker.bundle.mjs') }
    : {
        modules: true,
        scriptPath: join(ROOT, 'test/runtimes/fixtures/worker.mjs'),
        modulesRoot: ROOT,
        // dist/esm is ESM in .js files (its package.json says "type": "module"); miniflare's default reads .js as CommonJS.
        modulesRules: [{ type: 'ESModule' as const, include: ['**/*.js', '**/*.mjs'] }],
      };
  const mf = new Miniflare({
    ...script,
    compatibilityDate: platform.compatibilityDate,
    compatibilityFlags: [...platform.compatibilityFlags],
    // Otherwise miniflare fetches request.cf data from the internet.
    cf: false,
    bindings,
    log: new CollectingLog(noise),
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      stdout.on('data', (chunk: Buffer) => noise.push(`[workerd stdout] ${String(chunk)}`));
      stderr.on('data', (chunk: Buffer) => noise.push(`[workerd stderr] ${String(chunk)}`));
    },
  });
  await mf.ready;
  return {
    fetch: (path) => mf.dispatchFetch(`http://localhost${path}`) as unknown as Promise<Response>,
    noise,
    dispose: () => mf.dispose(),
  };
}
