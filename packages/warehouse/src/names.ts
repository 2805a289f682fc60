// Table and column names as RudderStack's warehouse transformer makes them.
// Rules from rudderlabs/rudder-server@f2655fbbe2260deb4e01c2a54da1a827291713bb,
// processor/internal/transformer/destination_transformer/embedded/warehouse/safe.go:
// - transformName: keep ASCII letters and digits, join the runs with `_`, snake-case; leading
//   underscores of the input survive; a leading digit gets a `_` prefix; Postgres column names are cut
//   to 63 bytes already here.
// - Blendo casing (integration option `useBlendoCasing`): every character but letters, digits and `$`
//   becomes `_`, `_` prefix unless the name starts with a letter or `_`, lower case.
// - safeName: Snowflake upper-cases; Postgres cuts to 63 then lower-cases; the others lower-case; a
//   reserved word of the warehouse gets a `_` prefix (unless `skipReservedKeywordsEscaping`); at most
//   127 bytes.
// - excludeRudderCreatedTableNames (events.go): an event named like a standard table (`tracks`,
//   `pages`, `screens`, `aliases`, `groups`, `accounts`, and always `users`, `identifies`) gets `_`.
import { DEST_TYPE, type Flavour } from './flavour.js';
import { RESERVED_TABLES_COLUMNS } from './reserved-keywords.js';
import { toSnakeCase, toSnakeCaseWithNumbers } from './snakecase.js';

export const POSTGRES_MAX_IDENTIFIER = 63;
export const MAX_IDENTIFIER = 127;

/** Options that change names. */
export interface NamingOptions {
  /** Destination config `underscoreDivideNumbers` (older destinations): `v2` → `v_2`. */
  underscoreDivideNumbers?: boolean;
  /** Integration option `useBlendoCasing`. */
  useBlendoCasing?: boolean;
  /** Integration option `skipReservedKeywordsEscaping`. */
  skipReservedKeywordsEscaping?: boolean;
}

const reserved = new Map<string, Set<string>>(Object.entries(RESERVED_TABLES_COLUMNS).map(([k, v]) => [k, new Set(v)]));

export function isReservedWord(flavour: Flavour, name: string): boolean {
  return reserved.get(DEST_TYPE[flavour])?.has(name.toUpperCase()) ?? false;
}

/** Cuts at a byte length, as Go's string slicing does (names are ASCII by the time this applies). */
export function truncate(name: string, limit: number): string {
  if (name.length <= limit && Buffer.byteLength(name, 'utf8') <= limit) return name;
  return Buffer.from(name, 'utf8').subarray(0, limit).toString('utf8');
}

// Names repeat across events (every event has the same context keys): like the reference's caches
// (types.go safeColumnNameCache and friends), each transform is computed once per input (the last
// argument). Bounded, so a stream of unique keys cannot grow it without end.
const CACHE_LIMIT = 50_000;
// One Map per space (the flavour, or '') and flag set, then by input: no key string and no argument
// array is built per call, which at one call per column per event was most of these functions' cost.
type Cached = (space: string, flags: number, input: string) => string;
function cached(fn: Cached): Cached {
  const spaces = new Map<string, Map<string, string>[]>();
  let size = 0;
  return (space, flags, input) => {
    let bySpace = spaces.get(space);
    if (!bySpace) spaces.set(space, (bySpace = []));
    const map = (bySpace[flags] ??= new Map());
    let v = map.get(input);
    if (v === undefined) {
      v = fn(space, flags, input);
      if (size >= CACHE_LIMIT) {
        spaces.clear();
        size = 0;
        return v;
      }
      map.set(input, v);
      size++;
    }
    return v;
  };
}

const BLENDO = 1;
const DIVIDE = 2;
const namingFlags = (opts: NamingOptions): number =>
  (opts.useBlendoCasing === true ? BLENDO : 0) | (opts.underscoreDivideNumbers === true ? DIVIDE : 0);

function alphanumericRuns(input: string): string[] {
  return input.match(/[A-Za-z0-9]+/g) ?? [];
}

const startsWithDigit = (name: string): boolean => /^[0-9]/.test(name);

function transformName(input: string, opts: NamingOptions): string {
  const snake = opts.underscoreDivideNumbers ? toSnakeCase : toSnakeCaseWithNumbers;
  const joined = alphanumericRuns(input).join('_');
  let name: string;
  if (input.startsWith('_')) {
    const leading = /^_*/.exec(input)![0];
    name = leading + snake(joined.replace(/^_*/, ''));
  } else {
    name = snake(joined);
  }
  return startsWithDigit(name) ? `_${name}` : name;
}

