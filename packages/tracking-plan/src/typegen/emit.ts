/** The text of a generated typed client: types, the typed functions, and (optionally) the compiled plan. */
import { checkNamer, compileEvents, importPath } from '../standalone.js';
import { declareLoose, hoistRequires } from '../standalone-code.js';
import type { TrackingPlan, TrackingPlanConfig } from '../types.js';
import type { CallField, PlannedCall } from './calls.js';
import { propertyKey } from './names.js';
import { docComment } from './schema-type.js';

/** What the emitter needs besides the calls. */
export interface EmitInput {
  plan: TrackingPlan;
  calls: PlannedCall[];
  hash: string;
  /** Compile the plan's validators into the file (and export the plugin). */
  validate: boolean;
  config: TrackingPlanConfig;
}

const q = JSON.stringify;

function quoteName(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function fieldLines(fields: CallField[], indent: string, typeName: string): string {
  return fields
    .map((f) => {
      const type = f.key === 'properties' ? `${typeName}Properties` : f.key === 'traits' ? `${typeName}Traits` : f.type;
      return `${docComment([f.description], indent)}${indent}${propertyKey(f.key)}${f.optional ? '?' : ''}: ${type};\n`;
    })
    .join('');
}

function callTypes(call: PlannedCall): string {
  const label = call.eventType === 'track' ? `the ${quoteName(call.name)} event` : `${call.eventType} calls`;
  let out = '';
  for (const f of call.fields) {
    if (f.key !== 'properties' && f.key !== 'traits') continue;
    const suffix = f.key === 'properties' ? 'Properties' : 'Traits';
    out += `/** The ${f.key} of ${label}, as the plan types them. */\nexport type ${call.typeName}${suffix} = ${f.type.replace(/\n {2}/g, '\n')};\n\n`;
  }
  const head = call.eventType === 'track' ? `${quoteName(call.name)}` : `${call.eventType === 'identify' ? 'An' : 'A'} ${call.eventType} call`;
  out += docComment([`${head}.`, call.description, 'The ids: a userId, an anonymousId, or both.'], '');
  const identity = call.requiresUserId ? '{ userId: Id; anonymousId?: Id }' : 'Identity';
  out += `export type ${call.typeName}Call = CommonFields & ${identity} & {\n${fieldLines(call.fields, '  ', call.typeName)}};\n`;
  return out;
}

function validatorSection(input: EmitInput): { imports: string[]; body: string; checks: number } {
  const imports = new Map<string, string>();
  const checks: string[] = [];
  const entries: string[] = [];
  // Events with the same schema share one validator: a plan's many property-less events cost one.
  const nameOf = checkNamer();
  for (const c of compileEvents(input.plan, input.config)) {
    if (c.error !== undefined) {
      entries.push(`    ${q(c.key)}: { error: ${q(c.error)} },`);
      continue;
    }
    const name = nameOf(c.code!, (name) => {
      const code = declareLoose(hoistRequires(c.code!, imports))
        .split('\n')
        // ajv's standalone output is JavaScript: it runs as is, TypeScript is told not to check it.
        .map((line) => `  // @ts-ignore -- ajv standalone code, compiled by rudder typegen\n  ${line}`)
        .join('\n');
      checks.push(
        `const ${name} = ((): SchemaCheck => {\n  const module: { exports: any } = { exports: {} };\n${code}\n  return module.exports;\n})();\n`,
      );
    });
    entries.push(`    ${q(c.key)}: ${name},`);
  }
  const depImports = [...imports].map(([id, local]) => `import * as ${local} from ${q(importPath(id))};`);
  const deps = [...imports].map(([id, local]) => `  ${q(id)}: __cjs(${local}),`).join('\n');
  const body = [
    '// The plan compiled at generation time: ajv standalone validators, no ajv compiler at run time.',
    ...(imports.size > 0
      ? [
          "// ajv's run-time helpers are CommonJS: under Node's ESM the namespace holds them as `default`.",
          'const __cjs = (ns: any): any => (ns.default && typeof ns.default === "object" && ns.default.__esModule ? ns.default : ns);',
          `const __deps: { [id: string]: any } = {\n${deps}\n};`,
          'const __require = (id: string): any => __deps[id];',
        ]
      : []),
    ...checks,
    `const compiledPlan: CompiledPlanModule = {\n  plans: [{ id: ${q(input.plan.id)}, version: ${q(input.plan.version)}, checks: {\n${entries.join('\n')}\n  } }],\n  config: ${q(input.config)},\n};`,
    '',
    '/**',
    " * The SDK plugin that checks every event against this plan at the call, with the data plane's",
    ' * verdicts: pass it to `RudderAnalytics.load(key, url, { plugins: [planPlugin({ onViolation })] })`.',
    ' * `onViolation` gets the violations as the data plane writes them into `context.violationErrors`.',
    ' */',
    'export function planPlugin(options: CompiledPlanPluginOptions = {}): Plugin {',
    '  return compiledPlanPlugin(compiledPlan, options);',
    '}',
    '',
  ].join('\n');
  return { imports: depImports, body, checks: checks.length };
}

/** The typed client's source text. */
export function emitClient(input: EmitInput): string {
  const { plan, calls, hash } = input;
  const tracks = calls.filter((c) => c.eventType === 'track');
  const others = calls.filter((c) => c.eventType !== 'track');
  const types = [...new Set(calls.map((c) => c.eventType))];
  const validators = input.validate ? validatorSection(input) : undefined;
  const out: string[] = [];
  out.push(
    `// Generated by rudder typegen from tracking plan ${q(plan.id)}, version ${plan.version}${plan.name ? ` (${q(plan.name)})` : ''}.`,
    `// Plan hash: ${hash}. Do not edit: regenerate with \`rudder typegen\`; \`rudder typegen --check\` tells when this file is stale.`,
    '/* eslint-disable */',
  );
  if (validators) {
    out.push(
      "import type { Plugin } from 'rudderanalytics';",
      // SchemaCheck only when some schema compiled: an unused import fails under noUnusedLocals.
      `import { compiledPlanPlugin, type CompiledPlanModule, type CompiledPlanPluginOptions${validators.checks > 0 ? ', type SchemaCheck' : ''} } from '@rudderanalytics/tracking-plan/runtime';`,
      ...validators.imports,
    );
  }
  out.push(
    '',
    '/** The tracking plan this file was generated from; every call stamps it into `context.ruddertyper`. */',
    `export const trackingPlan = { id: ${q(plan.id)}, version: ${q(plan.version)}, hash: ${q(hash)} } as const;`,
    '',
    '/** An id as the gateway accepts it: a string, or a number it turns into one. */',
    'export type Id = string | number;',
    '',
    '/** Every call needs a userId, an anonymousId, or both. */',
    'export type Identity = { userId: Id; anonymousId?: Id } | { userId?: Id; anonymousId: Id };',
    '',
    '/** The fields every call may carry besides its own, as the SDK takes them. */',
    'export type CommonFields = {',
    '  /** Extra context; `context.ruddertyper` is set by the typed calls. */',
    '  context?: { [key: string]: unknown };',
    '  /** Destinations to send to; defaults to `{ All: true }`. */',
    '  integrations?: { [destination: string]: boolean | { [key: string]: unknown } | undefined };',
    '  /** When the call happened; defaults to now. */',
    '  originalTimestamp?: Date | string;',
    "  /** The event's own time when it differs from the call's. */",
    '  timestamp?: Date | string;',
    '  /** An idempotency key; the SDK generates one otherwise. */',
    '  messageId?: string;',
    '};',
    '',
  );
  for (const c of calls) out.push(callTypes(c));
  if (tracks.length > 0) {
    out.push(
      '/** Any planned track event: `event` names it, and the rest is typed by it. */',
      `export type TrackCall =\n${tracks.map((c) => `  | ({ event: ${quoteName(c.name)} } & ${c.typeName}Call)`).join('\n')};`,
      '',
      '/** The names of the planned track events. */',
      `export type EventName = TrackCall['event'];`,
      '',
    );
  }
  const sdkParam: Record<string, string> = {
    track: '{ event: string; properties?: { [key: string]: unknown } }',
    identify: '{ traits?: { [key: string]: unknown } }',
    page: '{ name: string; category?: string; properties?: { [key: string]: unknown } }',
    screen: '{ name: string; category?: string; properties?: { [key: string]: unknown } }',
    group: '{ groupId: Id; traits?: { [key: string]: unknown } }',
  };
  out.push(
    '/** The client calls the typed functions make: a `RudderAnalytics` from `rudderanalytics` is one. */',
    'export interface AnalyticsClient {',
    ...types.map((t) => `  ${t}(call: CommonFields & Identity & ${sdkParam[t]}): string;`),
    '}',
    '',
    "/** Typed calls for this plan over a client; each returns the event's messageId, as the client does. */",
    'export interface TypedAnalytics {',
  );
  for (const c of tracks) {
    out.push(docComment([`Tracks ${quoteName(c.name)}.`, c.description], '  ').trimEnd(), `  ${c.identifier}(call: ${c.typeName}Call): string;`);
  }
  if (tracks.length > 0) out.push('  /** Tracks any planned event, named by `event`. */', '  track(call: TrackCall): string;');
  for (const c of others) {
    out.push(
      docComment([`${c.eventType === 'identify' ? 'An' : 'A'} ${c.eventType} call, typed by the plan.`, c.description], '  ').trimEnd(),
      `  ${c.identifier}(call: ${c.typeName}Call): string;`,
    );
  }
  out.push(
    '}',
    '',
    "// A new context each time: the caller's object is not changed.",
    'function stamp<T extends CommonFields>(call: T): T {',
    '  return { ...call, context: { ...call.context, ruddertyper: { trackingPlanId: trackingPlan.id, trackingPlanVersion: trackingPlan.version } } };',
    '}',
    '',
    '/**',
    ' * The typed calls over your client: `const analytics = typedClient(client)`. It keeps no state and',
    " * does not wrap the client's lifecycle (flush and close the client as usual).",
    ' */',
    'export function typedClient(client: AnalyticsClient): TypedAnalytics {',
    '  return {',
    ...tracks.map((c) => `    ${c.identifier}: (call) => client.track(stamp({ ...call, event: ${quoteName(c.name)} })),`),
    ...(tracks.length > 0 ? ['    track: (call) => client.track(stamp(call)),'] : []),
    ...others.map((c) => `    ${c.identifier}: (call) => client.${c.eventType}(stamp(call)),`),
    '  };',
    '}',
    '',
  );
  if (validators) out.push(validators.body);
  return out.join('\n');
}
