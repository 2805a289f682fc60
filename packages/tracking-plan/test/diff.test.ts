// `diffPlans` compares what schemas accept, not how they are written: equal-in-effect rewrites are
// not breaking, real narrowings are, widenings are not, and what cannot be decided says so.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { makeAjv } from '../src/ajv.js';
import { diffPlans, loadPlan, type JsonObject } from '../src/index.js';

const planWith = (property: unknown, version: number) =>
  loadPlan({
    id: 'tp',
    version,
    events: [
      { eventType: 'track', name: 'Paid', rules: { type: 'object', properties: { properties: { type: 'object', properties: { x: property } } } } },
    ],
  });
const diffProperty = (older: unknown, newer: unknown) => diffPlans(planWith(older, 1), planWith(newer, 2));
const kinds = (older: unknown, newer: unknown) => diffProperty(older, newer).map((c) => c.kind);

// [what, old schema of property x, new schema, the kinds reported]
const TABLE: [string, unknown, unknown, string[]][] = [
  // equal in effect
  ['enum gains the type its values already have', { enum: ['EUR', 'USD'] }, { type: 'string', enum: ['EUR', 'USD'] }, []],
  ['enum loses the type its values already have', { type: 'string', enum: ['EUR', 'USD'] }, { enum: ['USD', 'EUR'] }, []],
  ['const gains its type', { const: 3 }, { type: 'integer', const: 3 }, []],
  ['boolean as an enum of both values', { type: 'boolean' }, { enum: [true, false] }, []],
  ['null as a const', { type: 'null' }, { const: null }, []],
  ['integer enum to integer', { enum: [1, 2] }, { type: 'integer' }, []],
  ['enum value outside the type was never accepted', { type: 'string', enum: ['a', 1] }, { enum: ['a'] }, []],
  ['exclusive bound equal to an inclusive one over integers', { type: 'integer', minimum: 0 }, { type: 'integer', exclusiveMinimum: -1 }, []],
  ['minimum does not apply to strings', { type: 'string' }, { type: 'string', minimum: 5 }, []],
  ['same pattern', { type: 'string', pattern: '^a' }, { type: 'string', pattern: '^a' }, []],
  ['annotations only', { type: 'string' }, { type: 'string', description: 'the id', title: 'Id', examples: ['x'] }, []],
  ['multipleOf 1 over integers', { type: 'integer' }, { type: 'integer', multipleOf: 1 }, []],
  ['identical anyOf', { anyOf: [{ type: 'string' }, { type: 'null' }] }, { anyOf: [{ type: 'string' }, { type: 'null' }] }, []],
  // widenings
  ['integer to number', { type: 'integer' }, { type: 'number' }, []],
  ['enum dropped', { type: 'string', enum: ['EUR'] }, { type: 'string' }, []],
  ['enum value added', { enum: ['EUR'] }, { enum: ['EUR', 'USD'] }, []],
  ['type added', { type: 'string' }, { type: ['string', 'null'] }, []],
  ['maxLength raised', { type: 'string', maxLength: 5 }, { type: 'string', maxLength: 10 }, []],
  ['minimum lowered', { type: 'number', minimum: 5 }, { type: 'number', minimum: 1 }, []],
  ['additionalProperties false dropped', { type: 'object', additionalProperties: false }, { type: 'object' }, []],
  ['required dropped', { type: 'object', properties: { a: {} }, required: ['a'] }, { type: 'object', properties: { a: {} } }, []],
  // real narrowings
  ['no type to string', {}, { type: 'string' }, ['narrowed-type']],
  ['null no longer accepted', { type: ['string', 'null'] }, { type: 'string' }, ['narrowed-type']],
  ['number to integer', { type: 'number' }, { type: 'integer' }, ['narrowed-type']],
  ['enum value removed', { enum: ['EUR', 'USD'] }, { enum: ['EUR'] }, ['removed-enum-value']],
  ['a fraction in an enum, now integer', { enum: [1, 1.5] }, { type: 'integer' }, ['narrowed-type']],
  ['an integer in an untyped enum, now string', { enum: ['a', 1] }, { type: 'string', enum: ['a', 1] }, ['narrowed-type']],
  ['enum added to a string', { type: 'string' }, { type: 'string', enum: ['EUR'] }, ['added-enum']],
  ['boolean pinned to true', { type: 'boolean' }, { const: true }, ['removed-enum-value']],
  ['minLength added', { type: 'string' }, { type: 'string', minLength: 1 }, ['narrowed-range']],
  ['maximum added', { type: 'number', minimum: 0 }, { type: 'number', minimum: 0, maximum: 10 }, ['narrowed-range']],
  ['minimum made exclusive', { type: 'number', minimum: 0 }, { type: 'number', exclusiveMinimum: 0 }, ['narrowed-range']],
  ['enum value outside the new range', { enum: [1, 20] }, { type: 'integer', maximum: 10 }, ['removed-enum-value']],
  ['uniqueItems added', { type: 'array' }, { type: 'array', uniqueItems: true }, ['narrowed-range']],
  ['items narrowed', { type: 'array', items: { type: ['string', 'number'] } }, { type: 'array', items: { type: 'string' } }, ['narrowed-type']],
  ['required added', { type: 'object', properties: { a: {} } }, { type: 'object', properties: { a: {} }, required: ['a'] }, ['newly-required']],
  [
    'closed',
    { type: 'object', properties: { a: {} } },
    { type: 'object', properties: { a: {} }, additionalProperties: false },
    ['closed-properties'],
  ],
  ['a property that was free is now typed', { type: 'object' }, { type: 'object', properties: { a: { type: 'string' } } }, ['narrowed-type']],
  [
    'removed from a closed object',
    { type: 'object', properties: { a: {}, b: {} }, additionalProperties: false },
    { type: 'object', properties: { a: {} }, additionalProperties: false },
    ['removed-property'],
  ],
  // undecidable
  ['pattern added', { type: 'string' }, { type: 'string', pattern: '^[A-Z]{3}$' }, ['possibly-breaking']],
  ['pattern changed', { type: 'string', pattern: '^a' }, { type: 'string', pattern: '^[ab]' }, ['possibly-breaking']],
  ['anyOf added', {}, { anyOf: [{ type: 'string' }, { type: 'null' }] }, ['possibly-breaking']],
  [
    'anyOf of the same types dropped for type',
    { anyOf: [{ type: 'string' }, { type: 'null' }] },
    { type: ['string', 'null'] },
    ['possibly-breaking'],
  ],
];

