// `generateClient` (rudder typegen): identifiers, JSON Schema → TypeScript, deterministic output with a
// header naming the plan, and clients from five real plans in four layouts that compile under strict
// TypeScript (nodenext ESM, nodenext CommonJS, bundler) while wrong calls fail on exactly their lines.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import ts from 'typescript';
import { generateClient, loadPlan } from '../src/index.js';
import { identifiers, schemaType } from '../src/typegen/index.js';
import { fixture } from './support/fixtures.js';
import { REAL_PLANS } from './support/typegen-plans.js';

describe('identifiers', () => {
  test('camelCase, digits, reserved words and collisions', () => {
    const ids = identifiers(
      ['Order Completed', '42_--terrible==\\"event\'++name~!3', 'Event Collided', 'event_collided', 'delete', 'Track', '!!!'],
      new Set(['track']),
    );
    assert.equal(ids[0], 'orderCompleted');
    assert.equal(ids[1], 'e42TerribleEventName3');
    assert.match(ids[2], /^eventCollided_[0-9a-f]{6}$/);
    assert.match(ids[3], /^eventCollided_[0-9a-f]{6}$/);
    assert.notEqual(ids[2], ids[3]);
    assert.match(ids[4], /^delete_[0-9a-f]{6}$/);
    assert.match(ids[5], /^track_[0-9a-f]{6}$/);
    assert.match(ids[6], /^event_[0-9a-f]{6}$/);
    assert.equal(new Set(ids).size, ids.length);
  });

  test('stable: an identifier does not depend on the order of the plan', () => {
    const names = ['B Event', 'Event Collided', 'event_collided', 'A Event'];
    const forward = new Map(names.map((n, i) => [n, identifiers(names)[i]]));
    const reversed = [...names].reverse();
    const backward = new Map(reversed.map((n, i) => [n, identifiers(reversed)[i]]));
    assert.deepEqual(backward, forward);
  });
});

describe('JSON Schema to TypeScript', () => {
  const cases: Array<[unknown, string]> = [
    [{ type: 'string' }, 'string'],
    [{ type: ['integer', 'null'] }, 'number | null'],
    [{ enum: ['a', 'b', 3, null] }, '"a" | "b" | 3 | null'],
    [{ const: true }, 'true'],
    [{ type: 'array', items: { type: ['string', 'number'] } }, '(string | number)[]'],
    [{ anyOf: [{ type: 'string' }, { type: 'boolean' }] }, '(string | boolean)'],
    [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false }, '{\n  a: string;\n}'],
    [{ type: 'object', properties: { 'a b': { type: 'number' } } }, '{\n  "a b"?: number;\n  [key: string]: unknown;\n}'],
    [{ type: 'object', additionalProperties: { type: 'number' } }, '{\n  [key: string]: number;\n}'],
    [{}, 'unknown'],
    [{ type: 'array', items: { type: 'object', properties: { x: { type: 'string' } }, additionalProperties: false } }, '{\n  x?: string;\n}[]'],
    [{ type: 'array', items: { anyOf: [{ type: 'object', additionalProperties: false }, { type: 'null' }] } }, '({ [key: string]: never } | null)[]'],
  ];
  for (const [schema, expected] of cases) {
    test(JSON.stringify(schema), () => assert.equal(schemaType(schema), expected));
  }
});