function blendoCase(flavour: Flavour | string, input: string): string {
  let key = input.replace(/[^a-zA-Z0-9\\$]/g, '_');
  if (!/^[a-zA-Z_]/.test(key)) key = `_${key}`;
  if (flavour === 'postgres') key = truncate(key, POSTGRES_MAX_IDENTIFIER);
  return key.toLowerCase();
}

/** An event name → the table name it produces (before safeName). */
export function transformTableName(input: string, opts: NamingOptions = {}): string {
  return cachedTableName('', namingFlags(opts), input);
}

const cachedTableName = cached((_space, flags, input) =>
  flags & BLENDO ? input.toLowerCase().trim() : transformName(input, { underscoreDivideNumbers: (flags & DIVIDE) !== 0 }),
);

/** A property path (`context_` + `app_name`, …) → the column name it produces (before safeName). */
export function transformColumnName(flavour: Flavour, input: string, opts: NamingOptions = {}): string {
  return cachedColumnName(flavour, namingFlags(opts), input);
}

const cachedColumnName = cached((flavour, flags, input) => {
  if (flags & BLENDO) return blendoCase(flavour, input);
  const name = transformName(input, { underscoreDivideNumbers: (flags & DIVIDE) !== 0 });
  return flavour === 'postgres' ? truncate(name, POSTGRES_MAX_IDENTIFIER) : name;
});

export class EmptyNameError extends Error {
  readonly statusCode = 400;
}

/** The final, warehouse-safe form of a table or column name. */
export function safeName(flavour: Flavour, name: string, opts: NamingOptions = {}): string {
  if (name.length === 0) throw new EmptyNameError('Column name cannot be empty.');
  return cachedSafeName(flavour, opts.skipReservedKeywordsEscaping === true ? 1 : 0, name);
}

const cachedSafeName = cached((flavour, skipEscaping, name) => {
  if (flavour === 'snowflake') name = name.toUpperCase();
  else if (flavour === 'postgres') name = truncate(name, POSTGRES_MAX_IDENTIFIER).toLowerCase();
  else name = name.toLowerCase();
  if (!skipEscaping && isReservedWord(flavour as Flavour, name)) name = `_${name}`;
  return truncate(name, MAX_IDENTIFIER);
});

export function safeTableName(flavour: Flavour, name: string, opts: NamingOptions = {}): string {
  if (name.length === 0) throw new EmptyNameError('Table name cannot be empty.');
  return safeName(flavour, name, opts);
}

const RUDDER_CREATED_TABLES = new Set(['tracks', 'pages', 'screens', 'aliases', 'groups', 'accounts']);
const RUDDER_ISOLATED_TABLES = new Set(['users', 'identifies']);

/** A per-event table that would collide with a standard table gets a `_` prefix. */
export function excludeRudderCreatedTableName(name: string, skipReservedKeywordsEscaping = false): string {
  const lower = name.toLowerCase();
  if (RUDDER_ISOLATED_TABLES.has(lower) || (RUDDER_CREATED_TABLES.has(lower) && !skipReservedKeywordsEscaping)) {
    return `_${name}`;
  }
  return name;
}

/** Schema (namespace) names: safe.go safeNamespace, with snake-casing as for BigQuery's default. */
export function safeNamespace(flavour: Flavour, input: string): string {
  let ns = alphanumericRuns(input).join('_');
  ns = goStrcaseToSnake(ns);
  if (startsWithDigit(ns) || isReservedWord(flavour, ns)) ns = `_${ns}`;
  if (ns === '') ns = 'stringempty';
  return truncate(ns, MAX_IDENTIFIER);
}

// iancoleman/strcase ToSnake as safeNamespace uses it: a word boundary before an upper-case letter that
// follows a lower-case letter or digit, and between letters and digits.
function goStrcaseToSnake(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const prev = s[i - 1];
    const next = s[i + 1];
    const isUpper = /[A-Z]/.test(c);
    const isDigit = /[0-9]/.test(c);
    const isLower = /[a-z]/.test(c);
    if (i > 0 && c !== '_' && prev !== '_') {
      const prevLowerOrDigit = /[a-z0-9]/.test(prev);
      const prevUpper = /[A-Z]/.test(prev);
      const prevDigit = /[0-9]/.test(prev);
      const prevLetter = /[A-Za-z]/.test(prev);
      if (
        (isUpper && prevLowerOrDigit) ||
        (isUpper && prevUpper && next !== undefined && /[a-z]/.test(next)) ||
        (isDigit && prevLetter) ||
        ((isLower || isUpper) && prevDigit)
      ) {
        out += '_';
      }
    }
    out += c.toLowerCase();
  }
  return out;
}
