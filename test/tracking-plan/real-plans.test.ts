/**
 * Real plans in every layout (RudderStack events[], legacy rules{}, RudderTyper, Segment Config API v1,
 * Segment Public API, Typewriter plan.json): events derived from each plan's own schemas (conforming,
 * a required property missing, a property of the wrong type) get the same verdict from
 * `rudder plan validate`, from the local data plane (real HTTP ingest, then the stored annotation) and
 * from the SDK plugin compiled from the plan, and it is the verdict the derivation calls for.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { DEV_WRITE_KEY, startDataPlane } from '@rudderanalytics/dataplane';
import { compilePlan, loadPlan, type JsonObject } from '@rudderanalytics/tracking-plan';
import { compiledPlanPlugin, type CompiledPlanModule, type ViolationReport } from '@rudderanalytics/tracking-plan/runtime';
import { RudderAnalytics } from 'rudderanalytics';
import { rudder } from '../../packages/cli/test/support/helpers.js';
import { deriveCases, type DerivedCase } from './support/derive.js';
import { REAL_PLANS } from './support/real-plans.js';

const ROOT = new URL('../../', import.meta.url).pathname;

// Inside node_modules, so a compiled plan's imports of ajv's run-time helpers resolve as in a project.
let dir: string;
before(() => {
  mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
  dir = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'real-plans-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A violation reduced to what every surface reports the same way. */
interface Seen {
  type: string;
  property: string;
  instancePath: string;
  schemaPath: string;
  message: string;
}

type AnyViolation = { type: string; message: string; property?: string; meta: { instancePath?: string; schemaPath?: string } };
const seen = (list: AnyViolation[]): Seen[] =>
  list.map((v) => ({
    type: v.type,
    property: v.property ?? '',
    instancePath: v.meta.instancePath ?? '',
    schemaPath: v.meta.schemaPath ?? '',
    message: v.message,
  }));

/** The verdict the derivation calls for. */
function assertExpected(c: DerivedCase, violations: Seen[]): void {
  const label = `${c.kind} ${c.eventType} '${c.name}'${c.key ? ` (${c.key})` : ''}`;
  if (c.kind === 'conforming') return assert.deepEqual(violations, [], label);
  if (c.kind === 'missing-required') {
    assert.ok(
      violations.some((v) => v.type === 'Required-Missing' && v.property === c.key && v.instancePath === c.instancePath),
      `${label}: ${JSON.stringify(violations)}`,
    );
  } else {
    assert.ok(
      violations.some((v) => v.type === 'Datatype-Mismatch' && v.instancePath === c.instancePath),
      `${label}: ${JSON.stringify(violations)}`,
    );
  }
}

/** The SDK call for a derived message (its type's fields, the payload, the same messageId with a prefix). */
function sdkCall(client: RudderAnalytics, c: DerivedCase, messageId: string): void {
  const m = c.message;
  const common = { userId: String(m.userId), messageId };
  if (c.eventType === 'track') client.track({ ...common, event: c.name, properties: c.payload });
  else if (c.eventType === 'identify') client.identify({ ...common, traits: c.payload });
  else if (c.eventType === 'group') client.group({ ...common, groupId: String(m.groupId), traits: c.payload });
  else if (c.eventType === 'page') client.page({ ...common, name: String(m.name), properties: c.payload });
  else client.screen({ ...common, name: String(m.name), properties: c.payload });
}

test('every layout is exercised with all three kinds of event', () => {
  const kinds = new Map<string, Set<string>>();
  for (const real of REAL_PLANS) {
    const set = kinds.get(real.layout) ?? new Set<string>();
    for (const c of deriveCases(real.document, real.layout)) set.add(c.kind);
    kinds.set(real.layout, set);
  }
  for (const layout of ['rudderstack-events', 'rudderstack-rules', 'segment-config-api-v1', 'segment-public-api', 'typewriter'])
    assert.deepEqual([...(kinds.get(layout) ?? [])].sort(), ['conforming', 'missing-required', 'wrong-type'], layout);
});

