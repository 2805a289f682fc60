// Nested event fields → flat columns. Rules from
// rudderlabs/rudder-server@f2655fbbe2260deb4e01c2a54da1a827291713bb,
// processor/internal/transformer/destination_transformer/embedded/warehouse/set.go and jsonpaths.go:
// - keys are visited in sorted order; blank values (null, "", [], [""]) are skipped;
// - an object is walked into, its path joined with `_` (`context.app.name` → `context_app_name`),
//   except for cloud sources from the third level on, where it is kept as a JSON string;
// - the path gets a prefix per input (`context_` for context; none for properties and traits);
// - a key matching one of the JSON paths (`track.properties.cart` or legacy `properties.cart` for
//   tracks) is stored whole, as JSON, with type `json`;
// - `context.traits` (and a group's traits) sent as a string-like object ({"0":"a","1":"b"}) becomes
//   one string column `context_traits`;
// - a key whose safe column is a rule column of the event type is dropped (rules.ts).
import { convertIfDateTime, dataTypeFor, type ColumnType } from './datatype.js';
import type { Flavour } from './flavour.js';
import { safeName, transformColumnName, type NamingOptions } from './names.js';
import { isRudderReservedColumn, type RuleEvent, type Rules } from './rules.js';
import { goJson, isEmptyValue, isObject, isStringLikeObject, stringLikeObjectToString, type JsonObject } from './values.js';

export interface Columns {
  data: Record<string, unknown>;
  types: Record<string, ColumnType>;
  /** Values written by flatten and applyRules (a key written twice counts twice): a bound on the keys. */
  written: number;
}

export interface FlattenContext {
  flavour: Flavour;
  eventType: string;
  sourceCategory: string;
  naming: NamingOptions;
  /** JSON paths with an event-type prefix (`track.properties.x`), by joined key → depth. */
  jsonKeys: Map<string, number>;
  /** Legacy JSON paths (`properties.x`, tracks only), by joined key → depth. */
  legacyJsonKeys: Map<string, number>;
}

export interface Prefix {
  completePrefix: string;
  completeLevel: number;
  prefix: string;
  level: number;
}

export const prefix = (completePrefix: string, completeLevel: number, p = ''): Prefix => ({
  completePrefix,
  completeLevel,
  prefix: p,
  level: 0,
});

export function newColumns(): Columns {
  // No prototype: a key named like an Object.prototype member (`constructor`) is an ordinary column.
  return { data: Object.create(null) as Record<string, unknown>, types: Object.create(null) as Record<string, ColumnType>, written: 0 };
}

export function safeColumn(ctx: FlattenContext, name: string): string {
  return safeName(ctx.flavour, name, ctx.naming);
}

function add(ctx: FlattenContext, key: string, value: unknown, isJsonKey: boolean, out: Columns): void {
  const column = transformColumnName(ctx.flavour, key, ctx.naming);
  if (column.length === 0) return;
  const safe = safeColumn(ctx, column);
  if (isRudderReservedColumn(ctx.eventType, safe)) return;
  const type = dataTypeFor(ctx.flavour, safe, value, isJsonKey);
  out.types[safe] = type;
  out.data[safe] = convertIfDateTime(value, type);
  out.written++;
}

const isJsonKeyAt = (keys: Map<string, number>, key: string, level: number): boolean => keys.get(key) === level;

export function flatten(ctx: FlattenContext, input: unknown, out: Columns, pi: Prefix): void {
  if (!isObject(input)) return;
  if (ctx.jsonKeys.size > 0 || ctx.legacyJsonKeys.size > 0) return flattenWithJsonPaths(ctx, input, out, pi);
  walk(ctx, input, out, rootNode(ctx, pi));
}

// Without JSON paths, a key's column depends only on the flavour, the naming options, the event type
// and its path: each path is a node that remembers its children and its keys' safe columns (or that
// a key has none), so no path string is built and no name is transformed per event. Bounded like the
// name caches.
interface PathNode extends Prefix {
  children: Map<string, PathNode>;
  /** Each key's safe column, or null when it has none (empty, or a rule column of the event type). */
  columns: Map<string, string | null>;
  /** The keys of the last object seen here, in its order, and the same sorted. */
  keysSeen: string[];
  keysSorted: string[];
}

