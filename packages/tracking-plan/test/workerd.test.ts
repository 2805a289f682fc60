// The compiled validator runs in workerd (miniflare), where code generation is forbidden, and gives
// the verdicts the run-time validator gives on Node.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { Miniflare } from 'miniflare';
import { compilePlan, createValidator, loadPlan, type JsonObject, type TrackingPlanConfig } from '../src/index.js';
import { bundleWorker } from './support/compiled.js';
import { fixture } from './support/fixtures.js';

const { plans } = fixture('transformer-event-validation.json');
const plan = loadPlan(plans.newTrackingPlan, { id: 'tp_new', version: 7 });
const config: TrackingPlanConfig = {
  global: { allowUnplannedEvents: 'false', unplannedProperties: 'drop', anyOtherViolation: 'forward', ajvOptions: {} },
};

let mf: Miniflare | undefined;
before(async () => {
  mf = new Miniflare({ modules: true, script: await bundleWorker(compilePlan(plan, { config })), compatibilityDate: '2024-09-23', cf: false });
  await mf.ready;
});
after(async () => {
  await mf?.dispose();
});

const messages: JsonObject[] = [
  {
    type: 'track',
    event: 'Product clicked new',
    properties: { name: 'Cube', revenue: 4.99, prop_integer: 2, prop_float: 2.3, email: 'a@b.c', prop_string: 'apple' },
  },
  { type: 'track', event: 'Product clicked new', properties: { name: 'Cube', revenue: 'x', mobile: '999' }, context: { ip: '1.2.3.4' } },
  { type: 'track', event: 'Never planned', properties: {} },
  { type: 'group', groupId: 'g', traits: { company: 'Co', employees: 12 } },
  { type: 'alias', previousId: 'a', userId: 'b' },
  ...fc.sample(
    fc.record({
      type: fc.constantFrom('track', 'group', 'identify'),
      event: fc.constantFrom('Product clicked new', 'Other'),
      properties: fc.dictionary(
        fc.constantFrom('name', 'revenue', 'email', 'prop_string', 'fruit_name', 'apple_count', 'x'),
        fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.constantFrom('apple', 'banana')),
      ),
      traits: fc.dictionary(fc.constantFrom('company', 'org', 'x'), fc.oneof(fc.string({ maxLength: 4 }), fc.integer())),
    }),
    { numRuns: 60, seed: 11 },
  ),
];

test('workerd checks with the compiled plan exactly as Node does with ajv', async () => {
  const response = await mf!.dispatchFetch('http://localhost/', { method: 'POST', body: JSON.stringify(messages) });
  assert.equal(response.status, 200);
  const fromWorker = (await response.json()) as unknown[];
  const runtime = createValidator(plan, { config });
  const expected = messages.map((m) => runtime.apply(m));
  assert.deepEqual(fromWorker, JSON.parse(JSON.stringify(expected)));
  assert.ok(
    expected.some((r) => r.verdict.dropEvent),
    'the sample includes dropped events',
  );
});