describe('derived events from real plans: identical verdicts on every surface', () => {
  for (const real of REAL_PLANS) {
    test(`${real.name} (${real.layout})`, async () => {
      const plan = loadPlan(real.document);
      assert.equal(plan.layout, real.layout);
      const cases = deriveCases(real.document, real.layout);
      assert.ok(cases.some((c) => c.kind === 'conforming'));

      const planFile = join(dir, `${real.name}.json`);
      writeFileSync(planFile, JSON.stringify(real.document));

      // 1. rudder plan validate, one line per event in order.
      const eventsFile = join(dir, `${real.name}.jsonl`);
      writeFileSync(eventsFile, cases.map((c) => JSON.stringify(c.message)).join('\n') + '\n');
      const cli = await rudder(['plan', 'validate', '--plan', planFile, eventsFile]);
      assert.equal(cli.stderr, '');
      const lines = cli.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { violationErrors: AnyViolation[]; error?: string });
      assert.equal(lines.length, cases.length);
      assert.ok(lines.every((l) => l.error === undefined));
      const byCli = lines.map((l) => seen(l.violationErrors));
      assert.equal(cli.code, byCli.some((v) => v.length > 0) ? 1 : 0);

      // 2. the data plane started with the plan file: real HTTP ingest, then the stored annotation.
      const dp = await startDataPlane({ port: 0, dbPath: join(dir, `${real.name}.db`), quiet: true, trackingPlan: planFile });
      try {
        const response = await fetch(`${dp.url}/v1/batch`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(`${DEV_WRITE_KEY}:`).toString('base64')}` },
          body: JSON.stringify({ batch: cases.map((c) => c.message) }),
        });
        assert.equal(response.status, 200, await response.text());
        const stored = new Map((await dp.waitForEvents(cases.length)).map((e) => [e.messageId, e.payload as JsonObject]));
        const byDataPlane = cases.map((c) =>
          seen(((stored.get(String(c.message.messageId))?.context as JsonObject)?.violationErrors ?? []) as AnyViolation[]),
        );

        // 3. the SDK plugin compiled from the plan (what a typed client's planPlugin runs), through a real client.
        const modulePath = join(dir, `${real.name}.compiled.mjs`);
        writeFileSync(modulePath, compilePlan(plan));
        const compiled = (await import(pathToFileURL(modulePath).href)) as CompiledPlanModule;
        const reports = new Map<string, ViolationReport>();
        const client = RudderAnalytics.load(DEV_WRITE_KEY, dp.url, {
          flushOnExit: false,
          plugins: [compiledPlanPlugin(compiled, { onViolation: (r) => reports.set(r.messageId, r) })],
        });
        cases.forEach((c, i) => sdkCall(client, c, `sdk-${real.name}-${i}`));
        await client.close();
        const byPlugin = cases.map((_, i) => seen((reports.get(`sdk-${real.name}-${i}`)?.violations ?? []) as AnyViolation[]));
        // What the plugin reported is what the data plane stored for the same SDK events.
        const fromSdk = await dp.waitForEvents(cases.length * 2);
        const storedSdk = new Map(fromSdk.map((e) => [e.messageId, e.payload as JsonObject]));
        const bySdkStored = cases.map((_, i) =>
          seen(((storedSdk.get(`sdk-${real.name}-${i}`)?.context as JsonObject)?.violationErrors ?? []) as AnyViolation[]),
        );

        cases.forEach((c, i) => {
          const label = `${real.name} #${i} ${c.kind} ${c.eventType} '${c.name}'`;
          assert.deepEqual(byDataPlane[i], byCli[i], `${label}: data plane vs rudder plan validate`);
          assert.deepEqual(byPlugin[i], byCli[i], `${label}: SDK plugin vs rudder plan validate`);
          assert.deepEqual(bySdkStored[i], byPlugin[i], `${label}: stored SDK event vs SDK plugin`);
          assertExpected(c, byCli[i]);
        });
      } finally {
        await dp.close();
      }
    });
  }
});