const NODE_LIMIT = 50_000;
/** Root nodes by what names depend on (flavour, naming options, event type, source category), then by path. */
const roots = new Map<string, Map<string, PathNode>>();
let nodeCount = 0;

function node(pi: Prefix): PathNode {
  if (++nodeCount > NODE_LIMIT) {
    roots.clear();
    nodeCount = 0;
  }
  return { ...pi, children: new Map(), columns: new Map(), keysSeen: [], keysSorted: [] };
}

function rootNode(ctx: FlattenContext, pi: Prefix): PathNode {
  const n = ctx.naming;
  const space = `${ctx.flavour}|${n.useBlendoCasing === true}|${n.underscoreDivideNumbers === true}|${n.skipReservedKeywordsEscaping === true}|${ctx.eventType}|${ctx.sourceCategory}`;
  let paths = roots.get(space);
  if (!paths) roots.set(space, (paths = new Map()));
  // A path's prefix and levels follow from its complete prefix at every call site; checked anyway.
  let root = paths.get(pi.completePrefix);
  if (!root || root.prefix !== pi.prefix || root.completeLevel !== pi.completeLevel || root.level !== pi.level) {
    paths.set(pi.completePrefix, (root = node(pi)));
  }
  return root;
}

/**
 * An object's keys in sorted order. Objects at one path mostly arrive with the same keys in the same
 * order (one producer): then the order sorted last time is reused instead of sorting again.
 */
function sortedKeysAt(at: PathNode, input: JsonObject): string[] {
  const keys = Object.keys(input);
  const seen = at.keysSeen;
  if (keys.length === seen.length) {
    let same = true;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== seen[i]) {
        same = false;
        break;
      }
    }
    if (same) return at.keysSorted;
  }
  at.keysSeen = keys;
  at.keysSorted = [...keys].sort();
  return at.keysSorted;
}

function columnOf(ctx: FlattenContext, at: PathNode, key: string): string | null {
  let column = at.columns.get(key);
  if (column === undefined) {
    const name = transformColumnName(ctx.flavour, at.prefix + key, ctx.naming);
    const safe = name.length === 0 ? null : safeColumn(ctx, name);
    column = safe === null || isRudderReservedColumn(ctx.eventType, safe) ? null : safe;
    at.columns.set(key, column);
    nodeCount++;
  }
  return column;
}

function childOf(at: PathNode, key: string): PathNode {
  let child = at.children.get(key);
  if (!child) {
    child = node({
      completePrefix: `${at.completePrefix}${key}_`,
      completeLevel: at.completeLevel + 1,
      prefix: `${at.prefix}${key}_`,
      level: at.level + 1,
    });
    at.children.set(key, child);
  }
  return child;
}

function walk(ctx: FlattenContext, input: JsonObject, out: Columns, at: PathNode): void {
  const keys = sortedKeysAt(at, input);
  if (keys.length === 0) return;
  if ((at.completePrefix.endsWith('context_traits_') || at.completePrefix === 'group_traits_') && isStringLikeObject(input)) {
    if (at.prefix === 'context_traits_') add(ctx, at.prefix, stringLikeObjectToString(input), false, out);
    return;
  }
  const cloud = ctx.sourceCategory === 'cloud';
  for (const key of keys) {
    const value = input[key];
    if (isEmptyValue(value)) continue;
    if (isObject(value) && (!cloud || at.level < 3)) {
      walk(ctx, value, out, childOf(at, key));
      continue;
    }
    const column = columnOf(ctx, at, key);
    if (column === null) continue;
    const v = cloud && at.level >= 3 && isObject(value) ? goJson(value) : value;
    const type = dataTypeFor(ctx.flavour, column, v, false);
    out.types[column] = type;
    out.data[column] = convertIfDateTime(v, type);
    out.written++;
  }
}

