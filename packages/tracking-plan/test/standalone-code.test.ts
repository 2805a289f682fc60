// The edits to ajv's standalone code reach its code and never the plan's text inside it: a plan whose
// descriptions and patterns read like the code being edited validates exactly as before the edits.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import ts from 'typescript';
import { DEFAULT_CONFIG } from '../src/settings.js';
import { compileEvents } from '../src/standalone.js';
import { declareLoose, hoistRequires, rewriteCode } from '../src/standalone-code.js';
import type { JsonObject, TrackingPlan } from '../src/types.js';

// Text that the edits look for, where they must not touch it: quotes and slashes that end strings and
// regular expressions, and the very statements the edits rewrite.
const DECOY = `let vErrors = null; const schema0 = {"a": '/'} require("decoy/module") // /* \``;

const schema: JsonObject = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  description: DECOY,
  properties: {
    properties: {
      type: 'object',
      description: DECOY,
      required: ['email', 'code'],
      properties: {
        // ajv writes the email format as a regular-expression literal with quotes and a backquote in it.
        email: { type: 'string', format: 'email', description: DECOY },
        code: { type: 'string', pattern: `^[a-z'"/]+$`, maxLength: 8, description: DECOY },
        // Items of any type, and a length in characters: ajv's code requires its run-time helpers for these.
        tags: { type: 'array', uniqueItems: true, items: { description: DECOY } },
        size: { type: 'number', multipleOf: 0.5 },
      },
    },
  },
};

const plan: TrackingPlan = { id: 'tp_decoy', version: 1, layout: 'rudderstack-events', events: [{ eventType: 'track', name: 'Decoy', schema }] };

const INSTANCES = [
  { properties: { email: 'a@b.co', code: `ab'c`, tags: ['x', { y: 1 }], size: 1.5 } },
  { properties: { email: 'not an email', code: 'A B too long', tags: [{ y: 1 }, { y: 1 }], size: 0.3 } },
  { properties: { description: DECOY } },
  'not an object',
];

const runtimeRequire = createRequire(import.meta.url);

/** Runs the CommonJS validator source as the generated module does; `__require` is what `hoistRequires` writes. */
function load(code: string): (data: unknown) => boolean {
  const module = { exports: {} as unknown };
  const run = new Function('module', 'require', '__require', code) as (m: unknown, r: unknown, h: unknown) => void;
  run(module, runtimeRequire, runtimeRequire);
  return module.exports as (data: unknown) => boolean;
}

function outcomes(validate: (data: unknown) => boolean): string {
  return JSON.stringify(INSTANCES.map((data) => [validate(data), (validate as { errors?: unknown }).errors ?? null]));
}

const [compiled] = compileEvents(plan, DEFAULT_CONFIG);
const code = compiled.code!;

test('the plan compiles to code with a regular-expression literal and a run-time require, the cases the edits must survive', () => {
  assert.match(code, /=\s*\/\^\[a-z0-9!#\$%&'\*\+\/=\?\^_`/, 'the email format as a literal');
  assert.match(code, /require\("ajv\/dist\/runtime\/equal"\)/);
  assert.match(code, /require\("ajv\/dist\/runtime\/ucs2length"\)/);
});

test('hoistRequires: only the code’s require calls become __require; the plan’s text is kept', () => {
  const imports = new Map<string, string>();
  const hoisted = hoistRequires(code, imports);
  assert.deepEqual([...imports.keys()].sort(), ['ajv/dist/runtime/equal', 'ajv/dist/runtime/ucs2length']);
  assert.doesNotMatch(hoisted, /(?<!__)require\("ajv/);
  assert.equal(outcomes(load(hoisted)), outcomes(load(code)));
  assert.equal(hoisted.split(DECOY.replace(/"/g, '\\"')).length, code.split(DECOY.replace(/"/g, '\\"')).length, 'every decoy intact');
});

test('declareLoose: every validator’s error list and schema are declared any; run as JavaScript, nothing else changed', () => {
  const loose = declareLoose(code);
  const validators = code.match(/function validate\d+\(/g)!.length;
  assert.equal(loose.match(/let vErrors: any = null;/g)?.length, validators);
  assert.equal(loose.match(/const schema\d+: any = /g)?.length, code.match(/;const schema\d+ = /g)!.length);
  // TypeScript erases the annotations: what runs is the code as ajv wrote it, byte for byte.
  const erased = ts.transpileModule(loose, { compilerOptions: { target: ts.ScriptTarget.ES2022, removeComments: false } }).outputText;
  assert.equal(outcomes(load(erased)), outcomes(load(code)));
  assert.equal(loose.replace(/: any = /g, ' = '), code);
});

test('rewriteCode tells a division from a regular expression, and skips comments', () => {
  const rules: Parameters<typeof rewriteCode>[1] = [[/x\b/y, () => 'X']];
  assert.equal(rewriteCode(`x = a / x / 2; y = /x'/.test(x); z = (x) / x;`, rules), `X = a / X / 2; y = /x'/.test(X); z = (X) / X;`);
  assert.equal(rewriteCode(`return /x"/g.test(x) // x "\n x /* x ' */ x`, rules), `return /x"/g.test(X) // x "\n X /* x ' */ X`);
  assert.equal(rewriteCode(`y = [/[/x]x/, x]`, rules), `y = [/[/x]x/, X]`);
});
