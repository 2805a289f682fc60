// One Chromium per test run: when any selected test file drives a browser, the test command starts a
// browser server (browser-server.mjs, a child process of its own, so no test run's load or exit can
// stall it) and hands its ws endpoint to the test processes in the environment;
// test/support/browser.ts connects to it. A file it misses still works: it launches its own Chromium.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BROWSER_ENDPOINT_ENV } from '../test/support/chromium.mjs';

const SERVER = fileURLToPath(new URL('browser-server.mjs', import.meta.url));

/** A file drives a browser when it imports playwright-core or a browser test-support module. */
const DRIVES_BROWSER = /['"](playwright-core|[^'"]*\/support\/(browser|chromium)(\.m?js)?)['"]/;

export function drivesBrowser(source) {
  return DRIVES_BROWSER.test(source);
}

/**
 * Starts the shared browser when one of `files` (paths relative to `root`) drives a browser. Returns the
 * environment the test processes need (empty when no file drives a browser), the server's process id
 * (none when none started) and `stop`, which closes the browser and waits for its server to exit; call it
 * once every run is over.
 */
export async function startTestBrowser(root, files) {
  if (!files.some((f) => drivesBrowser(readFileSync(join(root, f), 'utf8')))) return { env: {}, stop: async () => {} };
  const child = spawn(process.execPath, [SERVER], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  const ready = once(createInterface({ input: child.stdout }), 'line').then(([line]) => String(line));
  const first = await Promise.race([ready, exited]);
  if (typeof first !== 'string') {
    const [code, signal] = first;
    throw new Error(`the test browser server exited before it was ready (${signal ?? `exit code ${code}`})`);
  }
  console.log('# one Chromium for the browser tests of this run');
  return {
    env: { [BROWSER_ENDPOINT_ENV]: first },
    pid: child.pid,
    stop: async () => {
      child.stdin.end();
      await exited;
    },
  };
}
