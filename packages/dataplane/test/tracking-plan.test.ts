// `--tracking-plan`: the data plane checks what it ingests like the hosted processor. The
// transformer's fixtures, sent over HTTP, come back stored with identical verdicts and violation
// arrays; dropped events are stored and marked; /api/events and the live stream filter by violation.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import type { TrackingPlanConfig } from '@rudderanalytics/tracking-plan';
import { parseDataPlaneArgs, TrackingPlanError } from '../src/index.js';
import { basic, startTestPlane } from './support/helpers.js';

const fixtures = new URL('../../tracking-plan/test/fixtures/', import.meta.url);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(name, fixtures), 'utf8'));
const eventValidation = fixture('transformer-event-validation.json');
const trackingPlan = fixture('transformer-tracking-plan.json');

type Plane = Awaited<ReturnType<typeof startTestPlane>>;
const planes: Plane[] = [];
after(async () => {
  for (const p of planes) await p.stop();
});

async function plane(doc: unknown, config?: unknown): Promise<Plane> {
  const dp = await startTestPlane({
    trackingPlan: doc as Record<string, unknown>,
    ...(config ? { trackingPlanConfig: config as TrackingPlanConfig } : {}),
  });
  planes.push(dp);
  return dp;
}

async function send(dp: Plane, batch: unknown[]): Promise<void> {
  const res = await fetch(`${dp.url}/v1/batch`, {
    method: 'POST',
    headers: { authorization: basic(dp.writeKey), 'content-type': 'application/json' },
    body: JSON.stringify({ batch }),
  });
  assert.equal(res.status, 200, await res.text());
}

/** The violations as rudder-server writes them into the context (its struct adds property ""). */
const asContext = (violations: any[]) => violations.map((v) => ({ type: v.type, message: v.message, meta: v.meta, property: v.property ?? '' }));

