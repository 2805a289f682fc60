// One event → the rows RudderStack's warehouse destination writes for it: which tables, which columns
// with which types and values. Routing from rudderlabs/rudder-server@f2655fbbe2260deb4e01c2a54da1a827291713bb,
// processor/internal/transformer/destination_transformer/embedded/warehouse/events.go and transformer.go:
// - track → `tracks` (context, rule columns, `event` = the table-cased event name) and, when the event
//   name is not blank, a table named after the event (properties and userProperties unprefixed too);
// - identify → `identifies` and, with a non-blank userId, `users` (id = userId, typed by its value);
//   traits and userProperties unprefixed, context.traits unprefixed only with allowUsersContextTraits;
//   a trait named user_id moves to `_user_id`;
// - page → `pages`, screen → `screens`, group → `groups`, alias → `aliases`, extract → table per event;
// - every row gets `uuid_ts` (datetime; BigQuery also `loaded_at`), filled when it is loaded;
// - the context gets sourceId, sourceType, destinationId, destinationType before it is flattened;
// - more than 1,600 columns in one row refuses the event (unless its channel is `sources`);
// - `id` is the messageId (or `auto-<uuid>` when missing), `received_at` the event's receivedAt when
//   it is a valid datetime, else the one the caller gives, else now.
import { randomUUID } from 'node:crypto';
import type { ColumnType } from './datatype.js';
import { dataTypeFor, convertIfDateTime } from './datatype.js';
import { DEST_TYPE, type Flavour } from './flavour.js';
import { applyRules, flatten, jsonPathKeys, newColumns, prefix, safeColumn, type Columns, type FlattenContext } from './flatten.js';
import { mergeRuleRows } from './merge-rules.js';
import { plannable, RowParts, type PlannableRow } from './row-parts.js';
import { excludeRudderCreatedTableName, safeTableName, transformColumnName, transformTableName } from './names.js';
import { resolveOptions, type DestinationConfig, type ResolvedOptions } from './options.js';
import * as R from './rules.js';
import { isTimestamp } from './timestamp.js';
import { goJson, goString, isEmptyValue, isObject, type JsonObject } from './values.js';

/** More columns than this in one row refuses the event (transformer.go WH_MAX_COLUMNS_IN_EVENT). */
export const MAX_COLUMNS_IN_EVENT = 1600;

/** One row an event writes: its table, the column types, and the values. */
export interface Row {
  /** The table, in the flavour's case. */
  table: string;
  /** Every column's RudderStack type, load-time columns (uuid_ts, loaded_at) included. */
  columns: Record<string, ColumnType>;
  /** The values, by column (load-time columns are filled by the loader). */
  data: Record<string, unknown>;
}

/** Options of {@link eventToRows}. */
export interface EventToRowsOptions {
  /** Naming and typing rules to follow. Default `postgres`. */
  destination?: Flavour;
  /** The destination's config (skipTracksTable, allowUsersContextTraits, jsonPaths, …). */
  config?: DestinationConfig;
  /** Written into context as sourceId / sourceType / destinationId (blank ones are left out). */
  sourceId?: string;
  /** The source's type, written into the context as sourceType. */
  sourceType?: string;
  /** `cloud` or `singer-protocol` for cloud sources (their record ids, deep objects as JSON). */
  sourceCategory?: string;
  /** Written into the context as destinationId. */
  destinationId?: string;
  /** When the event was received, if the event itself carries no valid `receivedAt`. */
  receivedAt?: string;
  /** Record id of a cloud-source event. */
  recordId?: unknown;
  /** Write `rudder_identity_merge_rules` rows (Snowflake and BigQuery, as Warehouse.enableIDResolution). */
  idResolution?: boolean;
  /** Whether the context gets the source and destination ids (the hosted default). Default true. */
  populateSourceDestinationInfo?: boolean;
  /** The clock, for a missing receivedAt. */
  now?: () => Date;
  /** Makes the `auto-<uuid>` id of an event without messageId. */
  uuid?: () => string;
}

