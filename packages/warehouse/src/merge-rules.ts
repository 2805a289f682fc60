// Identity merge rules (`rudder_identity_merge_rules`), written only with ID resolution on, for
// Snowflake and BigQuery. From rudderlabs/rudder-server@f2655fbbe2260deb4e01c2a54da1a827291713bb,
// processor/internal/transformer/destination_transformer/embedded/warehouse/idresolution.go:
// alias → (user_id: userId, user_id: previousId); merge → its two mergeProperties; any other type →
// (anonymous_id, user_id) or, without an anonymousId, (user_id) alone.
import type { ColumnType } from './datatype.js';
import type { Flavour } from './flavour.js';
import { safeName, safeTableName, type NamingOptions } from './names.js';
import { goString, isEmptyValue, isObject, type JsonObject } from './values.js';

interface MergeCtx {
  flavour: Flavour;
  eventType: string;
  message: JsonObject;
  naming: NamingOptions;
}

interface MergeRow {
  table: string;
  columns: Record<string, ColumnType>;
  data: Record<string, unknown>;
}

class MergeError extends Error {
  readonly statusCode = 400;
}

type Prop = { type: unknown; value: unknown } | undefined;

const MISSING = 'either or both identifiers missing in mergeProperties';
const INVALID = 'mergeProperties contains null values for expected inputs';

function props(ctx: MergeCtx): [Prop, Prop] {
  const m = ctx.message;
  switch (ctx.eventType.toLowerCase()) {
    case 'merge': {
      const list = m.mergeProperties;
      if (list === undefined || list === null) throw new MergeError(MISSING);
      if (!Array.isArray(list)) throw new MergeError(INVALID);
      if (list.length !== 2) throw new MergeError(MISSING);
      const [a, b] = list;
      if (!isObject(a) || !isObject(b)) throw new MergeError(INVALID);
      if ([a.type, a.value, b.type, b.value].some(isEmptyValue)) throw new MergeError(INVALID);
      return [
        { type: a.type, value: a.value },
        { type: b.type, value: b.value },
      ];
    }
    case 'alias':
      return [
        { type: 'user_id', value: m.userId },
        { type: 'user_id', value: m.previousId },
      ];
    default:
      return isEmptyValue(m.anonymousId)
        ? [{ type: 'user_id', value: m.userId }, undefined]
        : [
            { type: 'anonymous_id', value: m.anonymousId },
            { type: 'user_id', value: m.userId },
          ];
  }
}

const empty = (p: Prop): boolean => !p || isEmptyValue(p.type) || isEmptyValue(p.value);

export function mergeRuleRows(ctx: MergeCtx, options: { idResolution?: boolean }): MergeRow[] {
  if (!options.idResolution || (ctx.flavour !== 'snowflake' && ctx.flavour !== 'bigquery')) return [];
  const [one, two] = props(ctx);
  if (empty(one)) return [];
  const col = (n: string) => safeName(ctx.flavour, n, ctx.naming);
  const data: Record<string, unknown> = {
    [col('merge_property_1_type')]: goString(one!.type),
    [col('merge_property_1_value')]: goString(one!.value),
  };
  if (!empty(two)) {
    data[col('merge_property_2_type')] = goString(two!.type);
    data[col('merge_property_2_value')] = goString(two!.value);
  }
  const columns = Object.fromEntries(Object.keys(data).map((k) => [k, 'string' as ColumnType]));
  return [{ table: safeTableName(ctx.flavour, 'rudder_identity_merge_rules', ctx.naming), columns, data }];
}
