/**
 * Breaking changes between two versions of a plan: what the new one refuses that the old one accepted.
 * The comparison is by meaning, not by text: `{"enum": ["EUR"]}` and `{"type": "string", "enum": ["EUR"]}`
 * accept the same values, so going from one to the other breaks nothing. Where a keyword's effect
 * cannot be decided (a changed `pattern`, `anyOf`, `$ref`, …) the change is "possibly breaking".
 */
import {
  acceptsValue,
  asSchema,
  canon,
  domainOf,
  integerBound,
  isObject,
  numberBound,
  typeOfValue,
  typeWords,
  UNDECIDABLE,
  type Bound,
  type JsonType,
} from './schema-domain.js';
import type { JsonObject, TrackingPlan } from './types.js';

/** The kinds of change {@link diffPlans} reports; all but `possibly-breaking` are certain to refuse something. */
export type BreakingKind =
  | 'removed-event'
  | 'newly-required'
  | 'narrowed-type'
  | 'narrowed-range'
  | 'removed-enum-value'
  | 'added-enum'
  | 'closed-properties'
  | 'removed-property'
  | 'possibly-breaking';

/** One breaking change, at a JSON Pointer into the event's message (`*`: any unplanned property). */
export interface BreakingChange {
  /** What kind of breaking change. */
  kind: BreakingKind;
  /** The event type of the changed event. */
  eventType: string;
  /** The name of the changed event. */
  name: string;
  /** JSON Pointer into the event's message. */
  path: string;
  /** The change, in words. */
  detail: string;
}

type Push = (kind: BreakingKind, path: string, detail: string) => void;

const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
const text = (v: unknown) => JSON.stringify(v);

function tighter(next: Bound | undefined, prev: Bound | undefined, side: 'min' | 'max'): boolean {
  if (!next) return false;
  if (!prev) return true;
  if (next.value === prev.value) return next.exclusive && !prev.exclusive;
  return side === 'min' ? next.value > prev.value : next.value < prev.value;
}

function boundWords(b: Bound, side: 'min' | 'max'): string {
  return `now ${side === 'min' ? (b.exclusive ? 'above' : 'at least') : b.exclusive ? 'below' : 'at most'} ${b.value}`;
}

/** A raised minimum or lowered maximum of a count keyword (minLength, maxItems, …). */
function countNarrowed(a: JsonObject, b: JsonObject, keyword: string, side: 'min' | 'max'): boolean {
  const next = num(b[keyword]);
  const prev = num(a[keyword]);
  if (next === undefined) return false;
  if (prev === undefined) return side === 'min' ? next > 0 : true;
  return side === 'min' ? next > prev : next < prev;
}

function compareNumbers(a: JsonObject, b: JsonObject, nums: Set<JsonType>, path: string, push: Push): void {
  const integersOnly = !nums.has('fraction');
  for (const side of ['min', 'max'] as const) {
    let prev = numberBound(a, side);
    let next = numberBound(b, side);
    if (integersOnly) [prev, next] = [integerBound(prev, side), integerBound(next, side)];
    if (next && tighter(next, prev, side)) push('narrowed-range', path, boundWords(next, side));
  }
  const m = num(b.multipleOf);
  if (m === undefined) return;
  const prevM = num(a.multipleOf);
  const covered = (prevM !== undefined && Number.isInteger(prevM / m)) || (integersOnly && Number.isInteger(1 / m));
  if (!covered) push('narrowed-range', path, `now a multiple of ${m}`);
}

function compareStrings(a: JsonObject, b: JsonObject, path: string, push: Push): void {
  if (countNarrowed(a, b, 'minLength', 'min')) push('narrowed-range', path, `now at least ${text(b.minLength)} characters`);
  if (countNarrowed(a, b, 'maxLength', 'max')) push('narrowed-range', path, `now at most ${text(b.maxLength)} characters`);
  for (const k of ['pattern', 'format']) {
    if (b[k] !== undefined && canon(b[k]) !== canon(a[k]))
      push('possibly-breaking', path, `${k} ${a[k] === undefined ? 'added' : `changed from ${text(a[k])}`}: now ${text(b[k])}`);
  }
}

function compareArrays(a: JsonObject, b: JsonObject, path: string, push: Push): void {
  if (countNarrowed(a, b, 'minItems', 'min')) push('narrowed-range', path, `now at least ${text(b.minItems)} items`);
  if (countNarrowed(a, b, 'maxItems', 'max')) push('narrowed-range', path, `now at most ${text(b.maxItems)} items`);
  if (b.uniqueItems === true && a.uniqueItems !== true) push('narrowed-range', path, 'duplicate items are now refused');
  if (Array.isArray(a.items) || Array.isArray(b.items)) {
    if (canon(a.items) !== canon(b.items)) push('possibly-breaking', `${path}/items`, 'tuple items changed');
  } else compare(asSchema(a.items), asSchema(b.items), `${path}/items`, push);
}

