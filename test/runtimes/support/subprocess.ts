/** Runs a runtime on a script and reads the one JSON line it prints, failing clearly when it does not. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = new URL('../../../', import.meta.url).pathname;

/**
 * A runtime binary installed by the workspace's devDependencies (bun, deno). Missing means the
 * workspace was not installed, which is a failure, never a skip.
 */
export function devBinary(name: string): string {
  const path = join(ROOT, 'node_modules', '.bin', name);
  if (!existsSync(path)) {
    throw new Error(`${name} is not installed: it is a devDependency of the workspace; run \`npm ci\` at the repository root`);
  }
  return path;
}

/** The built package, which every runtime test runs (never the sources). */
export function requireBuild(): void {
  const entry = join(ROOT, 'packages/rudderanalytics/dist/esm/index.js');
  if (!existsSync(entry)) throw new Error('packages/rudderanalytics is not built: run `npm run build` at the repository root');
}

export interface Run {
  stdout: string;
  stderr: string;
  json: any;
}

/**
 * Resolves once the process has exited on its own (the SDK must not keep it alive after close()).
 * `timeoutMs` bounds a hang; it is a failure, reported with what the process printed.
 */
export function runJson(
  file: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        cwd: options.cwd ?? ROOT,
        env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', ...options.env },
        timeout: options.timeoutMs ?? 30_000,
        maxBuffer: 4 << 20,
      },
      (error, stdout, stderr) => {
        if (error) {
          const how = error.killed ? `did not exit within ${options.timeoutMs ?? 30_000} ms` : `failed (${error.code ?? error.signal})`;
          reject(new Error(`${file} ${args.join(' ')} ${how}\nstdout: ${stdout}\nstderr: ${stderr}`));
          return;
        }
        const line = stdout.trim().split('\n').pop() ?? '';
        try {
          resolve({ stdout, stderr, json: JSON.parse(line) });
        } catch {
          reject(new Error(`${file} ${args.join(' ')} printed no JSON result\nstdout: ${stdout}\nstderr: ${stderr}`));
        }
      },
    );
  });
}
