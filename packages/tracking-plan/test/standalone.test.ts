// The same plan checked at run time (ajv) and ahead of time (standalone code, bundled): identical
// verdicts and annotated messages on a property-based corpus of generated events.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { compilePlan, createCompiledValidator, createValidator, loadPlan, type TrackingPlan, type TrackingPlanConfig } from '../src/index.js';
import { bundleCompiled, importBundled } from './support/compiled.js';
import { messageArbitrary } from './support/corpus.js';
import { fixture } from './support/fixtures.js';

const transformerPlans = { ...fixture('transformer-event-validation.json').plans, ...fixture('transformer-tracking-plan.json').plans };
const extraPlan = {
  id: 'tp_formats',
  version: 4,
  events: [
    {
      name: 'Order Completed',
      eventType: 'track',
      rules: {
        $schema: 'http://json-schema.org/draft-04/schema#',
        type: 'object',
        required: ['properties'],
        properties: {
          properties: {
            type: 'object',
            required: ['order_id', 'total'],
            additionalProperties: false,
            properties: {
              order_id: { type: 'string', pattern: '^o-' },
              total: { type: 'number', minimum: 0, exclusiveMaximum: false, maximum: 1000 },
              email: { type: 'string', format: 'email' },
              at: { type: 'string', format: 'date-time' },
              items: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string' } },
              coupon: { type: ['string', 'null'], maxLength: 5 },
            },
          },
        },
      },
    },
    {
      name: '',
      eventType: 'identify',
      rules: {
        type: 'object',
        properties: {
          traits: {
            type: 'object',
            required: ['email'],
            properties: { email: { type: 'string', format: 'email' }, age: { type: 'integer', multipleOf: 1 } },
          },
        },
      },
    },
    {
      name: '',
      eventType: 'page',
      rules: {
        type: 'object',
        properties: { properties: { type: 'object', unevaluatedProperties: false, properties: { path: { type: 'string' } } } },
      },
    },
    { name: 'Broken', eventType: 'track', rules: { type: 'object', properties: { properties: { type: 'nonsense' } } } },
  ],
};

const config: TrackingPlanConfig = {
  global: { allowUnplannedEvents: 'false', unplannedProperties: 'forward', anyOtherViolation: 'drop', ajvOptions: {} },
  track: { unplannedProperties: 'drop' },
};

const plans: Array<[string, TrackingPlan]> = [
  ...Object.entries(transformerPlans).map(([name, doc]) => [name, loadPlan(doc, { id: name })] as [string, TrackingPlan]),
  ['formats', loadPlan(extraPlan)],
];

const cleanups: Array<() => void> = [];
after(() => cleanups.forEach((c) => c()));

for (const [name, plan] of plans) {
  test(`run time and ahead of time agree: ${name}`, async () => {
    const runtime = createValidator(plan, { config });
    const { module, cleanup } = await importBundled(await bundleCompiled(compilePlan(plan, { config })));
    cleanups.push(cleanup);
    const compiled = createCompiledValidator(module);
    const seen = new Set<string>();
    fc.assert(
      fc.property(messageArbitrary(plan), (message) => {
        const a = runtime.apply(message);
        const b = compiled.apply(message);
        a.verdict.violationErrors.forEach((v) => seen.add(v.type));
        if (a.verdict.dropEvent) seen.add('drop');
        assert.deepEqual(b, a);
      }),
      { numRuns: 400, seed: 11 },
    );
    // The corpus must reach violations, or agreeing would prove little.
    assert.ok(seen.has('Unplanned-Event') && seen.has('drop') && seen.size >= 3, `violations seen: ${[...seen]}`);
  });
}

test('a schema that does not compile is kept as its error and never drops', async () => {
  const source = compilePlan(loadPlan(extraPlan), { config });
  assert.match(source, /"\[\\"track\\",\\"Broken\\"\]": \{ error:/);
  const { module, cleanup } = await importBundled(await bundleCompiled(source));
  cleanups.push(cleanup);
  const verdict = createCompiledValidator(module).check({ type: 'track', event: 'Broken', properties: {} });
  assert.deepEqual([verdict.dropEvent, verdict.validated], [false, false]);
});

test('the compiled module holds no code generation', async () => {
  const bundled = await bundleCompiled(compilePlan(loadPlan(extraPlan), { config }));
  assert.doesNotMatch(bundled, /new Function|\beval\(/);
});