function compareObjects(a: JsonObject, b: JsonObject, path: string, push: Push): void {
  const reqA = new Set(Array.isArray(a.required) ? a.required.map(String) : []);
  for (const r of Array.isArray(b.required) ? b.required.map(String) : []) {
    if (!reqA.has(r)) push('newly-required', `${path}/${r}`, `'${r}' is now required`);
  }
  if (countNarrowed(a, b, 'minProperties', 'min')) push('narrowed-range', path, `now at least ${text(b.minProperties)} properties`);
  if (countNarrowed(a, b, 'maxProperties', 'max')) push('narrowed-range', path, `now at most ${text(b.maxProperties)} properties`);
  const pa = isObject(a.properties) ? a.properties : {};
  const pb = isObject(b.properties) ? b.properties : {};
  const extraA = asSchema(a.additionalProperties);
  const extraB = asSchema(b.additionalProperties);
  if (extraB === false && extraA !== false) push('closed-properties', path, 'unplanned properties are now refused');
  // A property the old plan did not name was governed by its additionalProperties; the same for the new.
  for (const k of new Set([...Object.keys(pa), ...Object.keys(pb)])) {
    const sa = k in pa ? asSchema(pa[k]) : extraA;
    const sb = k in pb ? asSchema(pb[k]) : extraB;
    if (sa === false || domainOf(sa).types.size === 0) continue;
    if (sb === false) {
      const closedBoth = extraA === false && extraB === false;
      if (k in pa) push('removed-property', `${path}/${k}`, closedBoth ? `'${k}' was removed from a closed object` : `'${k}' is no longer allowed`);
    } else compare(sa, sb, `${path}/${k}`, push);
  }
  if (extraA !== false && extraB !== false) compare(extraA, extraB, `${path}/*`, push);
}

/** Every way `b` refuses what `a` accepted, at `path`. */
function compare(a: JsonObject | false, b: JsonObject | false, path: string, outer: Push): void {
  if (a === false || (b !== false && canon(a) === canon(b))) return;
  const A = domainOf(a);
  if (A.types.size === 0) return;
  if (b === false) {
    outer('narrowed-type', path, 'no longer accepts any value');
    return;
  }
  let push = outer;
  const changed = UNDECIDABLE.filter((k) => canon(a[k]) !== canon(b[k]));
  const added = changed.filter((k) => k in b);
  for (const k of added)
    push('possibly-breaking', path, `'${k}' ${k in a ? 'changed' : 'added'}; whether it refuses what the old plan accepted cannot be decided`);
  const dropped = changed.filter((k) => !(k in b));
  // The old plan's own undecidable keywords may already have refused what the rest of it seems to accept.
  if (dropped.length > 0)
    push = (kind, p, detail) =>
      outer(
        'possibly-breaking',
        p,
        kind === 'possibly-breaking' ? detail : `${kind}: ${detail}, unless the old plan's '${dropped.join("', '")}' refused it already`,
      );

  const B = domainOf(b);
  const lost = [...A.types].filter((t) => !B.types.has(t));
  if (lost.length) push('narrowed-type', path, `no longer accepts ${typeWords(lost)} (now ${typeWords(B.types)})`);
  const common = new Set([...A.types].filter((t) => B.types.has(t)));
  if (common.size === 0) return;
  if (A.values) {
    for (const v of A.values) {
      if (!common.has(typeOfValue(v))) continue;
      const ok = acceptsValue(b, v);
      if (ok === false) push('removed-enum-value', path, `${canon(v)} no longer allowed`);
      else if (ok === undefined && added.length === 0) push('possibly-breaking', path, `${canon(v)} may no longer be allowed`);
    }
    return;
  }
  if (B.values) {
    // null and booleans were finitely many already: only those the new values leave out are lost.
    const pinned = B.values.map(canon);
    for (const v of [null, false, true])
      if (common.has(typeOfValue(v)) && !pinned.includes(canon(v))) push('removed-enum-value', path, `${canon(v)} no longer allowed`);
    if ([...common].some((t) => t !== 'null' && t !== 'boolean')) push('added-enum', path, `now restricted to ${text(B.values)}`);
    return;
  }
  const nums = new Set([...common].filter((t) => t === 'integer' || t === 'fraction'));
  if (nums.size) compareNumbers(a, b, nums, path, push);
  if (common.has('string')) compareStrings(a, b, path, push);
  if (common.has('array')) compareArrays(a, b, path, push);
  if (common.has('object')) compareObjects(a, b, path, push);
}

/** Every breaking change from `older` to `newer`, event by event, in the older plan's order. */
export function diffPlans(older: TrackingPlan, newer: TrackingPlan): BreakingChange[] {
  const out: BreakingChange[] = [];
  for (const e of older.events) {
    const push: Push = (kind, path, detail) => out.push({ kind, eventType: e.eventType, name: e.name, path, detail });
    const next = newer.events.find((n) => n.eventType === e.eventType && n.name === e.name);
    if (!next) {
      push('removed-event', '', 'no longer planned');
      continue;
    }
    if (isObject(next.schema)) compare(isObject(e.schema) ? e.schema : {}, next.schema, '', push);
  }
  return out;
}
