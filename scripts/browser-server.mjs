#!/usr/bin/env node
// The test run's one Chromium, as a Playwright browser server on loopback: prints its ws endpoint as one
// line on stdout, then serves until its stdin closes. The test command closes stdin when the run ends, and
// the pipe closes as well when the test command dies, however it dies, so no browser outlives a run.
// Playwright's own signal handlers close the browser on SIGINT/SIGTERM/SIGHUP (a Ctrl-C reaches the
// whole process group).
import { chromium } from 'playwright-core';
import { launchOptions } from '../test/support/chromium.mjs';

const server = await chromium.launchServer({ ...launchOptions(), host: '127.0.0.1' });
process.stdout.write(`${server.wsEndpoint()}\n`);
process.stdin.on('end', () => {
  server.close().then(
    () => process.exit(0),
    (error) => {
      console.error(`closing the test browser: ${error instanceof Error ? error.message : error}`);
      process.exit(1);
    },
  );
});
process.stdin.resume();
