/**
 * The typed client `rudder typegen` writes for each real plan (every layout, Typewriter's plan.json
 * included) refuses, under `tsc --noEmit --strict`, each wrong call derived from the plan's own
 * schemas (a required property missing, a property of the wrong type: each line marked
 * `@ts-expect-error`, so a call the compiler lets through is an error too) and accepts each conforming one.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { rudder } from '../../packages/cli/test/support/helpers.js';
import { deriveCases, type DerivedCase } from '../tracking-plan/support/derive.js';
import { REAL_PLANS } from '../tracking-plan/support/real-plans.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

// Inside node_modules, so the generated files resolve 'rudderanalytics' and the tracking-plan runtime as a project would.
let dir: string;
before(() => {
  mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
  dir = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'typegen-real-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [command, ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The typed call for a derived event: the typed client's own method for its type. */
function typedCall(c: DerivedCase): string {
  const payload = JSON.stringify(c.payload);
  const m = c.message;
  if (c.eventType === 'track') return `analytics.track({ event: ${JSON.stringify(c.name)}, userId: 'u1', properties: ${payload} });`;
  if (c.eventType === 'identify') return `analytics.identify({ userId: 'u1', traits: ${payload} });`;
  if (c.eventType === 'group') return `analytics.group({ userId: 'u1', groupId: ${JSON.stringify(m.groupId)}, traits: ${payload} });`;
  return `analytics.${c.eventType}({ userId: 'u1', name: ${JSON.stringify(m.name)}, properties: ${payload} });`;
}

/** The calls file: conforming calls as they are, each wrong call under `@ts-expect-error`. */
function callsFile(module: string, cases: DerivedCase[]): string {
  const lines = [
    `import { typedClient, type AnalyticsClient } from './${module}.js';`,
    'declare const client: AnalyticsClient;',
    'const analytics = typedClient(client);',
  ];
  for (const c of cases) {
    if (c.kind === 'missing-required') lines.push(`// @ts-expect-error ${c.field} without the required ${JSON.stringify(c.key)}`);
    if (c.kind === 'wrong-type') lines.push(`// @ts-expect-error ${JSON.stringify(c.key)} of a type the plan does not allow`);
    lines.push(typedCall(c));
  }
  return `${lines.join('\n')}\n`;
}

test('typed clients from the real plans: wrong calls refused, conforming calls accepted (tsc --strict)', async () => {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  let wrong = 0;
  for (const real of REAL_PLANS) {
    const planFile = join(dir, `${real.name}.plan.json`);
    writeFileSync(planFile, JSON.stringify(real.document));
    const gen = await rudder(['typegen', '--plan', planFile, '--out', join(dir, `${real.name}.ts`)]);
    assert.equal(gen.code, 0, gen.stderr);
    const cases = deriveCases(real.document, real.layout);
    wrong += cases.filter((c) => c.kind !== 'conforming').length;
    writeFileSync(join(dir, `${real.name}.calls.ts`), callsFile(real.name, cases));
  }
  assert.ok(wrong > 50, `wrong calls derived: ${wrong}`);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2022', 'DOM'],
        types: [],
        skipLibCheck: true,
      },
      include: ['*.ts'],
    }),
  );
  const tsc = await run(TSC, ['-p', dir]);
  // An unused @ts-expect-error (a wrong call accepted) and an error on a conforming call both fail here.
  assert.equal(tsc.code, 0, tsc.stdout.split('\n').slice(0, 40).join('\n'));
});
