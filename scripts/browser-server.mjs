#!/usr/bin/env node
// The test run's one Chromium, as a Playwright browser server on loopback: prints its ws endpoint as one
// line on stdout, then serves until its stdin closes or a signal ends it. The test command closes stdin
// when the run ends, and the pipe closes as well when the test command dies, however it dies, so no
// browser outlives a run.
import { chromium } from 'playwright-core';
import { launchOptions } from '../test/support/chromium.mjs';

// The signals are this script's: Playwright's own handlers would close the browser but leave this process
// serving a dead browser until stdin closes.
const server = await chromium.launchServer({ ...launchOptions(), host: '127.0.0.1', handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
process.stdout.write(`${server.wsEndpoint()}\n`);

let closing;
function shutDown() {
  closing ??= server.close().then(
    () => process.exit(0),
    (error) => {
      console.error(`closing the test browser: ${error instanceof Error ? error.message : error}`);
      process.exit(1);
    },
  );
}
process.stdin.on('end', shutDown);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, shutDown);
process.stdin.resume();