describe('generated source', () => {
  test('deterministic: same plan, same bytes; the header names id, version and hash', () => {
    const doc = fixture('transformer-tracking-plan.json').plans.trackingPlan;
    const a = generateClient(loadPlan(doc));
    assert.equal(generateClient(loadPlan(structuredClone(doc))), a);
    const [line1, line2] = a.split('\n');
    assert.match(line1, /tracking plan "dummy_tracking_plan_id", version 1/);
    assert.match(line2, /Plan hash: sha256:[0-9a-f]{64}\./);
    const bumped = generateClient(loadPlan(doc, { version: 2 }));
    assert.notEqual(bumped.split('\n')[1], line2, 'another version has another hash');
    const edited = structuredClone(doc);
    edited.rules.events[0].rules.properties.properties.properties.email.type = ['string', 'null'];
    assert.notEqual(generateClient(loadPlan(edited)).split('\n')[1], line2, 'another schema has another hash');
  });

  test('every planned track event gets a function, events without properties included; the original name and description are in its TSDoc', () => {
    const plan = REAL_PLANS.typewriterV1;
    const source = generateClient(plan);
    const functions = source.match(/^ {2}[A-Za-z0-9_]+\(call: [A-Za-z0-9_]+Call\): string;$/gm) ?? [];
    // One per event, and `track(call: TrackCall)` for any of them.
    assert.equal(functions.length, new Set(plan.events.map((e) => e.name)).size + 1);
    assert.match(source, /Tracks "42_--terrible==\\\\\\"event'\+\+name~!3"\./);
    assert.match(source, /emptyEvent\(call: EmptyEventCall\): string;/);
    assert.match(source, /Validates that clients properly sanitize event names\./);
  });

  test('a plan that requires userId makes it required in the call type', () => {
    const plan = loadPlan({
      id: 'tp_u',
      version: 1,
      events: [
        { eventType: 'track', name: 'Signed Up', rules: { type: 'object', required: ['userId'], properties: { userId: { type: 'string' } } } },
        { eventType: 'track', name: 'Visited', rules: { type: 'object' } },
      ],
    });
    const source = generateClient(plan, { validate: false });
    assert.match(source, /export type SignedUpCall = CommonFields & \{ userId: Id; anonymousId\?: Id \} & \{/);
    assert.match(source, /export type VisitedCall = CommonFields & Identity & \{/);
  });

  test('--no-validate: no compiled validators and no run-time imports', () => {
    const source = generateClient(REAL_PLANS.transformer, { validate: false });
    assert.doesNotMatch(source, /^import /m);
    assert.doesNotMatch(source, /planPlugin/);
  });

  test('no code generation at run time in the validators', () => {
    assert.doesNotMatch(generateClient(REAL_PLANS.typewriterV1), /new Function|\beval\(/);
  });
});

// A scratch project inside node_modules, so the generated files resolve 'rudderanalytics' and
// '@rudderanalytics/tracking-plan' as a user's project would.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
const scratch = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'typegen-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const SETUPS = {
  'nodenext ESM': { packageType: 'module', options: { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext } },
  'nodenext CommonJS': { packageType: 'commonjs', options: { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext } },
  bundler: { packageType: 'module', options: { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler } },
  // The flags projects add on top of strict: the generated files must not trip any of them.
  'bundler, every extra check': {
    packageType: 'module',
    options: {
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      noUnusedLocals: true,
      noUnusedParameters: true,
      exactOptionalPropertyTypes: true,
      noPropertyAccessFromIndexSignature: true,
      noUncheckedIndexedAccess: true,
      noImplicitReturns: true,
      verbatimModuleSyntax: true,
      isolatedModules: true,
      allowUnreachableCode: false,
    },
  },
} as const;

// Correct calls per plan: they must compile without a single error.
const CLIENT = `import { RudderAnalytics } from 'rudderanalytics';
const client = RudderAnalytics.load('wk', 'http://127.0.0.1:9', { flushOnExit: false, plugins: [planPlugin({ policy: 'hosted', onViolation: (r) => console.log(r.violations[0]?.type, r.verdict.dropEvent) })] });
const analytics = typedClient(client);
export const ids: string[] = [];
`;
const CORRECT: Record<string, string> = {
  transformer: `import { planPlugin, typedClient, trackingPlan, type ProductClickedProperties } from './transformer.js';
${CLIENT}
const props: ProductClickedProperties = { email: 'a@b.co', name: 'n', prop_float: 2.3, prop_integer: 2, revenue: 10 };
ids.push(analytics.productClicked({ userId: 'u1', properties: props }));
ids.push(analytics.productClicked({ anonymousId: 7, properties: props, context: { ip: '1.2.3.4' } }));
ids.push(analytics.track({ event: 'Product clicked', userId: 'u1', properties: props }));
ids.push(analytics.productClickedDraft7({ userId: 'u1', properties: { email: 'e', name: 'n', prop_float: 1, prop_integer: 2, anything: [1] } }));
ids.push(analytics.productClickedDraft2019({ userId: 'u1', properties: { email: 'e', name: 'n', prop_float: 1, prop_integer: 2, revenue: 3, props: ['x', 1] } }));
const version: number = trackingPlan.version;
export { version };
`,
  transformerEvents: `import { planPlugin, typedClient } from './transformerEvents.js';
${CLIENT}
ids.push(analytics.productClickedNew({ userId: 'u1', properties: { email: 'e', name: 'n', prop_float: 2.3, prop_integer: 2, revenue: 1, prop_string: 's' } }));
ids.push(analytics.group({ anonymousId: 'a1', groupId: 42, traits: { company: 'Acme' } }));
`,
  ruddertyper: `import { planPlugin, typedClient } from './ruddertyper.js';
${CLIENT}
ids.push(analytics.sampleEvent1({ userId: 'u1', properties: { 'Sample property 1': { any: 'thing' } } }));
ids.push(analytics.sampleEvent1({ anonymousId: 'a1' }));
ids.push(analytics.identify({ userId: 'u1', traits: { 'Sample property 1': 1 } }));
ids.push(analytics.page({ userId: 'u1', name: 'Home', properties: {} }));
ids.push(analytics.screen({ userId: 'u1', name: 'Settings' }));
ids.push(analytics.group({ userId: 'u1', groupId: 'g1', traits: { 'Sample property 1': null } }));
`,
  typewriterV1: `import { planPlugin, typedClient, type EventName } from './typewriterV1.js';
${CLIENT}
ids.push(analytics.e42TerribleEventName3({ userId: 'u1' }));
ids.push(analytics.emptyEvent({ userId: 'u1', properties: { whatever: true } }));
ids.push(analytics.customViolationHandler({ userId: 'u1', properties: { 'regex property': 'Lawyer Morty' } }));
ids.push(analytics.everyNullableRequiredType({ userId: 'u1', properties: {
  'required any': 1, 'required array': null, 'required array with properties': [null, {
    'required any': 'x', 'required array': [], 'required boolean': false, 'required int': 1, 'required number': 1.5,
    'required object': {}, 'required string': 's', 'required string with regex': 'Evil Morty' }],
  'required boolean': null, 'required int': 3, 'required number': null, 'required object': null,
  'required object with properties': null, 'required string': 'x', 'required string with regex': null,
} }));
ids.push(analytics.track({ event: "42_--terrible==\\\\\\"event'++name~!3", anonymousId: 'a' }));
const name: EventName = 'Union Type';
export { name };
`,
  typewriterPublic: `import { planPlugin, typedClient } from './typewriterPublic.js';
${CLIENT}
ids.push(analytics.enumTypes({ userId: 'u1', properties: { 'string enum': 'Evil Morty' } }));
ids.push(analytics.noIdType({ anonymousId: 'a1', properties: { no_id_prop: 'x' } }));
ids.push(analytics.track({ event: 'Nested Arrays', userId: 2, properties: { universeCharacters: [[{ name: 'Rick' }]] } }));
`,
};

// Wrong calls: every line marked ✗ must have a compile error, and no other line may.
const WRONG = `import { typedClient, type AnalyticsClient } from './transformer.js';
declare const client: AnalyticsClient;
const analytics = typedClient(client);
const ok = { email: 'a@b.co', name: 'n', prop_float: 2.3, prop_integer: 2, revenue: 10 };
analytics.productClicked({ userId: 'u1', properties: ok });
analytics.productClicked({ userId: 'u1', properties: { email: 'a@b.co', name: 'n', prop_float: 2.3, prop_integer: 2 } }); // ✗ missing required revenue
analytics.productClicked({ userId: 'u1', properties: { ...ok, revenue: 'ten' } }); // ✗ wrong type
analytics.productClicked({ userId: 'u1', properties: { ...ok, revenu: 12 } }); // ✗ unknown property, additionalProperties false
analytics.productClicked({ properties: ok }); // ✗ neither userId nor anonymousId
analytics.productClicked({ userId: 'u1' }); // ✗ properties are required
analytics.track({ userId: 'u1', event: 'Product Clikced', properties: ok }); // ✗ unknown event
analytics.productClikced({ userId: 'u1', properties: ok }); // ✗ no such function
analytics.productClickedDraft7({ userId: 'u1', properties: { ...ok, dateString: 5 } }); // ✗ wrong type of an optional property
analytics.productClickedDraft7({ userId: 'u1', properties: { ...ok, anything: 'goes' } });
analytics.track({ userId: 'u1', event: 'Product clicked', properties: { ...ok, revenue: null } }); // ✗ null is not a number
`;

// The same for Typewriter's plan.json, whose rules are already unwrapped to the event's properties.
const WRONG_TYPEWRITER = `import { typedClient, type AnalyticsClient } from './typewriterPublic.js';
declare const client: AnalyticsClient;
const analytics = typedClient(client);
analytics.noIdType({ userId: 'u1', properties: { no_id_prop: 'x' } });
analytics.noIdType({ userId: 'u1' }); // ✗ properties are required
analytics.noIdType({ userId: 'u1', properties: {} }); // ✗ missing required no_id_prop
analytics.noIdType({ userId: 'u1', properties: { no_id_prop: 3 } }); // ✗ wrong type
analytics.enumTypes({ userId: 'u1', properties: { 'string enum': 'Morty' } }); // ✗ not in the enum
analytics.track({ event: 'Nested Arrays', userId: 2, properties: { universeCharacters: [{ name: 'Rick' }] } }); // ✗ an array of arrays
`;

interface Diagnostic {
  file: string;
  line: number;
  text: string;
}

// Parsed once for all setups: the libs and the packages' declaration files are most of each program, and
// only the checking differs between setups. A file's parse depends on its name and the parse options only.
const parsed = new Map<string, ts.SourceFile>();

function cachingHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const parse = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersionOrOptions, ...rest) => {
    const key = `${fileName}\0${JSON.stringify(languageVersionOrOptions)}`;
    const file = parsed.get(key) ?? parse(fileName, languageVersionOrOptions, ...rest);
    if (file) parsed.set(key, file);
    return file;
  };
  return host;
}

function typecheck(dir: string, setup: ts.CompilerOptions): Diagnostic[] {
  const files = ts.sys.readDirectory(dir, ['.ts']);
  const options: ts.CompilerOptions = {
    ...setup,
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    skipLibCheck: true,
  };
  const program = ts.createProgram(files, options, cachingHost(options));
  return ts.getPreEmitDiagnostics(program).map((d) => ({
    file: d.file ? d.file.fileName.slice(dir.length + 1) : '',
    line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
    text: ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0],
  }));
}

