// The test command's shared Chromium (scripts/test-browser.mjs): started only for a run with a browser
// test file, usable by a test process, and gone with the runner however the runner ends.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { drivesBrowser, startTestBrowser } from '../scripts/test-browser.mjs';
import { requireChromium } from './support/browser.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const MODULE = fileURLToPath(new URL('../scripts/test-browser.mjs', import.meta.url));

/** State and parent of a live process, or undefined once it is gone (a zombie counts as gone). */
function proc(pid: number): { state: string; ppid: number; comm: string } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (state === 'Z') return undefined;
  return { state, ppid: Number(ppid), comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) };
}

const childrenOf = (pid: number) =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((p) => proc(p)?.ppid === pid);

/** Waits for `pid` to be gone. Not a child of this process, so there is no exit event: /proc is polled. */
async function gone(pid: number, ms = 15_000): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline;) {
    if (!proc(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

test('a browser test file is one that imports playwright-core or a browser test-support module', () => {
  assert.equal(drivesBrowser("import { chromium } from 'playwright-core';"), true);
  assert.equal(drivesBrowser("import type { Page } from 'playwright-core';"), true);
  assert.equal(drivesBrowser("import { openBrowser } from '../../../test/support/browser.js';"), true);
  assert.equal(drivesBrowser("import { openBrowser } from '../support/browser.js';"), true);
  assert.equal(drivesBrowser("import { freePort } from '../../../test/support/free-port.js';"), false);
  assert.equal(drivesBrowser("import { test } from 'node:test';\n// a browser is mentioned, not driven"), false);
});

test('a run without a browser test file starts no browser', async () => {
  const browser = await startTestBrowser(root, ['test/import-cycles.test.ts']);
  assert.deepEqual(browser.env, {});
  assert.equal(browser.pid, undefined);
  await browser.stop();
});

test('the shared browser serves test processes and is gone with a runner that is killed', { timeout: 60_000 }, async (t) => {
  requireChromium();
  // A runner of its own, killed below: it starts the browser as the test command does and reports it.
  const runner = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { startTestBrowser } = await import(${JSON.stringify(MODULE)});
       const b = await startTestBrowser(${JSON.stringify(root)}, ['test/tracking-plan/live-page.test.ts']);
       console.log(JSON.stringify({ env: b.env, pid: b.pid }));
       setInterval(() => {}, 60_000);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  t.after(() => runner.kill('SIGKILL'));
  const lines = createInterface({ input: runner.stdout });
  let report: { env: Record<string, string>; pid: number } | undefined;
  for await (const line of lines) {
    if (line.startsWith('{')) {
      report = JSON.parse(line) as { env: Record<string, string>; pid: number };
      break;
    }
  }
  assert.ok(report, 'the runner reported no browser');
  const endpoint = report.env.RUDDER_TEST_BROWSER_WS;
  assert.match(endpoint, /^ws:\/\/127\.0\.0\.1:\d+\//);

  const server = report.pid;
  const browsers = childrenOf(server).filter((p) => proc(p)?.comm === 'chromium');
  // Should this test fail, it still leaves nothing running.
  t.after(() => [server, ...browsers].forEach((p) => proc(p) && process.kill(p, 'SIGKILL')));
  assert.equal(browsers.length, 1, 'one Chromium under the browser server');

  const client = await chromium.connect(endpoint);
  const page = await (await client.newContext()).newPage();
  await page.setContent('<p>shared</p>');
  assert.equal(await page.textContent('p'), 'shared');
  const disconnected = once(client, 'disconnected');

  runner.kill('SIGKILL');
  assert.ok(await gone(server), 'the browser server outlived its runner');
  assert.ok(await gone(browsers[0]), 'Chromium outlived the test run');
  await disconnected;
});
