/** Test support: a property-based corpus of messages for a plan (fast-check). */
import fc from 'fast-check';
import type { JsonObject, TrackingPlan } from '../../src/index.js';

/** Every property name the plan mentions, plus a few it does not. */
function propertyNames(plan: TrackingPlan): string[] {
  const names = new Set<string>(['extra', 'props', 'dateString']);
  const walk = (s: unknown) => {
    if (!s || typeof s !== 'object') return;
    for (const [k, v] of Object.entries(s)) {
      if ((k === 'properties' || k === 'then') && v && typeof v === 'object') Object.keys(v).forEach((n) => n !== 'properties' && names.add(n));
      if (k === 'required' && Array.isArray(v)) v.forEach((n) => names.add(String(n)));
      walk(v);
    }
  };
  plan.events.forEach((e) => walk(e.schema));
  return [...names];
}

const value = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom('o-1', 'apple', 'banana', 'ABC', 'a@b.co', '2020-06-08T01:00:00Z', '2020-06-08', ''),
  fc.integer({ min: -5, max: 2000 }),
  fc.double({ noNaN: true, min: -10, max: 10 }),
  fc.constantFrom(2, 2.3, 4.99),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string({ maxLength: 3 }), fc.integer({ max: 3 })), { maxLength: 4 }),
  fc.dictionary(fc.constantFrom('name', 'x'), fc.string({ maxLength: 3 }), { maxKeys: 2 }),
);

/** Messages of every type with properties and traits drawn from the plan's names: planned, unplanned, valid and not. */
export function messageArbitrary(plan: TrackingPlan): fc.Arbitrary<JsonObject> {
  const names = propertyNames(plan);
  const bag = fc.dictionary(fc.constantFrom(...names), value, { maxKeys: 7 });
  const eventNames = [...new Set(plan.events.map((e) => e.name).filter((n) => typeof n === 'string' && n !== '')), 'Unknown Event'];
  return fc.record(
    {
      type: fc.constantFrom('track', 'track', 'track', 'identify', 'page', 'screen', 'group', 'alias'),
      event: fc.constantFrom(...eventNames),
      properties: fc.oneof(bag, fc.constant('not an object')),
      traits: bag,
      context: fc.oneof(fc.constant(undefined), fc.record({ ip: fc.constant('14.5.67.21') }), fc.constant('str')),
    },
    { requiredKeys: ['type', 'event'] },
  ) as fc.Arbitrary<JsonObject>;
}