/** An event the warehouse destination refuses, with the reference's message and HTTP-like status. */
export class EventRefusedError extends Error {
  constructor(
    message: string,
    /** The reference's HTTP-like status: 400 for the event, 500 for a context that is not an object. */
    readonly statusCode: number,
  ) {
    super(message);
    this.name = 'EventRefusedError';
  }
}

interface Ctx extends FlattenContext {
  message: JsonObject;
  opts: ResolvedOptions;
  rule: R.RuleEvent;
  context: unknown;
  options: EventToRowsOptions;
}

/** The rows one event produces in a warehouse of the given flavour; throws {@link EventRefusedError}. */
export function eventToRows(event: JsonObject, options: EventToRowsOptions = {}): Row[] {
  return rowSources(event, options).map((r) => (r instanceof RowParts ? r.toRow() : r));
}

/**
 * eventToRows' rows as the schema plans them, without building each row's merged objects (the
 * loader's path); throws {@link EventRefusedError}.
 */
export function eventToPlannableRows(event: JsonObject, options: EventToRowsOptions = {}): PlannableRow[] {
  return rowSources(event, options).map((r) => (r instanceof RowParts ? r : plannable(r)));
}

/** A row as built: layers not yet merged, or (identity merge rules) a merged row. */
type RowSource = RowParts | Row;

function rowSources(event: JsonObject, options: EventToRowsOptions): RowSource[] {
  const flavour = options.destination ?? 'postgres';
  if (!isObject(event)) throw new EventRefusedError('event is not an object', 400);
  const ctx = makeContext(event, flavour, options);
  try {
    switch (ctx.eventType.toLowerCase()) {
      case 'track':
        return track(ctx);
      case 'identify':
        return identify(ctx);
      case 'page':
        return simple(ctx, 'pages', 'properties', 'page', R.PAGE_RULES);
      case 'screen':
        return simple(ctx, 'screens', 'properties', 'screen', R.SCREEN_RULES);
      case 'group':
        return simple(ctx, 'groups', 'traits', 'group', R.GROUP_RULES);
      case 'alias':
        return simple(ctx, 'aliases', 'traits', 'alias', R.ALIAS_RULES);
      case 'extract':
        return extract(ctx);
      case 'merge':
        return mergeRuleRows(ctx, options);
      default:
        throw new EventRefusedError(`Unknown event type: "${ctx.eventType.toLowerCase()}"`, 400);
    }
  } catch (err) {
    if (err instanceof EventRefusedError) throw err;
    const status = (err as { statusCode?: number }).statusCode;
    if (typeof status === 'number') throw new EventRefusedError((err as Error).message, status);
    throw err;
  }
}

function makeContext(message: JsonObject, flavour: Flavour, options: EventToRowsOptions): Ctx {
  const opts = resolveOptions(flavour, message, options.config);
  const now = options.now ?? (() => new Date());
  const uuid = options.uuid ?? randomUUID;
  const messageId = isEmptyValue(message.messageId) ? `auto-${uuid()}` : message.messageId;
  const rawReceivedAt = message.receivedAt;
  const receivedAt = typeof rawReceivedAt === 'string' && isTimestamp(rawReceivedAt) ? rawReceivedAt : options.receivedAt || now().toISOString();
  const eventType = goString(message.type);
  const contextValue = message.context;
  if (contextValue !== undefined && contextValue !== null && !isObject(contextValue)) {
    throw new EventRefusedError('context is not a map', 500);
  }
  let context: unknown = contextValue;
  if (options.populateSourceDestinationInfo !== false) {
    context = withSourceDestination(isObject(contextValue) ? contextValue : {}, {
      sourceId: options.sourceId ?? '',
      sourceType: options.sourceType ?? '',
      destinationId: options.destinationId ?? '',
      destinationType: DEST_TYPE[flavour],
    });
  }
  const sourceCategory = options.sourceCategory ?? '';
  return {
    flavour,
    eventType,
    sourceCategory,
    // The resolved options carry the naming options (and are shared between events).
    naming: opts,
    ...jsonPathKeys(opts.jsonPaths),
    message,
    opts,
    rule: { message, messageId, receivedAt, sourceCategory, recordId: options.recordId },
    context,
    options,
  };
}