function flattenWithJsonPaths(ctx: FlattenContext, input: JsonObject, out: Columns, pi: Prefix): void {
  const keys = Object.keys(input);
  if (keys.length === 0) return;
  if ((pi.completePrefix.endsWith('context_traits_') || pi.completePrefix === 'group_traits_') && isStringLikeObject(input)) {
    if (pi.prefix === 'context_traits_') add(ctx, pi.prefix, stringLikeObjectToString(input), false, out);
    return;
  }
  for (const key of keys.sort()) {
    const value = input[key];
    if (isEmptyValue(value)) continue;
    // Most events have no JSON paths: then no path string is built per key to look up.
    const legacy = ctx.eventType === 'track' && ctx.legacyJsonKeys.size > 0 && isJsonKeyAt(ctx.legacyJsonKeys, pi.prefix + key, pi.level);
    if (legacy || (ctx.jsonKeys.size > 0 && isJsonKeyAt(ctx.jsonKeys, pi.completePrefix + key, pi.completeLevel))) {
      add(ctx, pi.prefix + key, goJson(value), true, out);
    } else if (isObject(value) && (ctx.sourceCategory !== 'cloud' || pi.level < 3)) {
      flattenWithJsonPaths(ctx, value, out, {
        completePrefix: `${pi.completePrefix}${key}_`,
        completeLevel: pi.completeLevel + 1,
        prefix: `${pi.prefix}${key}_`,
        level: pi.level + 1,
      });
    } else {
      const deep = ctx.sourceCategory === 'cloud' && pi.level >= 3 && isObject(value);
      add(ctx, pi.prefix + key, deep ? goJson(value) : value, false, out);
    }
  }
}

/**
 * Sets the rule columns, replacing whatever a user key put there; blank, object and array values are
 * left out. With `base`, `out` is an overlay on it (see row()): a column of `base` is removed in `out`.
 */
export function applyRules(ctx: FlattenContext, event: RuleEvent, rules: Rules, out: Columns, base?: Columns): void {
  for (const { key, column, rule } of compiledRules(ctx, rules)) {
    const value = rule(event);
    if (isEmptyValue(value) || isObject(value) || Array.isArray(value)) {
      // Removed, not deleted: `delete` turns V8 objects into slow dictionaries; rows leave these out.
      if (column in out.data || (base !== undefined && column in base.data)) out.data[column] = undefined;
      continue;
    }
    const type = dataTypeFor(ctx.flavour, key, value, false);
    out.data[column] = convertIfDateTime(value, type);
    out.types[column] = type;
    out.written++;
  }
}

interface CompiledRule {
  key: string;
  column: string;
  rule: Rules[string];
}

// A rule set's keys sorted and their safe columns, per flavour and reserved-word escaping (all a
// rule column's name depends on): computed once, not per event.
const compiled = new WeakMap<Rules, Map<string, CompiledRule[]>>();
function compiledRules(ctx: FlattenContext, rules: Rules): CompiledRule[] {
  let byName = compiled.get(rules);
  if (!byName) compiled.set(rules, (byName = new Map()));
  const space = ctx.naming.skipReservedKeywordsEscaping === true ? `${ctx.flavour}!` : ctx.flavour;
  let list = byName.get(space);
  if (!list) {
    list = Object.keys(rules)
      .sort()
      .map((key) => ({ key, column: safeColumn(ctx, key), rule: rules[key] }));
    byName.set(space, list);
  }
  return list;
}

// Shared by every event without JSON paths (the maps are only read).
const NO_JSON_PATHS: Pick<FlattenContext, 'jsonKeys' | 'legacyJsonKeys'> = { jsonKeys: new Map(), legacyJsonKeys: new Map() };

/** JSON paths as jsonpaths.go splits them: with an event-type prefix, or legacy (tracks only). */
export function jsonPathKeys(paths: readonly string[]): Pick<FlattenContext, 'jsonKeys' | 'legacyJsonKeys'> {
  if (paths.length === 0) return NO_JSON_PATHS;
  const jsonKeys = new Map<string, number>();
  const legacyJsonKeys = new Map<string, number>();
  const prefixes = ['track.', 'identify.', 'page.', 'screen.', 'alias.', 'group.', 'extract.'];
  for (const raw of paths) {
    const path = raw.trim();
    if (!path) continue;
    const parts = path.split('.');
    const key = parts.join('_');
    const lower = path.toLowerCase();
    (prefixes.some((p) => lower.startsWith(p)) ? jsonKeys : legacyJsonKeys).set(key, parts.length - 1);
  }
  return { jsonKeys, legacyJsonKeys };
}

export type { JsonObject };
