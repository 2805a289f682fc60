// The run-time validation compiled into a generated client (its planPlugin) and the package's own
// validator (ajv at run time) agree on a property-based corpus of events, for every real plan: same
// drop decisions, same annotated events, and onViolation sees the violations the data plane stores.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fc from 'fast-check';
import type { OutgoingEvent, Plugin } from 'rudderanalytics';
import { createValidator, generateClient, toContextViolation, type TrackingPlanConfig, type ViolationReport } from '../src/index.js';
import { bundleWithPlan, importBundled } from './support/compiled.js';
import { messageArbitrary } from './support/corpus.js';
import { REAL_PLANS } from './support/typegen-plans.js';

const config: TrackingPlanConfig = {
  global: {
    allowUnplannedEvents: 'false',
    unplannedProperties: 'forward',
    anyOtherViolation: 'drop',
    propagateValidationErrors: 'true',
    ajvOptions: {},
  },
  track: { unplannedProperties: 'drop' },
};

const cleanups: Array<() => void> = [];
after(() => cleanups.forEach((c) => c()));

interface GeneratedModule {
  planPlugin(options: { onViolation?: (r: ViolationReport) => void; policy?: string }): Plugin;
}

async function loadGenerated(source: string): Promise<GeneratedModule> {
  const bundled = await bundleWithPlan("export * from 'virtual:compiled-plan';", source, undefined, 'ts');
  const { module, cleanup } = await importBundled(bundled);
  cleanups.push(cleanup);
  return module as unknown as GeneratedModule;
}

for (const [name, plan] of Object.entries(REAL_PLANS)) {
  test(`generated validation agrees with the package: ${name}`, async () => {
    const generated = await loadGenerated(generateClient(plan, { config }));
    const reference = createValidator(plan, { config });
    const reports: ViolationReport[] = [];
    const plugin = generated.planPlugin({ onViolation: (r) => reports.push(r) });
    const seen = new Set<string>();
    let n = 0;
    fc.assert(
      fc.property(messageArbitrary(plan), (generatedMessage) => {
        const message = { ...generatedMessage, messageId: `m${n++}` } as OutgoingEvent;
        reports.length = 0;
        const expected = reference.apply(message);
        const verdict = plugin.beforeSend(message);
        expected.verdict.violationErrors.forEach((v) => seen.add(v.type));
        if (expected.verdict.dropEvent) {
          seen.add('drop');
          assert.equal(verdict && verdict.action, 'drop');
          assert.deepEqual((verdict as { details: { violationErrors: unknown } }).details.violationErrors, expected.verdict.violationErrors);
        } else {
          assert.deepEqual(verdict && verdict.action === 'replace' ? verdict.event : message, expected.message);
        }
        if (expected.verdict.violationErrors.length === 0) assert.deepEqual(reports, []);
        else
          assert.deepEqual(
            reports.map((r) => r.violations),
            [expected.verdict.violationErrors.map(toContextViolation)],
          );
      }),
      { numRuns: 300, seed: 12 },
    );
    // The corpus must reach violations and drops, or agreeing would prove little.
    assert.ok(seen.has('Unplanned-Event') && seen.has('drop'), `violations seen: ${[...seen]}`);
    if (name === 'transformer') assert.ok(seen.size >= 4, `violations seen: ${[...seen]}`);
  });
}
