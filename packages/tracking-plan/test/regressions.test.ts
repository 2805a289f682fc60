// Behaviours each held by one line of code that the rest of the suite would let change unnoticed:
// an enum with a `type` is typed by its values, a `properties` object with required keys must be given,
// a pinned plan version of 0 is no version, and with no settings an unplanned event is reported, not dropped.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import ts from 'typescript';
import { createPlanValidator, createValidator, generateClient, loadPlan, pinnedVersion } from '../src/index.js';
import { schemaType } from '../src/typegen/index.js';

const paid = (properties: object) => ({
  id: 'tp_reg',
  version: 2,
  events: [
    {
      eventType: 'track',
      name: 'Paid',
      // `properties` itself is not listed as required at the top: only its own keys are.
      rules: { type: 'object', properties: { properties: { type: 'object', properties, required: Object.keys(properties) } } },
    },
  ],
});

describe('typegen', () => {
  test('an enum that also says "type": "string" is typed by its values, not as string', () => {
    assert.equal(schemaType({ type: 'string', enum: ['EUR', 'USD'] }), '"EUR" | "USD"');
    assert.equal(schemaType({ type: ['string', 'null'], enum: ['EUR', null] }), '"EUR" | null');
  });

  // A scratch project inside node_modules, so the generated file resolves its imports as a user's would.
  const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
  mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
  const scratch = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'typegen-regressions-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test('under strict tsc: a value outside the enum and a missing properties object (its keys are required) are refused', () => {
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(join(scratch, 'client.ts'), generateClient(loadPlan(paid({ currency: { type: 'string', enum: ['EUR', 'USD'] } }))));
    const calls = `import { typedClient, type AnalyticsClient } from './client.js';
declare const client: AnalyticsClient;
const analytics = typedClient(client);
analytics.paid({ userId: 'u1', properties: { currency: 'EUR' } });
analytics.paid({ userId: 'u1', properties: { currency: 'GBP' } }); // ✗ not one of the enum's values
analytics.paid({ userId: 'u1', properties: { currency: 'eur' as string } }); // ✗ any string is not one of them
analytics.paid({ userId: 'u1' }); // ✗ properties has a required key, so it must be given
analytics.paid({ userId: 'u1', properties: {} }); // ✗ the required key itself
`;
    writeFileSync(join(scratch, 'calls.ts'), calls);
    const program = ts.createProgram([join(scratch, 'client.ts'), join(scratch, 'calls.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: [],
      skipLibCheck: true,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ({
      file: d.file?.fileName.slice(scratch.length + 1),
      line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
      text: ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0],
    }));
    assert.deepEqual(
      diagnostics.filter((d) => d.file !== 'calls.ts'),
      [],
      'the generated client compiles',
    );
    const expected = calls.split('\n').flatMap((l, i) => (l.includes('// ✗') ? [i + 1] : []));
    const got = [...new Set(diagnostics.map((d) => d.line))].sort((a, b) => a - b);
    assert.deepEqual(got, expected, diagnostics.map((d) => `${d.line}: ${d.text}`).join('\n'));
  });
});

describe('version pinning', () => {
  const current = loadPlan(paid({ currency: { type: 'string' } }));
  // A version 0 that, if it were picked, would give another verdict.
  const zero = loadPlan(paid({ amount: { type: 'number' } }), { version: 0 });
  const pinnedTo = (trackingPlanVersion: unknown) => ({
    type: 'track',
    event: 'Paid',
    properties: { currency: 'EUR' },
    context: { ruddertyper: { trackingPlanId: 'tp_reg', trackingPlanVersion } },
  });

  test('a pinned trackingPlanVersion of 0 is no version: the connected one checks the event', () => {
    assert.equal(pinnedVersion(pinnedTo(0), 'tp_reg', 2), 2);
    const verdict = createValidator(current, { versions: [zero] }).check(pinnedTo(0));
    assert.deepEqual([verdict.trackingPlanVersion, verdict.violationErrors], [2, []]);
  });

  test('negative, non-numeric and missing versions fall back too; a version above 0 is used', () => {
    for (const v of [-1, '0', '1', null, undefined, Number.NaN]) assert.equal(pinnedVersion(pinnedTo(v), 'tp_reg', 2), 2, String(v));
    assert.equal(pinnedVersion(pinnedTo(1), 'tp_reg', 2), 1);
  });
});

describe('default settings', () => {
  const plan = loadPlan(paid({ currency: { type: 'string' } }));
  const unplanned = { type: 'track', event: 'Refunded', userId: 'u1', properties: {} };

  test('with no config an unplanned event is reported and forwarded, never dropped', () => {
    for (const validator of [
      createValidator(plan),
      createPlanValidator([{ identity: { id: plan.id, version: plan.version }, resolve: () => ({ kind: 'unplanned' }) }]),
    ]) {
      const verdict = validator.check(unplanned);
      assert.equal(verdict.dropEvent, false);
      assert.equal(verdict.violationType, 'None');
      assert.deepEqual(
        verdict.violationErrors.map((e) => e.type),
        ['Unplanned-Event'],
      );
    }
  });
});