// Object.assign rather than spread (V8's spread of objects whose keys vary from event to event takes a
// slow path); spread only for a context with an own `__proto__` key, which assign would not copy.
function withSourceDestination(context: JsonObject, ids: JsonObject): JsonObject {
  if (Object.prototype.hasOwnProperty.call(context, '__proto__')) return { ...context, ...ids };
  return Object.assign(Object.assign({}, context), ids);
}

function table(ctx: Ctx, name: string): string {
  return safeTableName(ctx.flavour, name, ctx.naming);
}

/**
 * A row of `layers` (later layers win; see row-parts.ts), refused when it has more columns than
 * transformer.go allows (unless its channel is `sources`).
 */
function row(ctx: Ctx, tableName: string, ...layers: Columns[]): RowParts {
  const parts = new RowParts(tableName, ctx.flavour, layers);
  if (parts.mayExceed(MAX_COLUMNS_IN_EVENT)) {
    const isSources = parts.value('channel') === 'sources' || parts.value('CHANNEL') === 'sources';
    if (!isSources && parts.columnCount() > MAX_COLUMNS_IN_EVENT) {
      throw new EventRefusedError(`${DEST_TYPE[ctx.flavour].toLowerCase()} transformer: Too many columns outputted from the event`, 400);
    }
  }
  return parts;
}

// Rows that share most columns (tracks and the event's table, identifies and users) are built as an
// overlay of their own columns on the shared ones, which row() lays over each other: copying the wide
// shared column sets, whose keys differ from event to event, was one of the loader's largest costs.
const hasOwn = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

function storeFullEvent(ctx: Ctx, out: Columns): void {
  if (!ctx.opts.storeFullEvent) return;
  const column = safeColumn(ctx, 'rudder_event');
  const message = ctx.options.populateSourceDestinationInfo === false ? ctx.message : { ...ctx.message, context: ctx.context };
  out.data[column] = goJson(message);
  out.types[column] = ctx.flavour === 'redshift' ? 'text' : ctx.flavour === 'bigquery' ? 'string' : 'json';
}

function contextInto(ctx: Ctx, out: Columns, typePrefix: string): void {
  flatten(ctx, ctx.context, out, prefix(`${typePrefix}_context_`, 2, 'context_'));
}

function track(ctx: Ctx): RowSource[] {
  const common = newColumns();
  contextInto(ctx, common, 'track');
  applyRules(ctx, ctx.rule, R.TRACK_RULES, common);
  applyRules(ctx, ctx.rule, R.DEFAULT_RULES, common);
  const eventColumn = safeColumn(ctx, 'event');
  const eventText = common.data[safeColumn(ctx, 'event_text')];
  const eventName = transformTableName(typeof eventText === 'string' ? eventText : '', ctx.naming);
  common.data[eventColumn] = eventName;
  common.types[eventColumn] = 'string';

  const rows: RowSource[] = [];
  if (!ctx.opts.skipTracksTable) {
    const tracks = newColumns();
    applyRules(ctx, ctx.rule, R.TRACK_TABLE_RULES, tracks, common);
    storeFullEvent(ctx, tracks);
    rows.push(row(ctx, table(ctx, 'tracks'), common, tracks));
  }
  if (eventName.trim().length === 0) return rows;

  const props = newColumns();
  flatten(ctx, ctx.message.properties, props, prefix('track_properties_', 2));
  flatten(ctx, ctx.message.userProperties, props, prefix('track_userProperties_', 2));
  // The event table's id over the shared columns (the tracks row, read later, keeps the shared id).
  const eventTableId = newColumns();
  applyRules(ctx, ctx.rule, R.TRACK_EVENT_TABLE_RULES, eventTableId, common);
  const name = table(ctx, transformColumnName(ctx.flavour, eventName, ctx.naming));
  rows.push(row(ctx, excludeRudderCreatedTableName(name, ctx.naming.skipReservedKeywordsEscaping), props, common, eventTableId));
  rows.push(...mergeRuleRows(ctx, ctx.options));
  return rows;
}

