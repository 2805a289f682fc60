// The tracking plan as an SDK plugin, on Node, delivering to a real local data plane: the hosted
// policy annotates what it forwards and drops what the settings drop (counted, emitted with the
// violations); the throw policy fails the call; a compiled plan behaves like the run-time one.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startDataPlane, type DataPlane } from '@rudderanalytics/dataplane';
import { RudderAnalytics, type FilteredInfo } from 'rudderanalytics';
import {
  compilePlan,
  createCompiledValidator,
  createValidator,
  loadPlan,
  trackingPlanPlugin,
  TrackingPlanViolationError,
  type PlanValidator,
} from '../src/index.js';
import { bundleCompiled, importBundled } from './support/compiled.js';
import { SAMPLE_CONFIG, SAMPLE_PLAN } from './support/sample-plan.js';

const plan = loadPlan(SAMPLE_PLAN);
const config = SAMPLE_CONFIG;

let dir: string;
let dp: DataPlane;
const cleanups: Array<() => void> = [];
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rudder-plan-plugin-'));
  dp = await startDataPlane({ port: 0, dbPath: join(dir, 'events.db'), quiet: true });
});
after(async () => {
  await dp?.close();
  cleanups.forEach((c) => c());
  rmSync(dir, { recursive: true, force: true });
});

function client(validator: PlanValidator, policy?: 'hosted' | 'drop' | 'throw') {
  return RudderAnalytics.load(dp.writeKey, dp.url, {
    flushOnExit: false,
    plugins: [trackingPlanPlugin({ validator, ...(policy ? { policy } : {}) })],
  });
}

async function hostedPolicy(validator: PlanValidator, userId: string) {
  const c = client(validator);
  const filtered: FilteredInfo[] = [];
  c.on('filtered', (info) => filtered.push(info));
  c.track({ userId, event: 'Order Completed', properties: { total: 10 } });
  c.track({ userId, event: 'Order Completed', properties: { total: 'ten' } });
  const droppedId = c.track({ userId, event: 'Coupon Guessed' });
  await c.close();
  const stored = await dp.waitForEvents(2, { userId });
  assert.equal(c.stats().filtered, 1);
  assert.deepEqual(
    filtered.map((f) => [f.messageId, f.reason]),
    [[droppedId, "track 'Coupon Guessed': Unplanned-Event"]],
  );
  assert.deepEqual((filtered[0].details as any).violationErrors, [
    { type: 'Unplanned-Event', message: 'no schema for event: Coupon Guessed', meta: {} },
  ]);
  const contexts = stored.map((e) => e.payload.context as Record<string, any>);
  assert.deepEqual(
    contexts.map((ctx) => [ctx.trackingPlanId, ctx.trackingPlanVersion]),
    [
      [SAMPLE_PLAN.id, SAMPLE_PLAN.version],
      [SAMPLE_PLAN.id, SAMPLE_PLAN.version],
    ],
  );
  assert.deepEqual(contexts[0].violationErrors, []);
  assert.deepEqual(contexts[1].violationErrors, [
    {
      type: 'Datatype-Mismatch',
      message: 'must be number',
      meta: { instancePath: '/properties/total', schemaPath: '#/properties/properties/properties/total/type' },
      property: '',
    },
  ]);
  assert.equal(contexts[1].library.name, 'rudderanalytics');
}

describe('trackingPlanPlugin', () => {
  test('hosted policy, run-time validator: annotate and forward, drop what the settings drop', async () => {
    await hostedPolicy(createValidator(plan, { config }), 'runtime-user');
  });

  test('hosted policy, compiled validator: the same', async () => {
    const { module, cleanup } = await importBundled(await bundleCompiled(compilePlan(plan, { config })));
    cleanups.push(cleanup);
    await hostedPolicy(createCompiledValidator(module), 'compiled-user');
  });

  test('throw policy: the call throws with the violations, nothing is sent', async () => {
    const c = client(createValidator(plan, { config }), 'throw');
    assert.throws(
      () => c.track({ userId: 'thrower', event: 'Order Completed', properties: {} }),
      (e: unknown) => e instanceof TrackingPlanViolationError && e.violations[0].type === 'Required-Missing' && /Order Completed/.test(e.message),
    );
    c.track({ userId: 'thrower', event: 'Order Completed', properties: { total: 1 } });
    await c.close();
    assert.equal(c.stats().accepted, 1);
  });

  test('drop policy: any violation drops', async () => {
    const c = client(createValidator(plan, { config }), 'drop');
    c.track({ userId: 'dropper', event: 'Order Completed', properties: { total: 'x' } });
    c.track({ userId: 'dropper', event: 'Order Completed', properties: { total: 2 } });
    await c.close();
    assert.deepEqual([c.stats().filtered, c.stats().delivered], [1, 1]);
  });
});
