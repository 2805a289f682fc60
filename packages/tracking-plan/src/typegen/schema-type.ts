/**
 * JSON Schema → TypeScript type text. The type admits what the schema admits as far as TypeScript can
 * say it (`type`, `enum`, `const`, `properties`/`required`, `additionalProperties`, `items`, `anyOf`,
 * `oneOf`, `allOf`); what it cannot say (patterns, formats, ranges, `$ref`) is left to run-time validation.
 */
import type { JsonObject } from '../types.js';
import { docText, propertyKey } from './names.js';

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A TSDoc block for a description, indented; empty when there is none. */
export function docComment(lines: readonly (string | undefined)[], indent: string): string {
  const text = lines.filter((l): l is string => typeof l === 'string' && l.trim() !== '').map(docText);
  if (text.length === 0) return '';
  const body = text.join('\n\n').split('\n');
  if (body.length === 1) return `${indent}/** ${body[0]} */\n`;
  return `${indent}/**\n${body.map((l) => `${indent} * ${l}`.trimEnd()).join('\n')}\n${indent} */\n`;
}

function literal(value: unknown): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'number';
  // An object or array enum member: TypeScript has no literal for it.
  return Array.isArray(value) ? 'unknown[]' : '{ [key: string]: unknown }';
}

function union(types: string[]): string {
  const unique = [...new Set(types)];
  if (unique.includes('unknown')) return 'unknown';
  return unique.length === 0 ? 'never' : unique.join(' | ');
}

/** Parenthesised when a `|` or `&` sits outside every bracket, so `[]` and `&` bind to the whole type. */
function paren(t: string): string {
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    const ch = t[i];
    if (ch === '"') {
      // Skip a string literal (a quoted key or an enum member), escapes included.
      for (i++; i < t.length && t[i] !== '"'; i++) if (t[i] === '\\') i++;
    } else if (ch === '{' || ch === '(' || ch === '[') depth++;
    else if (ch === '}' || ch === ')' || ch === ']') depth--;
    else if (depth === 0 && (ch === '|' || ch === '&')) return `(${t})`;
  }
  return t;
}

function objectType(schema: JsonObject, indent: string): string {
  const props = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : []);
  const inner = `${indent}  `;
  const members: string[] = [];
  const memberTypes: string[] = [];
  for (const key of Object.keys(props)) {
    const sub = props[key];
    const t = schemaType(sub, inner);
    memberTypes.push(t);
    const doc = isObject(sub) ? docComment([sub.description as string | undefined], inner) : '';
    members.push(`${doc}${inner}${propertyKey(key)}${required.has(key) ? '' : '?'}: ${t};\n`);
  }
  // Required names not declared under `properties` (ajv's strict mode refuses those schemas; draft-04 may have them).
  for (const key of required) {
    if (!Object.prototype.hasOwnProperty.call(props, key)) members.push(`${inner}${propertyKey(key)}: unknown;\n`);
  }
  const extra = schema.additionalProperties;
  const closed = extra === false || schema.unevaluatedProperties === false;
  if (!closed) {
    const patterns = isObject(schema.patternProperties) && Object.keys(schema.patternProperties).length > 0;
    const valueType = isObject(extra) && !patterns && members.length === 0 ? schemaType(extra, inner) : 'unknown';
    members.push(`${inner}[key: string]: ${valueType};\n`);
  }
  if (members.length === 0) return '{ [key: string]: never }';
  return `{\n${members.join('')}${indent}}`;
}

function typeOfName(name: string, schema: JsonObject, indent: string): string {
  switch (name) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      if (Array.isArray(schema.items)) return `[${schema.items.map((s) => schemaType(s, indent)).join(', ')}, ...unknown[]]`;
      return `${paren(schemaType(schema.items ?? {}, indent))}[]`;
    }
    case 'object':
      return objectType(schema, indent);
    default:
      return 'unknown';
  }
}

/** The TypeScript type text of a JSON Schema (boolean schemas included), laid out at `indent`. */
export function schemaType(schema: unknown, indent = ''): string {
  if (schema === false) return 'never';
  if (!isObject(schema)) return 'unknown';
  if (Object.prototype.hasOwnProperty.call(schema, 'const')) return literal(schema.const);
  if (Array.isArray(schema.enum)) return union(schema.enum.map(literal));
  const parts: string[] = [];
  const types =
    typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? schema.type.filter((t): t is string => typeof t === 'string') : [];
  if (types.length > 0) parts.push(union(types.map((t) => typeOfName(t, schema, indent))));
  else if (isObject(schema.properties) || schema.additionalProperties !== undefined || Array.isArray(schema.required))
    parts.push(objectType(schema, indent));
  else if (schema.items !== undefined) parts.push(typeOfName('array', schema, indent));
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) parts.push(paren(union(options.map((s) => schemaType(s, indent)))));
  }
  if (Array.isArray(schema.allOf)) {
    // allOf members that only add rules (const, pattern) to the declared properties add no type of their own.
    for (const s of schema.allOf) {
      const t = schemaType(s, indent);
      if (t !== 'unknown' && !(isObject(s) && s.type === undefined && !Array.isArray(s.required))) parts.push(paren(t));
    }
  }
  const known = parts.filter((p) => p !== 'unknown');
  return known.length === 0 ? 'unknown' : known.join(' & ');
}

/** Whether an object schema's value must be given: a required key inside it, or a `minProperties`. */
export function needsValue(schema: unknown): boolean {
  if (!isObject(schema)) return false;
  return (Array.isArray(schema.required) && schema.required.length > 0) || (typeof schema.minProperties === 'number' && schema.minProperties > 0);
}