function identify(ctx: Ctx): RowSource[] {
  const common = newColumns();
  flatten(ctx, ctx.message.userProperties, common, prefix('identify_userProperties_', 2));
  if (ctx.opts.allowUsersContextTraits) {
    const traits = isObject(ctx.message.context) ? ctx.message.context.traits : undefined;
    flatten(ctx, traits, common, prefix('identify_context_traits_', 3));
  }
  flatten(ctx, ctx.message.traits, common, prefix('identify_traits_', 2));
  contextInto(ctx, common, 'identify');
  const userIdColumn = safeColumn(ctx, 'user_id');
  if (common.data[userIdColumn] !== undefined && common.data[userIdColumn] !== null) {
    common.data[`_${userIdColumn}`] = common.data[userIdColumn];
    common.types[`_${userIdColumn}`] = common.types[userIdColumn];
    common.data[userIdColumn] = undefined;
  }

  const identifies = newColumns();
  applyRules(ctx, ctx.rule, R.DEFAULT_RULES, identifies, common);
  storeFullEvent(ctx, identifies);
  const rows: RowSource[] = [row(ctx, table(ctx, 'identifies'), common, identifies), ...mergeRuleRows(ctx, ctx.options)];

  const userId = ctx.message.userId;
  if (goString(userId).trim().length === 0 || ctx.opts.skipUsersTable) return rows;
  const users = newColumns();
  applyRules(ctx, ctx.rule, R.USERS_RULES, users, common);
  const idColumn = safeColumn(ctx, 'id');
  const idType = dataTypeFor(ctx.flavour, idColumn, userId, false);
  users.data[idColumn] = convertIfDateTime(userId, idType);
  users.types[idColumn] = idType;
  const receivedAtColumn = safeColumn(ctx, 'received_at');
  users.data[receivedAtColumn] = convertIfDateTime(ctx.rule.receivedAt, 'datetime');
  users.types[receivedAtColumn] = 'datetime';
  rows.push(row(ctx, table(ctx, 'users'), common, users));
  return rows;
}

function simple(ctx: Ctx, tableName: string, input: 'properties' | 'traits', typePrefix: string, rules: R.Rules): RowSource[] {
  const cols = newColumns();
  flatten(ctx, ctx.message[input], cols, prefix(`${typePrefix}_${input}_`, 2));
  contextInto(ctx, cols, typePrefix);
  applyRules(ctx, ctx.rule, R.DEFAULT_RULES, cols);
  applyRules(ctx, ctx.rule, rules, cols);
  storeFullEvent(ctx, cols);
  return [row(ctx, table(ctx, tableName), cols), ...mergeRuleRows(ctx, ctx.options)];
}

function extract(ctx: Ctx): RowSource[] {
  const common = newColumns();
  contextInto(ctx, common, 'extract');
  const eventColumn = safeColumn(ctx, 'event');
  const name = ctx.message[eventColumn];
  common.data[eventColumn] = transformTableName(typeof name === 'string' ? name : '', ctx.naming);
  common.types[eventColumn] = 'string';
  applyRules(ctx, ctx.rule, R.EXTRACT_RULES, common);
  if (goString(common.data[eventColumn]).trim().length === 0) {
    throw new EventRefusedError('cannot create event table with empty event name, event name is missing in the payload', 400);
  }
  const props = newColumns();
  flatten(ctx, ctx.message.properties, props, prefix('extract_properties_', 2));
  const event = hasOwn(common.data, eventColumn) ? common.data[eventColumn] : props.data[eventColumn];
  const eventName = typeof event === 'string' ? event : '';
  const tableName = table(ctx, transformColumnName(ctx.flavour, eventName, ctx.naming));
  return [row(ctx, excludeRudderCreatedTableName(tableName, ctx.naming.skipReservedKeywordsEscaping), props, common)];
}
