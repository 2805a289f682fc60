// rudder-transformer's own tracking-plan fixtures, run through our validator: identical verdicts and
// violation arrays. Data: test/fixtures/transformer-*.json (sources named inside each file).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ajvResolver,
  decide,
  evaluate,
  findPlannedEvent,
  isSupportedEventType,
  loadPlan,
  violationsOf,
  type JsonObject,
  type TrackingPlanConfig,
  type Violation,
} from '../src/index.js';
import { fixture } from './support/fixtures.js';

const eventValidation = fixture('transformer-event-validation.json');
const trackingPlan = fixture('transformer-tracking-plan.json');

interface Metadata {
  trackingPlanId: string;
  trackingPlanVersion: string;
  sourceTpConfig?: TrackingPlanConfig;
  mergedTpConfig?: JsonObject;
}

function planFor(doc: unknown, metadata: Metadata) {
  return loadPlan(doc, { id: metadata.trackingPlanId, version: 1 });
}

describe('rudder-transformer eventValidation.test.js', () => {
  test('supported event types', () => {
    for (const c of eventValidation.eventTypes) assert.equal(isSupportedEventType(c.eventType), c.output, String(c.eventType));
  });

  for (const [i, c] of eventValidation.handleValidationErrors.entries()) {
    test(`handleValidationErrors #${i}: ${c.test}`, () => {
      assert.equal(decide(c.validationErrors as Violation[], c.metadata.mergedTpConfig).dropEvent, c.output);
    });
  }

  for (const c of eventValidation.handleValidation) {
    test(`handleValidation: ${c.testCase}`, () => {
      const metadata = c.event.metadata as Metadata;
      const plan = planFor(eventValidation.plans[c.plan], metadata);
      const config = metadata.sourceTpConfig ?? {};
      const verdict = evaluate(c.event.message ?? {}, ajvResolver(plan, config), plan, config, metadata.mergedTpConfig ?? {});
      assert.equal(verdict.dropEvent, c.output.dropEvent);
      assert.equal(verdict.violationType, c.output.violationType);
    });
  }
});

describe('rudder-transformer trackingPlan.test.js', () => {
  for (const c of trackingPlan.validate) {
    test(`validate: ${c.testCase} (${c.event.message.event})`, () => {
      const metadata = c.event.metadata as Metadata;
      const plan = planFor(trackingPlan.plans[c.plan], metadata);
      const violations = violationsOf(c.event.message, ajvResolver(plan, metadata.sourceTpConfig ?? {}));
      assert.deepEqual(violations, c.output);
    });
  }

  for (const c of trackingPlan.eventSchema) {
    test(`getEventSchema: ${c.testCase}`, () => {
      const plan = planFor(trackingPlan.plans[c.plan], c.event.metadata);
      const { type, event } = c.event.message;
      assert.deepEqual(findPlannedEvent(plan, type, event)?.schema, c.output.eventSchema);
    });
  }
});
