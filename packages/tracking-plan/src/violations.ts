/**
 * Maps ajv errors to violations, keyword by keyword, as rudder-transformer's
 * src/util/eventValidation.js `validate()` does.
 */
import type { AjvErrorLike, Violation, ViolationType } from './types.js';

/** The keywords the transformer reports as `Advance-Rules-Violation`. */
const ADVANCE_RULES = new Set([
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'multipleOf',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
  'uniqueItems',
  'enum',
  'if',
]);

/** The violation type of one ajv keyword. */
export function violationTypeOf(keyword: string): ViolationType {
  if (keyword === 'required') return 'Required-Missing';
  if (keyword === 'type') return 'Datatype-Mismatch';
  if (keyword === 'additionalProperties' || keyword === 'unevaluatedProperties') return 'Additional-Properties';
  if (ADVANCE_RULES.has(keyword)) return 'Advance-Rules-Violation';
  return 'Unknown-Violation';
}

/** One violation from one ajv error. */
export function toViolation(error: AjvErrorLike): Violation {
  const type = violationTypeOf(error.keyword);
  const meta = { instancePath: error.instancePath, schemaPath: error.schemaPath };
  const params = error.params ?? {};
  if (type === 'Required-Missing') {
    return { type, message: String(error.message), property: params.missingProperty as string, meta };
  }
  if (type === 'Additional-Properties') {
    const property = (params.additionalProperty || params.unevaluatedProperty) as string;
    return { type, message: `${error.message} '${property}'`, property, meta };
  }
  return { type, message: String(error.message), meta };
}

/** The violation the transformer raises for a track event whose name the plan does not know. */
export function unplannedEvent(eventName: unknown): Violation {
  return { type: 'Unplanned-Event', message: `no schema for event: ${eventName}`, meta: {} };
}
