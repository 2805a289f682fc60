/**
 * The SDK with the tracking-plan plugin (a plan compiled ahead of time) on Bun, Deno and Workers
 * (workerd via miniflare), delivering to a real local data plane: the same verdicts everywhere, drops
 * counted, and a plugin that throws never reaches the caller. Node is covered by
 * packages/tracking-plan/test/plugin.test.ts.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Miniflare } from 'miniflare';
import { startDataPlane, type DataPlane } from '@rudderanalytics/dataplane';
import { compilePlan, loadPlan } from '@rudderanalytics/tracking-plan';
import { bundleWithPlan } from '../../packages/tracking-plan/test/support/compiled.js';
import { SAMPLE_CONFIG, SAMPLE_PLAN } from '../../packages/tracking-plan/test/support/sample-plan.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const PLAN = loadPlan(SAMPLE_PLAN);
const CONFIG = SAMPLE_CONFIG;
const SOURCES = ['bun', 'deno', 'worker'] as const;

// What each runtime runs: the built SDK and the tracking-plan runtime (by package name), the compiled plan.
const RUN = `
import { RudderAnalytics } from 'rudderanalytics';
import { createCompiledValidator, trackingPlanPlugin } from '@rudderanalytics/tracking-plan/runtime';
import * as compiled from 'virtual:compiled-plan';
export async function run(url, key, tag) {
  const logs = [];
  const pluginErrors = [];
  const filtered = [];
  const client = RudderAnalytics.load(key, url, {
    flushOnExit: false,
    logger: { warn: (m) => logs.push(m), error: (m) => logs.push(m) },
    plugins: [function broken() { throw new Error('boom'); }, trackingPlanPlugin({ validator: createCompiledValidator(compiled) })],
  });
  client.on('pluginError', (e) => pluginErrors.push(e.code + ':' + e.plugin));
  client.on('filtered', (f) => filtered.push(f.reason));
  let threw = null;
  try {
    client.track({ userId: tag, event: 'Order Completed', properties: { total: 3, email: 'a@b.co' } });
    client.track({ userId: tag, event: 'Order Completed', properties: { total: 'three', email: 'nope' } });
    client.track({ userId: tag, event: 'Coupon Guessed' });
  } catch (error) {
    threw = String(error);
  }
  await client.close({ timeoutMs: 20000 });
  return { threw, logs, pluginErrors, filtered, stats: client.stats() };
}
`;

let dir: string;
let dp: DataPlane;
let bundle: string;
const keys = Object.fromEntries(SOURCES.map((s) => [s, `wk-plan-${s}-0123456789`])) as Record<(typeof SOURCES)[number], string>;

function bundleRun(extra: string): Promise<string> {
  return bundleWithPlan(RUN + extra, compilePlan(PLAN, { config: CONFIG }), ROOT);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rudder-plan-runtimes-'));
  dp = await startDataPlane({
    port: 0,
    dbPath: join(dir, 'events.db'),
    quiet: true,
    devWriteKey: false,
    writeKeys: SOURCES.map((name) => ({ name, writeKey: keys[name] })),
  });
  bundle = await bundleRun(`
const args = globalThis.Deno ? globalThis.Deno.args : globalThis.process.argv.slice(2);
console.log(JSON.stringify(await run(args[0], args[1], args[2])));
`);
  writeFileSync(join(dir, 'run.mjs'), bundle);
});
after(async () => {
  await dp?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function binary(name: string): string {
  const path = join(ROOT, 'node_modules', '.bin', name);
  assert.ok(existsSync(path), `${name} is a devDependency of the workspace: run npm ci`);
  return path;
}

function runScript(bin: string, args: string[]): Promise<any> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${bin} failed: ${error.message}\n${stderr}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop()!));
      } catch {
        reject(new Error(`no JSON line from ${bin}: ${stdout}\n${stderr}`));
      }
    });
  });
}

function assertRun(source: (typeof SOURCES)[number], json: any): void {
  assert.equal(json.threw, null, 'no plugin failure reached the caller');
  assert.deepEqual(json.pluginErrors, ['plugin_error:broken', 'plugin_error:broken', 'plugin_error:broken']);
  assert.deepEqual(json.filtered, ["track 'Coupon Guessed': Unplanned-Event"]);
  assert.equal(json.stats.filtered, 1);
  assert.equal(json.stats.delivered, 2);
  const stored = dp.events({ source, order: 'asc' });
  assert.deepEqual(
    stored.map((e) => (e.payload.context as any).violationErrors.map((v: any) => `${v.type} ${v.meta.instancePath}`)),
    [[], ['Datatype-Mismatch /properties/total', 'Advance-Rules-Violation /properties/email']],
  );
  assert.ok(
    stored.every(
      (e) => (e.payload.context as any).trackingPlanId === SAMPLE_PLAN.id && (e.payload.context as any).trackingPlanVersion === SAMPLE_PLAN.version,
    ),
  );
}

describe('tracking-plan plugin on other runtimes', () => {
  test('bun', async () => {
    assertRun('bun', await runScript(binary('bun'), ['run', join(dir, 'run.mjs'), dp.url, keys.bun, 'bun']));
  });

  test('deno', async () => {
    assertRun('deno', await runScript(binary('deno'), ['run', '--allow-net=127.0.0.1', join(dir, 'run.mjs'), dp.url, keys.deno, 'deno']));
  });

  test('Cloudflare Workers (workerd via miniflare), no code generation', async () => {
    const script = await bundleRun(`
export default { async fetch(request, env) { return Response.json(await run(env.URL, env.KEY, 'worker')); } };
`);
    const mf = new Miniflare({ modules: true, script, compatibilityDate: '2024-11-01', cf: false, bindings: { URL: dp.url, KEY: keys.worker } });
    try {
      const res = await mf.dispatchFetch('http://localhost/');
      assertRun('worker', await res.json());
    } finally {
      await mf.dispose();
    }
  });
});
