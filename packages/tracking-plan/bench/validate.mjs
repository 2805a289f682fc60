#!/usr/bin/env node
// Throughput of checking events against a plan: run-time ajv vs. the plan compiled ahead of time,
// and the SDK's track() with and without the tracking-plan plugin (no network: enable=false).
// Run after `npm run build`: node packages/tracking-plan/bench/validate.mjs
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RudderAnalytics } from 'rudderanalytics';
import { compilePlan, createCompiledValidator, createValidator, loadPlan, trackingPlanPlugin } from '../dist/index.js';

const N = Number(process.argv[2] ?? 200_000);
const plan = loadPlan({
  id: 'tp_bench',
  version: 1,
  events: [
    {
      eventType: 'track',
      name: 'Order Completed',
      rules: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        required: ['properties'],
        properties: {
          properties: {
            type: 'object',
            additionalProperties: false,
            required: ['order_id', 'total'],
            properties: {
              order_id: { type: 'string', pattern: '^o-' },
              total: { type: 'number', minimum: 0 },
              currency: { type: 'string', enum: ['EUR', 'USD'] },
              email: { type: 'string', format: 'email' },
              items: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' } } } },
            },
          },
        },
      },
    },
  ],
});
const config = { global: { allowUnplannedEvents: 'false', unplannedProperties: 'forward', anyOtherViolation: 'forward' } };
const good = {
  type: 'track',
  event: 'Order Completed',
  userId: 'u1',
  properties: { order_id: 'o-1', total: 12.5, currency: 'EUR', email: 'a@b.co', items: [{ sku: 'A' }, { sku: 'B' }] },
};
const bad = { ...good, properties: { ...good.properties, total: 'x', currency: 'GBP', extra: 1 } };

const dir = mkdtempSync(join(tmpdir(), 'plan-bench-'));
const bundled = await build({
  stdin: { contents: compilePlan(plan, { config }), resolveDir: fileURLToPath(new URL('..', import.meta.url)), loader: 'js' },
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'neutral',
  logLevel: 'silent',
});
writeFileSync(join(dir, 'plan.mjs'), bundled.outputFiles[0].text);
const compiled = createCompiledValidator(await import(pathToFileURL(join(dir, 'plan.mjs')).href));
rmSync(dir, { recursive: true, force: true });
const runtime = createValidator(plan, { config });

function time(label, fn) {
  for (let i = 0; i < 2000; i++) fn(i); // warm-up, and the run-time validator compiles here
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn(i);
  const ns = Number(process.hrtime.bigint() - start);
  return { label, 'µs/event': (ns / N / 1000).toFixed(2), 'events/s': Math.round(N / (ns / 1e9)).toLocaleString('en-US') };
}

const plain = RudderAnalytics.load('wk_bench_0000', 'http://127.0.0.1:9', { enable: false, flushOnExit: false });
const withPlugin = RudderAnalytics.load('wk_bench_0000', 'http://127.0.0.1:9', {
  enable: false,
  flushOnExit: false,
  plugins: [trackingPlanPlugin({ validator: compiled })],
});
const call = { userId: 'u1', event: 'Order Completed', properties: good.properties };

console.table([
  time('run time (ajv), valid event', () => runtime.apply(good)),
  time('ahead of time, valid event', () => compiled.apply(good)),
  time('run time (ajv), 3 violations', () => runtime.apply(bad)),
  time('ahead of time, 3 violations', () => compiled.apply(bad)),
  time('SDK track(), no plugin', () => plain.track(call)),
  time('SDK track(), tracking-plan plugin', () => withPlugin.track(call)),
]);