describe('data plane with a tracking plan', () => {
  test('rudder-transformer trackingPlan.test.js: identical violation arrays in the stored context', async () => {
    const byPlan = new Map<string, any[]>();
    for (const c of trackingPlan.validate) byPlan.set(c.plan, [...(byPlan.get(c.plan) ?? []), c]);
    for (const [name, cases] of byPlan) {
      const dp = await plane(trackingPlan.plans[name], { track: { ajvOptions: {} } });
      await send(
        dp,
        cases.map((c, i) => ({ ...c.event.message, messageId: `${name}-${i}` })),
      );
      const stored = await dp.waitForEvents(cases.length);
      cases.forEach((c, i) => {
        const e = stored.find((s) => s.messageId === `${name}-${i}`)!;
        assert.deepEqual((e.payload.context as any).violationErrors, asContext(c.output), c.testCase);
        assert.equal(e.payload.trackingPlanVerdict, undefined, 'the settings drop nothing');
      });
    }
  });

  test('rudder-transformer eventValidation.test.js: dropped events stored as dropped, with their violation type', async () => {
    const groups = new Map<string, any[]>();
    for (const c of eventValidation.handleValidation) {
      const { sourceTpConfig, mergedTpConfig } = c.event.metadata;
      if (!c.event.message || !sourceTpConfig || !mergedTpConfig) continue;
      const key = JSON.stringify([c.plan, { global: mergedTpConfig }]);
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    for (const [key, cases] of groups) {
      const [name, config] = JSON.parse(key);
      const dp = await plane(eventValidation.plans[name], config);
      await send(
        dp,
        cases.map((c, i) => ({ ...c.event.message, messageId: `m-${i}` })),
      );
      const stored = await dp.waitForEvents(cases.length);
      cases.forEach((c, i) => {
        const e = stored.find((s) => s.messageId === `m-${i}`)!;
        const verdict = e.payload.trackingPlanVerdict as { dropEvent: boolean; violationType: string } | undefined;
        assert.deepEqual([verdict?.dropEvent ?? false, verdict?.violationType ?? 'None'], [c.output.dropEvent, c.output.violationType], c.testCase);
      });
    }
  });

  test('/api/events and the live stream filter by violation', async () => {
    const dp = await plane(
      {
        id: 'tp_f',
        version: 3,
        events: [
          {
            eventType: 'track',
            name: 'Paid',
            rules: {
              type: 'object',
              properties: { properties: { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] } },
            },
          },
        ],
      },
      { global: { allowUnplannedEvents: 'false' } },
    );
    const streamed: string[] = [];
    const unsubscribe = dp.subscribe((e) => streamed.push(e.messageId), { violation: 'any' });
    await send(dp, [
      { type: 'track', event: 'Paid', userId: 'u', messageId: 'ok', properties: { amount: 1 } },
      { type: 'track', event: 'Paid', userId: 'u', messageId: 'missing', properties: {} },
      { type: 'track', event: 'Unknown', userId: 'u', messageId: 'unplanned' },
      { type: 'alias', userId: 'u', previousId: 'p', messageId: 'alias' },
    ]);
    await dp.waitForEvents(4);
    unsubscribe();
    const ids = async (violation: string) => {
      const res = await fetch(`${dp.url}/api/events?order=asc&violation=${encodeURIComponent(violation)}`);
      return ((await res.json()) as { events: Array<{ messageId: string }> }).events.map((e) => e.messageId);
    };
    assert.deepEqual(await ids('any'), ['missing', 'unplanned']);
    assert.deepEqual(await ids('dropped'), ['unplanned']);
    assert.deepEqual(await ids('Required-Missing'), ['missing']);
    assert.deepEqual(await ids('Datatype-Mismatch'), []);
    assert.deepEqual(streamed, ['missing', 'unplanned']);
    const [alias] = dp.events({ type: 'alias' });
    assert.deepEqual(alias.payload.context, { trackingPlanId: 'tp_f', trackingPlanVersion: 3, violationErrors: [] });
  });

  test('flags: --tracking-plan, --tracking-plan-config and --tracking-plan-lenient', () => {
    const opts = parseDataPlaneArgs(['--tracking-plan', 'p.json', '--tracking-plan-config', 'c.json']);
    assert.deepEqual([opts.trackingPlan, opts.trackingPlanConfig, opts.trackingPlanLenient], ['p.json', 'c.json', undefined]);
    assert.equal(parseDataPlaneArgs(['--tracking-plan', 'p.json', '--tracking-plan-lenient']).trackingPlanLenient, true);
  });

  const brokenPlan = {
    id: 'tp_broken',
    version: 1,
    events: [
      {
        eventType: 'track',
        name: 'Good',
        rules: { type: 'object', properties: { properties: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] } } },
      },
      { eventType: 'track', name: 'Bad <b>', rules: { type: 'object', labels: { team: 'x' } } },
    ],
  };

  test('a plan with a schema that does not compile is refused at start, naming the event and why', async () => {
    await assert.rejects(plane(brokenPlan), (error: unknown) => {
      assert.ok(error instanceof TrackingPlanError);
      assert.equal(error.problems.length, 2);
      assert.match(error.problems[0], /the schema for track 'Bad <b>' does not compile: strict mode: unknown keyword: "labels"/);
      assert.match(error.problems[1], /trackingPlanLenient/);
      return true;
    });
    await assert.rejects(plane({ hello: 1 }), (error: unknown) => error instanceof TrackingPlanError && /expected "events"/.test(error.message));
  });

  test('trackingPlanLenient: the broken schema lets its events through unchecked, as the hosted data plane does, and the live page lists it', async () => {
    const dp = await startTestPlane({ trackingPlan: brokenPlan, trackingPlanLenient: true });
    planes.push(dp);
    await send(dp, [
      { type: 'track', event: 'Bad <b>', messageId: 'bad', userId: 'u', properties: { anything: 1 } },
      { type: 'track', event: 'Good', messageId: 'good', userId: 'u', properties: {} },
    ]);
    const stored = new Map((await dp.waitForEvents(2)).map((e) => [e.messageId, e.payload as any]));
    assert.deepEqual(stored.get('bad').context.violationErrors, []);
    assert.equal(stored.get('bad').trackingPlanVerdict, undefined, 'never dropped');
    assert.deepEqual(
      stored.get('good').context.violationErrors.map((v: any) => [v.type, v.property]),
      [['Required-Missing', 'sku']],
    );
    const page = await (await fetch(`${dp.url}/live`)).text();
    // Escaped: the plan's names are text, never markup.
    assert.match(
      page,
      /<section id="plan-broken"[^>]*>[^]*<code>track &#39;Bad &#60;b&#62;&#39;<\/code>: strict mode: unknown keyword: &#34;labels&#34;/,
    );
    const clean = await plane({ id: 'tp_ok', events: [brokenPlan.events[0]] });
    assert.doesNotMatch(await (await fetch(`${clean.url}/live`)).text(), /id="plan-broken"/);
  });
});
