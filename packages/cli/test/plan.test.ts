// `rudder plan`: the transformer's fixtures through the CLI give the same verdicts and violation
// arrays; exit codes; draft → validate round trip; diff for CI; coverage of what a data plane stored.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { at, READ_TOKEN, rudder, rudderProcess, startPlane, type TestPlane } from './support/helpers.js';
import { startReadGate } from './support/read-gate.js';

const fixtures = new URL('../../tracking-plan/test/fixtures/', import.meta.url);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(name, fixtures), 'utf8'));
const eventValidation = fixture('transformer-event-validation.json');
const trackingPlan = fixture('transformer-tracking-plan.json');

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rudder-plan-test-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(content: unknown, ext = 'json'): string {
  const path = join(dir, `f${n++}.${ext}`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}
const jsonl = (events: unknown[]) => file(events.map((e) => JSON.stringify(e)).join('\n') + '\n', 'jsonl');
const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
const isEmpty = (o: unknown) => !o || Object.keys(o).length === 0;

describe('rudder plan validate', () => {
  test('rudder-transformer trackingPlan.test.js: identical violation arrays', async () => {
    const byPlan = new Map<string, any[]>();
    for (const c of trackingPlan.validate) byPlan.set(c.plan, [...(byPlan.get(c.plan) ?? []), c]);
    for (const [planName, cases] of byPlan) {
      const run = await rudder([
        'plan',
        'validate',
        '--plan',
        file(trackingPlan.plans[planName]),
        '--config',
        file({ track: { ajvOptions: {} } }),
        jsonl(cases.map((c) => c.event.message)),
      ]);
      const out = lines(run.stdout);
      assert.equal(out.length, cases.length);
      cases.forEach((c, i) => {
        assert.equal(out[i].line, i + 1);
        assert.deepEqual(out[i].violationErrors, c.output, c.testCase);
      });
      assert.equal(run.code, cases.some((c) => c.output.length > 0) ? 1 : 0);
    }
  });

  test('rudder-transformer eventValidation.test.js: identical drop verdicts', async () => {
    // The server hands the transformer an already merged config; as --config's global it merges to itself.
    const groups = new Map<string, any[]>();
    for (const c of eventValidation.handleValidation) {
      if (!c.event.message) continue;
      const { sourceTpConfig, mergedTpConfig } = c.event.metadata;
      const config = isEmpty(sourceTpConfig) || isEmpty(mergedTpConfig) ? {} : { global: mergedTpConfig };
      const key = JSON.stringify([c.plan, config]);
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    for (const [key, cases] of groups) {
      const [planName, config] = JSON.parse(key);
      const run = await rudder([
        'plan',
        'validate',
        '--plan',
        file(eventValidation.plans[planName]),
        '--config',
        file(config),
        jsonl(cases.map((c) => c.event.message)),
      ]);
      const out = lines(run.stdout);
      cases.forEach((c, i) => {
        assert.deepEqual([out[i].dropEvent, out[i].violationType], [c.output.dropEvent, c.output.violationType], c.testCase);
      });
    }
  });

  test('clean events exit 0; a line that is not JSON is reported and exits 1', async () => {
    const plan = file(trackingPlan.plans.sampleForumTrackingPlan);
    const ok = trackingPlan.validate.find((c: any) => c.plan === 'sampleForumTrackingPlan' && c.output.length === 0).event.message;
    // Through the real bin: the events piped to its stdin.
    const clean = await rudderProcess(['plan', 'validate', '--plan', plan, '-'], { stdin: `${JSON.stringify(ok)}\n` });
    assert.equal(clean.code, 0, clean.stderr);
    assert.equal(lines(clean.stdout)[0].event, 'Post Created - Draft 7');
    const bad = await rudder(['plan', 'validate', '--plan', plan, jsonl([ok]), file('{nope\n', 'jsonl')]);
    assert.equal(bad.code, 1);
    const out = lines(bad.stdout);
    assert.equal(out[1].line, 1);
    assert.match(out[1].error, /invalid JSON/);
    assert.ok(out[1].file.endsWith('.jsonl'));
  });

  test('a missing --plan or an unknown layout is a usage error naming the flag', async () => {
    const missing = await rudder(['plan', 'validate', '-']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--plan is required/);
    const weird = await rudder(['plan', 'validate', '--plan', file({ hello: 1 }), '-']);
    assert.equal(weird.code, 2);
    assert.match(weird.stderr, /--plan .*"events"/);
  });

  test('a plan whose schemas do not compile is refused (exit 2): one line per broken schema, naming the file and the event', async () => {
    const broken = {
      id: 'tp_broken',
      events: [
        { eventType: 'track', name: 'Fine', rules: { type: 'object', properties: { properties: { type: 'object' } } } },
        { eventType: 'track', name: 'Unknown Keyword', rules: { type: 'object', colour: 'red' } },
        // The first event per name is the one checked; a later duplicate is not reported again.
        { eventType: 'track', name: 'Unknown Keyword', rules: { type: 'object', shade: 'blue' } },
        { eventType: 'identify', name: '', rules: { type: 'object', properties: { traits: { type: 'text' } } } },
      ],
    };
    const planFile = file(broken);
    const events = jsonl([{ type: 'track', event: 'Fine', userId: 'u', properties: {} }]);
    for (const sub of [['validate'], ['coverage'], ['compile']]) {
      const run = await rudder(['plan', ...sub, '--plan', planFile, ...(sub[0] === 'compile' ? [] : [events])]);
      assert.equal(run.code, 2, `${sub[0]}: ${run.stderr}`);
      assert.equal(run.stdout, '', 'nothing is checked against a plan that cannot be applied');
      const errors = run.stderr.split('\n').filter((l) => l.includes('does not compile'));
      assert.equal(errors.length, 2, run.stderr);
      assert.ok(errors[0].includes(`--plan ${planFile}`) && errors[0].includes("track 'Unknown Keyword'") && errors[0].includes('colour'), errors[0]);
      assert.ok(errors[1].includes(`--plan ${planFile}`) && errors[1].includes('identify'), errors[1]);
      assert.match(run.stderr, /2 schemas of the plan cannot be applied/);
    }
  });

  test("Segment's annotation keywords compile: Typewriter's telemetry plan.json checks the event's properties", async () => {
    const telemetry = fixture('segment/typewriter-telemetry-plan.json');
    const run = await rudder([
      'plan',
      'validate',
      '--plan',
      file(telemetry),
      jsonl([
        { type: 'track', event: 'Command Help', userId: 'u', properties: { rawCommand: 'help' } },
        { type: 'track', event: 'Command Help', userId: 'u', properties: { rawCommand: 7 } },
        { type: 'track', event: 'Command Help', userId: 'u', properties: {} },
      ]),
    ]);
    assert.equal(run.code, 1, run.stderr);
    const [ok, wrong, missing] = lines(run.stdout);
    assert.equal(ok.error, undefined);
    assert.deepEqual(ok.violationErrors, []);
    assert.deepEqual(
      wrong.violationErrors.map((v: any) => [v.type, v.meta.instancePath]),
      [['Datatype-Mismatch', '/properties/rawCommand']],
    );
    assert.deepEqual(
      missing.violationErrors.map((v: any) => [v.type, v.property, v.meta.instancePath]),
      [['Required-Missing', 'rawCommand', '/properties']],
    );
  });
});

describe('rudder plan draft / diff', () => {
  const observed = [
    { type: 'track', event: 'Signed Up', userId: 'u1', properties: { plan: 'pro', seats: 3 } },
    { type: 'track', event: 'Signed Up', userId: 'u2', properties: { plan: 'free', coupon: 'X' } },
    { type: 'identify', userId: 'u1', traits: { email: 'a@b.co' } },
  ];

  test('a drafted plan accepts the events it was drafted from', async () => {
    const events = jsonl(observed);
    const out = join(dir, 'drafted.json');
    const drafted = await rudder(['plan', 'draft', '--out', out, events]);
    assert.equal(drafted.code, 0, drafted.stderr);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    assert.deepEqual(
      doc.events.map((e: any) => [e.eventType, e.name]),
      [
        ['track', 'Signed Up'],
        ['identify', ''],
      ],
    );
    assert.deepEqual(doc.events[0].rules.properties.properties.required, ['plan']);
    const checked = await rudder(['plan', 'validate', '--plan', out, events]);
    assert.equal(checked.code, 0, checked.stdout);
    const missingPlan = await rudder([
      'plan',
      'validate',
      '--plan',
      out,
      jsonl([{ type: 'track', event: 'Signed Up', properties: { seats: 'many' } }]),
    ]);
    assert.equal(missingPlan.code, 1);
    assert.deepEqual(
      lines(missingPlan.stdout)[0].violationErrors.map((v: any) => v.type),
      ['Required-Missing', 'Datatype-Mismatch'],
    );
  });

  test('diff lists breaking changes and exits 1; an identical plan exits 0', async () => {
    const schema = (props: object, required: string[]) => ({
      type: 'object',
      properties: { properties: { type: 'object', properties: props, required } },
    });
    const v1 = {
      id: 'tp',
      version: 1,
      events: [
        {
          eventType: 'track',
          name: 'Signed Up',
          rules: schema({ plan: { type: 'string', enum: ['free', 'pro', 'team'] }, seats: { type: ['number', 'string'] } }, []),
        },
        { eventType: 'track', name: 'Logged In', rules: schema({}, []) },
      ],
    };
    const v2 = {
      id: 'tp',
      version: 2,
      events: [
        {
          eventType: 'track',
          name: 'Signed Up',
          rules: schema({ plan: { type: 'string', enum: ['free', 'pro'] }, seats: { type: 'integer' } }, ['plan']),
        },
      ],
    };
    const run = await rudder(['plan', 'diff', '--json', file(v1), file(v2)]);
    assert.equal(run.code, 1);
    assert.deepEqual(
      lines(run.stdout).map((c) => [c.kind, c.name, c.path]),
      [
        ['newly-required', 'Signed Up', '/properties/plan'],
        ['removed-enum-value', 'Signed Up', '/properties/plan'],
        ['narrowed-type', 'Signed Up', '/properties/seats'],
        ['removed-event', 'Logged In', ''],
      ],
    );
    const same = await rudder(['plan', 'diff', file(v1), file(v1)]);
    assert.equal(same.code, 0);
    assert.match(same.stderr, /0 breaking changes/);
  });

  test('diff judges by what schemas accept: giving an enum the type of its values breaks nothing, a pattern is only possibly breaking', async () => {
    const withCurrency = (currency: object) => ({
      id: 'tp',
      version: 1,
      events: [
        { eventType: 'track', name: 'Paid', rules: { type: 'object', properties: { properties: { type: 'object', properties: { currency } } } } },
      ],
    });
    const typed = await rudder([
      'plan',
      'diff',
      file(withCurrency({ enum: ['EUR', 'USD'] })),
      file(withCurrency({ type: 'string', enum: ['EUR', 'USD'] })),
    ]);
    assert.equal(typed.code, 0, typed.stdout);
    assert.equal(typed.stdout, '');
    assert.match(typed.stderr, /^0 breaking changes\n$/);
    const patterned = await rudder([
      'plan',
      'diff',
      file(withCurrency({ type: 'string' })),
      file(withCurrency({ type: 'string', pattern: '^[A-Z]{3}$' })),
    ]);
    assert.equal(patterned.code, 1);
    assert.match(patterned.stdout, /^possibly-breaking: track 'Paid' \/properties\/currency: pattern added: now "\^\[A-Z\]\{3\}\$"\n$/);
    assert.match(patterned.stderr, /^0 breaking changes, 1 possibly breaking\n$/);
  });
});

describe('rudder plan coverage', () => {
  let dp: TestPlane;
  before(async () => {
    dp = await startPlane();
  });
  after(() => dp?.stop());

  test('what a data plane stored, fed by rudder send: planned never seen, unplanned seen, violations by rule', async () => {
    const plan = file({
      id: 'tp',
      version: 1,
      events: [
        // strictRequired: a required property must be declared, or the schema does not compile (and never flags).
        {
          eventType: 'track',
          name: 'Signed Up',
          rules: { type: 'object', properties: { properties: { type: 'object', properties: { plan: { type: 'string' } }, required: ['plan'] } } },
        },
        { eventType: 'track', name: 'Logged In', rules: { type: 'object' } },
      ],
    });
    const sent = await rudder([
      'send',
      ...at(dp),
      jsonl([
        { type: 'track', event: 'Signed Up', userId: 'u1', properties: {} },
        { type: 'track', event: 'Signed Up', userId: 'u2', properties: {} },
        { type: 'track', event: 'Mystery', userId: 'u3' },
      ]),
    ]);
    assert.equal(sent.code, 0, sent.stderr);
    const run = await rudder(['plan', 'coverage', '--plan', plan, '--json', '--data-plane-url', dp.url]);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.messages, 3);
    assert.deepEqual(report.plannedNeverSeen, [{ eventType: 'track', name: 'Logged In' }]);
    assert.deepEqual(report.unplannedSeen, [{ eventType: 'track', name: 'Mystery', count: 1 }]);
    assert.deepEqual(
      report.violationsByRule.map((r: any) => [r.type, r.name, r.schemaPath, r.count]),
      [
        ['Required-Missing', 'Signed Up', '#/properties/properties/required', 2],
        ['Unplanned-Event', 'Mystery', '', 1],
      ],
    );
  });

  test('from another machine: --read-token reaches the stored events, and without it the 401 says what to pass', async (t) => {
    const gate = await startReadGate(dp.url, READ_TOKEN);
    t.after(() => gate.close());
    const plan = file({ id: 'tp', version: 1, events: [{ eventType: 'track', name: 'Logged In', rules: { type: 'object' } }] });
    const sent = await rudder(['send', ...at(dp), jsonl([{ type: 'track', event: 'Logged In', userId: 'u9' }])]);
    assert.equal(sent.code, 0, sent.stderr);
    const refused = await rudder(['plan', 'coverage', '--plan', plan, '--json', '--data-plane-url', gate.url]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /HTTP 401\nhint: pass --read-token/);
    const run = await rudder(['plan', 'coverage', '--plan', plan, '--json', '--data-plane-url', gate.url, '--read-token', READ_TOKEN]);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(JSON.parse(run.stdout).messages >= 1);
    assert.deepEqual(gate.authorizations, [undefined, `Bearer ${READ_TOKEN}`]);
  });
});
