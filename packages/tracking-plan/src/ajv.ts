/**
 * The ajv instances rudder-transformer builds (src/util/eventValidation.js `getAjv`): draft-04 through
 * ajv-draft-04 when the schema's `$schema` names draft-04, otherwise the 2019-09 class with the
 * draft-06 and draft-07 meta-schemas added; ajv-formats on both.
 */
import AjvDraft04Module from 'ajv-draft-04';
import Ajv2019Module from 'ajv/dist/2019.js';
import draft6MetaSchema from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' };
import draft7MetaSchema from 'ajv/dist/refs/json-schema-draft-07.json' with { type: 'json' };
import addFormatsModule from 'ajv-formats';
import type { JsonObject } from './types.js';

// CommonJS packages whose module.exports also carries itself as `default`: `.default` is right both
// under Node's CJS interop and under bundlers' __esModule interop.
const Ajv2019 = Ajv2019Module.default;
const AjvDraft04 = AjvDraft04Module.default;
const addFormats = addFormatsModule.default;

/** An ajv instance of either class. */
export type AnyAjv = InstanceType<typeof Ajv2019> | InstanceType<typeof AjvDraft04>;

/** Whether the transformer treats this schema as draft-04 (`$schema` includes "draft-04"); throws as it does on a `$schema` without `includes`. */
export function isDraft4(schema: JsonObject): boolean {
  if (!Object.prototype.hasOwnProperty.call(schema, '$schema')) return false;
  return (schema.$schema as { includes(s: string): boolean }).includes('draft-04');
}

/** A fresh ajv of the class the schema needs, with the given options. */
export function makeAjv(options: JsonObject, draft4: boolean): AnyAjv {
  if (draft4) {
    const ajv = new AjvDraft04(options);
    addFormats(ajv);
    return ajv;
  }
  const ajv = new Ajv2019(options);
  ajv.addMetaSchema(draft6MetaSchema);
  ajv.addMetaSchema(draft7MetaSchema);
  addFormats(ajv);
  return ajv;
}

// The meta-schema checkers: one kept instance per option set, so each meta-schema is compiled once, not once
// per event schema (three quarters of a fresh instance's compile). Bounded: option sets come from configs.
const checkers = new Map<string, AnyAjv>();
const MAX_CHECKERS = 64;

function metaSchemaChecker(options: JsonObject, draft4: boolean): AnyAjv {
  const key = `${draft4}\0${JSON.stringify(options)}`;
  let checker = checkers.get(key);
  if (!checker) {
    if (checkers.size >= MAX_CHECKERS) checkers.clear();
    checkers.set(key, (checker = makeAjv(options, draft4)));
  }
  return checker;
}

/**
 * Compiles `schema` as the transformer does, in a fresh ajv instance of its class with `options` (two
 * schemas with one `$id` never meet), and returns that instance with the validator. The check against the
 * meta-schema, which a fresh instance would compile again for every schema, is made by a kept instance
 * with the same options: the same check (ajv's `validateSchema`), the same "schema is invalid: …" error.
 */
export function compileInFreshAjv(options: JsonObject, schema: JsonObject): { ajv: AnyAjv; validate: ReturnType<AnyAjv['compile']> } {
  const draft4 = isDraft4(schema);
  const compilable = compilableSchema(schema);
  const checker = metaSchemaChecker(options, draft4);
  // With `true` it throws (or logs, as configured) when the schema is invalid; none of these meta-schemas is `$async`.
  if (checker.opts.validateSchema) void checker.validateSchema(compilable, true);
  const ajv = makeAjv({ ...options, validateSchema: false }, draft4);
  return { ajv, validate: ajv.compile(compilable) };
}

/** The schema as the transformer compiles it: config-be injects `version` into non-track schemas and the transformer deletes it. */
export function compilableSchema(schema: JsonObject): JsonObject {
  if (!Object.prototype.hasOwnProperty.call(schema, 'version')) return schema;
  const { version: _version, ...rest } = schema;
  return rest;
}