describe('diffPlans: semantic comparison of schemas', () => {
  for (const [what, older, newer, expected] of TABLE) {
    test(`${what}: ${expected.length ? expected.join(', ') : 'not breaking'}`, () => {
      assert.deepEqual(kinds(older, newer), expected, JSON.stringify(diffProperty(older, newer)));
    });
  }

  test('an enum given a type its values have says nothing; the detail of a real narrowing names what is lost', () => {
    assert.deepEqual(diffProperty({ enum: ['EUR', 'USD'] }, { type: 'string', enum: ['EUR', 'USD'] }), []);
    assert.deepEqual(diffProperty({ type: ['string', 'number'] }, { type: 'integer' }), [
      {
        kind: 'narrowed-type',
        eventType: 'track',
        name: 'Paid',
        path: '/properties/x',
        detail: 'no longer accepts string, non-integer number (now integer)',
      },
    ]);
  });

  // Soundness on random schemas: when nothing is reported, every value the old schema accepts (by ajv)
  // is accepted by the new one; and every definite claim has a witness among the values tried.
  test('nothing reported ⇒ nothing refused; a definite claim ⇒ some value is refused (fast-check, ajv as judge)', () => {
    const ajv = makeAjv({ strict: false }, false);
    const atom = fc.constantFrom<unknown>(null, true, false, 0, 1, -1, 2.5, 10, 'a', 'EUR', 'USD', '', 'abcdef', [], ['a'], {}, { a: 1 });
    const typeName = fc.constantFrom('null', 'boolean', 'string', 'integer', 'number', 'array', 'object');
    const schema = fc.record(
      {
        type: fc.oneof(typeName, fc.uniqueArray(typeName, { minLength: 1, maxLength: 3 })),
        enum: fc.uniqueArray(atom, { minLength: 1, maxLength: 4, selector: (v) => JSON.stringify(v) }),
        const: atom,
        minimum: fc.constantFrom(0, 1, 2),
        exclusiveMaximum: fc.constantFrom(2, 10, 11),
        minLength: fc.constantFrom(0, 1, 3),
        maxLength: fc.constantFrom(1, 3, 6),
        required: fc.constantFrom(['a'], ['a', 'b']),
        additionalProperties: fc.constant(false),
        properties: fc.constant({ a: { type: 'integer' } }),
      },
      { requiredKeys: [] },
    );
    // The atoms, and values on either side of every bound the schemas can set.
    const values = [
      ...[null, true, false, 0, 1, -1, 2.5, 10, 'a', 'EUR', 'USD', '', 'abcdef', [], ['a'], {}, { a: 1 }],
      ...[0.5, 1.5, 2, 3, 9, 9.5, 11, 12, 'ab', 'abc', 'abcd', 'abcdefg', [1, 1], { a: 'x' }, { a: 1, b: 2 }, { b: 2 }],
    ];
    fc.assert(
      fc.property(schema, schema, (older, newer) => {
        const oldCheck = ajv.compile(older as JsonObject);
        const newCheck = ajv.compile(newer as JsonObject);
        const refused = values.filter((v) => oldCheck(v) && !newCheck(v));
        const changes = diffProperty(older, newer);
        if (changes.length === 0) assert.deepEqual(refused, [], `nothing reported, yet refused: ${JSON.stringify(refused)}`);
        if (changes.some((c) => c.kind !== 'possibly-breaking'))
          assert.notDeepEqual(refused, [], `claimed without a witness: ${JSON.stringify(changes)}`);
      }),
      { numRuns: 400 },
    );
  });
});
