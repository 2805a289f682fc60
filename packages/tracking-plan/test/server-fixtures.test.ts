// rudder-server's tracking-plan fixtures (processor/trackingplan_test.go, ported to
// test/fixtures/rudder-server-report-violations.json) through our context annotation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { annotate, type Verdict, type Violation } from '../src/index.js';
import { fixture } from './support/fixtures.js';

const { cases } = fixture('rudder-server-report-violations.json');

for (const c of cases) {
  test(`reportViolations: ${c.name}`, () => {
    for (const e of c.events) {
      const verdict: Verdict = {
        dropEvent: false,
        violationType: 'None',
        validated: true,
        violationErrors: e.validationErrors as Violation[],
        trackingPlanId: c.trackingPlanId,
        trackingPlanVersion: c.trackingPlanVersion,
      };
      const out = annotate(e.output, verdict, e.mergedTpConfig);
      if (c.expect === 'context-without-fields') {
        assert.deepEqual(out.context, {});
      } else if (c.expect === 'context-not-object') {
        assert.deepEqual(out.context, e.output.context);
      } else {
        const ctx = out.context as Record<string, unknown>;
        assert.equal(ctx.trackingPlanId, c.trackingPlanId);
        assert.equal(ctx.trackingPlanVersion, c.trackingPlanVersion);
        // rudder-server re-encodes each violation through its struct: property "" where none was named.
        assert.deepEqual(
          ctx.violationErrors,
          e.validationErrors.map((v: Violation) => ({ ...v, property: v.property ?? '' })),
        );
      }
      assert.notEqual(out === e.output && c.expect === 'annotated', true, 'annotation returns a new message');
    }
  });
}
