// The run-time validator: settings, compile failures, context annotation and version pinning.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createValidator, loadPlan, unknownSettings } from '../src/index.js';

const schema = (props: object, extra: object = {}) => ({
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: { properties: { type: 'object', additionalProperties: false, properties: props, ...extra } },
});
const plan = loadPlan({
  id: 'tp_9',
  version: 2,
  events: [
    { name: 'Signed Up', eventType: 'track', rules: schema({ plan: { type: 'string', enum: ['free', 'pro'] } }, { required: ['plan'] }) },
    { name: 'Broken', eventType: 'track', rules: { type: 'object', properties: { properties: { type: 'nonsense' } } } },
  ],
});
const v1 = loadPlan({ id: 'tp_9', version: 1, events: [{ name: 'Signed Up', eventType: 'track', rules: schema({ plan: { type: 'string' } }) }] });

test('by default every violation is reported and forwarded', () => {
  const v = createValidator(plan);
  const verdict = v.check({ type: 'track', event: 'Signed Up', properties: { plan: 'gold', extra: 1 } });
  assert.equal(verdict.dropEvent, false);
  assert.deepEqual(
    verdict.violationErrors.map((e) => e.type),
    ['Additional-Properties', 'Advance-Rules-Violation'],
  );
});

test('global settings merge with per-type settings, the event type winning', () => {
  const config = { global: { unplannedProperties: 'drop', allowUnplannedEvents: 'false' }, track: { unplannedProperties: 'forward' } };
  const v = createValidator(plan, { config });
  assert.equal(v.check({ type: 'track', event: 'Signed Up', properties: { plan: 'pro', extra: 1 } }).dropEvent, false);
  const unplanned = v.check({ type: 'track', event: 'Nope' });
  assert.equal(unplanned.dropEvent, true);
  assert.equal(unplanned.violationType, 'Unplanned-Event');
});

test('a schema that does not compile never drops, and says why', () => {
  const v = createValidator(plan, { config: { global: { anyOtherViolation: 'drop', allowUnplannedEvents: 'false' } } });
  const verdict = v.check({ type: 'track', event: 'Broken', properties: {} });
  assert.equal(verdict.dropEvent, false);
  assert.equal(verdict.validated, false);
  assert.match(verdict.error ?? '', /Broken/);
});

test('an empty config validates nothing, as the hosted validator skips such sources', () => {
  const verdict = createValidator(plan, { config: {} }).check({ type: 'track', event: 'Nope' });
  assert.deepEqual([verdict.validated, verdict.violationErrors], [false, []]);
});

test('alias is never validated but forwarded events are annotated', () => {
  const { verdict, message } = createValidator(plan).apply({ type: 'alias', previousId: 'a', userId: 'b' });
  assert.equal(verdict.validated, false);
  assert.deepEqual(message.context, { trackingPlanId: 'tp_9', trackingPlanVersion: 2, violationErrors: [] });
});

test('apply annotates a copy of the context and leaves the input alone', () => {
  const input = { type: 'track', event: 'Signed Up', properties: {}, context: { app: 'x' } };
  const { message } = createValidator(plan).apply(input);
  assert.deepEqual(input.context, { app: 'x' });
  const ctx = message.context as Record<string, unknown>;
  assert.equal(ctx.app, 'x');
  assert.deepEqual(ctx.violationErrors, [
    {
      type: 'Required-Missing',
      message: "must have required property 'plan'",
      meta: { instancePath: '/properties', schemaPath: '#/properties/properties/required' },
      property: 'plan',
    },
  ]);
});

test('propagateValidationErrors "false" forwards the message unannotated', () => {
  const v = createValidator(plan, { config: { global: { propagateValidationErrors: 'false', allowUnplannedEvents: 'true' } } });
  const input = { type: 'track', event: 'Signed Up', properties: {} };
  assert.equal(v.apply(input).message, input);
});

test('context.ruddertyper pins the plan version when the id matches', () => {
  const v = createValidator(plan, { versions: [v1] });
  const pinned = {
    type: 'track',
    event: 'Signed Up',
    properties: { plan: 'gold' },
    context: { ruddertyper: { trackingPlanId: 'tp_9', trackingPlanVersion: 1 } },
  };
  const verdict = v.check(pinned);
  assert.deepEqual([verdict.trackingPlanVersion, verdict.violationErrors], [1, []]);
  const otherPlan = { ...pinned, context: { ruddertyper: { trackingPlanId: 'tp_other', trackingPlanVersion: 1 } } };
  assert.equal(v.check(otherPlan).trackingPlanVersion, 2);
  const zero = { ...pinned, context: { ruddertyper: { trackingPlanId: 'tp_9', trackingPlanVersion: 0 } } };
  assert.equal(v.check(zero).trackingPlanVersion, 2);
});

test('settings with values the transformer does not know are listed', () => {
  assert.deepEqual(unknownSettings({ global: { unplannedProperties: 'maybe', anyOtherViolation: 'DROP' } }), [
    { key: 'global.unplannedProperties', value: 'maybe' },
  ]);
});
