// A schema compiles as in a fresh ajv instance that checks it against its meta-schema itself (the
// transformer's way): the same validator verdicts, the same "schema is invalid" errors, whatever the options.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilableSchema, compileInFreshAjv, isDraft4, makeAjv } from '../src/ajv.js';
import type { JsonObject } from '../src/types.js';

/** What the transformer does per schema: one new instance checks and compiles it. */
function freshCompile(options: JsonObject, schema: JsonObject) {
  return makeAjv(options, isDraft4(schema)).compile(compilableSchema(schema));
}

function outcome(compile: () => (data: unknown) => boolean, data: unknown[]): string {
  try {
    const validate = compile();
    return JSON.stringify(data.map((d) => [validate(d), (validate as { errors?: unknown }).errors ?? null]));
  } catch (error) {
    return `throws: ${(error as Error).message}`;
  }
}

const DRAFT7 = 'http://json-schema.org/draft-07/schema#';
const SCHEMAS: Record<string, JsonObject> = {
  'valid, draft-07': { $schema: DRAFT7, type: 'object', properties: { plan: { type: 'string', pattern: '^p' } }, required: ['plan'] },
  'valid, 2019-09 by default': { type: 'object', properties: { n: { type: 'integer', minimum: 1 } } },
  'valid, draft-04': {
    $schema: 'http://json-schema.org/draft-04/schema#',
    type: 'object',
    properties: { n: { type: 'number', maximum: 3, exclusiveMaximum: true } },
  },
  'a type that does not exist': { type: 'object', properties: { plan: { type: 'strng' } } },
  'a pattern that is not a regular expression': { $schema: DRAFT7, type: 'object', properties: { plan: { type: 'string', pattern: '(' } } },
  'two mistakes': { type: 'object', required: 'plan', properties: { plan: { minLength: -1 } } },
  'invalid, draft-04': { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', properties: { n: { type: 'float' } } },
  'an unknown meta-schema': { $schema: 'http://example.com/my-schema#', type: 'object' },
  'with a version the transformer deletes': { type: 'object', version: '1-0-0', properties: { n: { type: 'integer' } } },
};
const DATA = [{ plan: 'pro', n: 2 }, { plan: 'free', n: 0 }, { n: 3.5 }, 'not an object'];

for (const options of [
  {},
  { allErrors: true },
  { validateSchema: 'log', logger: false },
  { validateSchema: false },
  { code: { source: true } },
] as JsonObject[]) {
  test(`every schema compiles as in a fresh instance, options ${JSON.stringify(options)}`, () => {
    for (const [name, schema] of Object.entries(SCHEMAS)) {
      const mine = outcome(() => compileInFreshAjv(options, structuredClone(schema)).validate, DATA);
      const fresh = outcome(() => freshCompile(options, structuredClone(schema)), DATA);
      assert.equal(mine, fresh, name);
    }
  });
}

test('an invalid schema is refused with ajv\'s own "schema is invalid" message, naming the keyword', () => {
  assert.throws(() => compileInFreshAjv({}, SCHEMAS['a type that does not exist']), /^Error: schema is invalid: data\/properties\/plan\/type /);
});

test('schemas with one $id compile one after the other, each in an instance of its own', () => {
  const schema = { $id: 'https://example.com/plan.json', type: 'object', properties: { plan: { type: 'string' } } };
  const first = compileInFreshAjv({}, schema).validate;
  const second = compileInFreshAjv({}, { ...schema, required: ['plan'] }).validate;
  assert.equal(first({}), true);
  assert.equal(second({}), false);
});