describe('generated clients typecheck (strict)', () => {
  for (const [setup, { packageType, options }] of Object.entries(SETUPS)) {
    test(setup, () => {
      const dir = join(scratch, setup.replace(/\W+/g, '-'));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: packageType }));
      for (const [name, plan] of Object.entries(REAL_PLANS)) {
        writeFileSync(join(dir, `${name}.ts`), generateClient(plan));
        writeFileSync(join(dir, `${name}.calls.ts`), CORRECT[name]);
      }
      const wrongs = { 'wrong.ts': WRONG, 'wrong-typewriter.ts': WRONG_TYPEWRITER };
      for (const [name, text] of Object.entries(wrongs)) writeFileSync(join(dir, name), text);
      const diagnostics = typecheck(dir, options);
      const outside = diagnostics.filter((d) => !(d.file in wrongs));
      assert.deepEqual(outside, [], 'the generated files and the correct calls compile');
      for (const [name, text] of Object.entries(wrongs)) {
        const expected = text.split('\n').flatMap((l, i) => (l.includes('// ✗') ? [i + 1] : []));
        const mine = diagnostics.filter((d) => d.file === name);
        const got = [...new Set(mine.map((d) => d.line))].sort((a, b) => a - b);
        assert.deepEqual(got, expected, `${name}\n${mine.map((d) => `${d.line}: ${d.text}`).join('\n')}`);
      }
    });
  }
});
