// Every plan layout loads to the same lookups, and the same messages get the same verdicts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createValidator, findPlannedEvent, loadPlan, PlanFormatError } from '../src/index.js';

const addToCart = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: { properties: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] } },
  required: ['properties'],
};
const identify = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: { traits: { type: 'object', properties: { email: { type: 'string', format: 'email' } } } },
};

const layouts = {
  'rudderstack-events': {
    id: 'tp_1',
    version: 3,
    events: [
      { name: 'Add To Cart', eventType: 'track', rules: addToCart },
      { name: '', eventType: 'identify', rules: identify },
    ],
  },
  'rudderstack-rules': { id: 'tp_1', version: 3, rules: { events: [{ name: 'Add To Cart', rules: addToCart }], identify } },
  ruddertyper: {
    trackingPlans: [
      { name: 'workspaces/ws/tracking-plans/tp_1', version: 3, rules: { events: [{ name: 'Add To Cart', rules: addToCart }], identify } },
    ],
  },
  'segment-config-api-v1': {
    name: 'workspaces/ws/tracking-plans/tp_1',
    display_name: 'Shop',
    version: 3,
    rules: { events: [{ name: 'Add To Cart', version: 1, rules: addToCart }], identify, global: { type: 'object' } },
  },
  'segment-public-api': {
    data: {
      trackingPlan: { id: 'tp_1', name: 'Shop', version: 3 },
      rules: [
        { type: 'TRACK', key: 'Add To Cart', version: 1, jsonSchema: { type: 'object' } },
        { type: 'TRACK', key: 'Add To Cart', version: 2, jsonSchema: addToCart },
        { type: 'IDENTIFY', key: null, version: 1, jsonSchema: identify },
        { type: 'COMMON', key: null, version: 1, jsonSchema: { type: 'object' } },
      ],
    },
  },
} as const;

const messages = [
  { type: 'track', event: 'Add To Cart', properties: { sku: 'A-1' } },
  { type: 'track', event: 'Add To Cart', properties: {} },
  { type: 'track', event: 'Checkout', properties: {} },
  { type: 'identify', traits: { email: 'not-an-email' } },
  { type: 'page', name: 'Home' },
];

test('each layout is recognised and resolves the same schemas', () => {
  for (const [layout, doc] of Object.entries(layouts)) {
    const plan = loadPlan(doc);
    assert.equal(plan.layout, layout);
    assert.equal(plan.id, 'tp_1', layout);
    assert.equal(plan.version, 3, layout);
    assert.deepEqual(findPlannedEvent(plan, 'track', 'Add To Cart')?.schema, addToCart, layout);
    assert.deepEqual(findPlannedEvent(plan, 'identify', '')?.schema, identify, layout);
    assert.equal(findPlannedEvent(plan, 'page', ''), undefined, layout);
  }
});

test('each layout gives identical verdicts', () => {
  const verdicts = Object.values(layouts).map((doc) => {
    const v = createValidator(loadPlan(doc));
    return messages.map((m) => v.check(m));
  });
  for (const other of verdicts.slice(1)) assert.deepEqual(other, verdicts[0]);
  const [ok, missing, unplanned, badEmail, page] = verdicts[0];
  assert.deepEqual(ok.violationErrors, []);
  assert.deepEqual(
    missing.violationErrors.map((v) => [v.type, v.property]),
    [['Required-Missing', 'sku']],
  );
  assert.deepEqual(unplanned.violationErrors, [{ type: 'Unplanned-Event', message: 'no schema for event: Checkout', meta: {} }]);
  assert.deepEqual(
    badEmail.violationErrors.map((v) => v.type),
    ['Advance-Rules-Violation'],
  );
  assert.deepEqual(page.violationErrors, []);
});

test('Segment rules not enforced by RudderStack are kept aside, not applied', () => {
  const plan = loadPlan(layouts['segment-public-api']);
  assert.equal(plan.unenforced?.length, 1);
  assert.equal(loadPlan(layouts['segment-config-api-v1']).unenforced?.length, 1);
});

test('a document that is no plan is refused with the layouts expected', () => {
  assert.throws(
    () => loadPlan({ hello: 1 }),
    (e: unknown) => e instanceof PlanFormatError && /"events".*"rules"/.test((e as Error).message),
  );
  assert.throws(() => loadPlan([1]), PlanFormatError);
});
