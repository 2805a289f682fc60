/**
 * examples/typed-plan end to end: its committed client is what `rudder typegen` generates from its
 * plan; run against a local data plane checking the same plan, it stores events without violations,
 * and with `--violate` exactly one Datatype-Mismatch, which onViolation printed as the data plane stored it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startDataPlane, type DataPlane } from '@rudderanalytics/dataplane';
import ts from 'typescript';
import { generateClient, loadPlan } from '@rudderanalytics/tracking-plan';
import { WITH_TS_LOADER } from '../support/ts-loader.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const EXAMPLE = join(ROOT, 'examples/typed-plan');
const PLAN = join(EXAMPLE, 'plan.json');
const KEYS = { clean: 'wk-typed-example-clean-0123', violate: 'wk-typed-example-violate-0123' };

let dir: string;
let dp: DataPlane;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rudder-typed-example-'));
  dp = await startDataPlane({
    port: 0,
    dbPath: join(dir, 'events.db'),
    quiet: true,
    devWriteKey: false,
    trackingPlan: PLAN,
    writeKeys: Object.entries(KEYS).map(([name, writeKey]) => ({ name, writeKey })),
  });
});
after(async () => {
  await dp?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function runExample(key: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...WITH_TS_LOADER, join(EXAMPLE, 'src/main.ts'), ...args],
      {
        cwd: ROOT,
        timeout: 60_000,
        env: { ...process.env, RUDDER_WRITE_KEY: key, RUDDER_DATA_PLANE_URL: dp.url },
      },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
    );
  });
}

test('the committed client is what the plan generates', () => {
  assert.equal(readFileSync(join(EXAMPLE, 'src/analytics.ts'), 'utf8'), generateClient(loadPlan(JSON.parse(readFileSync(PLAN, 'utf8')))));
});

test('the example compiles under strict TypeScript, the deliberate violation being a compile error', () => {
  const program = ts.createProgram([join(EXAMPLE, 'src/main.ts')], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    types: ['node'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  });
  // @ts-expect-error in main.ts would itself be an error if the string total compiled.
  assert.deepEqual(
    ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    [],
  );
});

test('typed calls, same plan on the data plane: no violations', async () => {
  const stdout = await runExample(KEYS.clean, []);
  assert.equal(stdout, '', 'onViolation was not called');
  const stored = dp.events({ source: 'clean', order: 'asc' });
  assert.deepEqual(
    stored.map((e) => [e.payload.type, e.payload.event ?? null]),
    [
      ['identify', null],
      ['track', 'Cart Viewed'],
      ['track', 'Order Completed'],
    ],
  );
  for (const e of stored) {
    const context = e.payload.context as any;
    assert.deepEqual(context.ruddertyper, { trackingPlanId: 'tp_shop', trackingPlanVersion: 2 });
    assert.deepEqual(context.violationErrors, []);
  }
  assert.equal(dp.events({ source: 'clean', violation: 'any' }).length, 0);
});

test('a deliberate violation: reported at the call, stored with the same violations', async () => {
  const stdout = await runExample(KEYS.violate, ['--violate']);
  const reports = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const flagged = dp.events({ source: 'violate', violation: 'any' });
  assert.equal(flagged.length, 1);
  const context = flagged[0].payload.context as any;
  assert.deepEqual(
    context.violationErrors.map((v: any) => `${v.type} ${v.meta.instancePath}`),
    ['Datatype-Mismatch /properties/total'],
  );
  assert.deepEqual(reports, [{ messageId: flagged[0].payload.messageId, violations: context.violationErrors }]);
  assert.equal(dp.events({ source: 'violate' }).length, 4, 'the violating event is delivered too');
});
