// Every plan layout loads to the same lookups, and the same messages get the same verdicts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brokenSchemas, createValidator, findPlannedEvent, loadPlan, PlanFormatError } from '../src/index.js';

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
  // Typewriter's plan.json: a Public API export whose TRACK rules are unwrapped to the event's properties.
  typewriter: {
    id: 'tp_1',
    name: 'Shop',
    version: 3,
    rules: [
      {
        type: 'TRACK',
        key: 'Add To Cart',
        version: 1,
        jsonSchema: {
          $schema: 'http://json-schema.org/draft-07/schema#',
          eventMetadata: { name: 'Add To Cart', type: 'TRACK' },
          labels: {},
          type: 'object',
          properties: { sku: { id: '/properties/sku', type: 'string' } },
          required: ['sku'],
        },
      },
      { type: 'IDENTIFY', key: null, version: 1, jsonSchema: identify },
    ],
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

// The annotations Segment's exports carry (segmentio/typewriter src/__tests__/__data__/plan-v1.json and
// plan.json at d8382953): labels, eventMetadata, key, draft-04's id in a draft-07 schema, a description that is no string.
const annotated = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  labels: { owner: 'growth' },
  type: 'object',
  properties: {
    properties: {
      id: '/properties/properties',
      description: null,
      type: 'object',
      properties: {
        id: { id: '/properties/properties/properties/id', type: 'string', description: 'the id property: a name, not a keyword' },
        tags: { key: 'tags', type: 'array', items: { id: '/items', type: 'string' } },
        note: 'a description where a schema should be',
      },
      required: ['id'],
    },
  },
};

test("Segment layouts read annotation keywords as Segment's tools do: the schema compiles and keeps its rules", () => {
  const v1 = loadPlan({ name: 'workspaces/ws/tracking-plans/tp_a', display_name: 'A', rules: { events: [{ name: 'Tagged', rules: annotated }] } });
  const pub = loadPlan({ id: 'tp_a', rules: [{ type: 'TRACK', key: 'Tagged', version: 1, jsonSchema: annotated }] });
  for (const plan of [v1, pub]) {
    assert.deepEqual(brokenSchemas(plan), [], plan.layout);
    const v = createValidator(plan);
    assert.deepEqual(v.check({ type: 'track', event: 'Tagged', properties: { id: 'x', tags: ['a'] } }).violationErrors, [], plan.layout);
    assert.deepEqual(
      v.check({ type: 'track', event: 'Tagged', properties: { tags: [1] } }).violationErrors.map((e) => [e.type, e.meta.instancePath]),
      [
        ['Required-Missing', '/properties'],
        ['Datatype-Mismatch', '/properties/tags/0'],
      ],
      plan.layout,
    );
  }
});

test("RudderStack's layouts keep the hosted transformer's strict mode; whatever does not compile is listed once per event", () => {
  const plan = loadPlan({
    id: 'tp_r',
    events: [
      { eventType: 'track', name: 'Tagged', rules: annotated },
      { eventType: 'track', name: 'Tagged', rules: { type: 'object' } },
      { eventType: 'identify', name: '', rules: { type: 'object', properties: { traits: { type: 'text' } } } },
      { eventType: 'alias', name: '', rules: { type: 'object', whatever: 1 } },
    ],
  });
  const broken = brokenSchemas(plan);
  assert.deepEqual(
    broken.map((b) => [b.eventType, b.name]),
    [
      ['track', 'Tagged'],
      ['identify', ''],
    ],
  );
  assert.match(broken[0].error, /description must be string/);
  // The verdict itself stays the hosted one: a schema error never drops an event.
  const verdict = createValidator(plan).check({ type: 'track', event: 'Tagged', properties: {} });
  assert.equal(verdict.dropEvent, false);
  assert.match(verdict.error!, /does not compile/);
});
