/**
 * `rudder plan`: tracking plans offline, with the hosted data plane's verdicts.
 * validate | coverage | draft | diff | compile.
 */
import { writeFileSync } from 'node:fs';
import { compilePlan, coverage, createValidator, diffPlans, draftPlan, type JsonObject, type Verdict } from '@rudderanalytics/tracking-plan';
import { parse, str, type Values } from '../args.js';
import { resolveDataPlaneUrl, resolveReadToken } from '../config.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from '../errors.js';
import { stderr, stdout } from '../output.js';
import { readConfig, readPlan, requireCompiles } from './plan-files.js';
import { isBad } from '../send/records.js';
import { collectMessages, readRecords } from './plan-input.js';

export const PLAN_HELP = `Usage: rudder plan <validate|coverage|draft|diff|compile> [flags]

  validate --plan PLAN [--config CONFIG] [FILE…|-]
      Check events (read as 'rudder send' reads them) against a tracking plan with the hosted
      data plane's verdicts. One JSON line per event:
      {"line":N,"type":…,"event":…,"dropEvent":bool,"violationType":…,"violationErrors":[…]}
      Exit 1 when any event has a violation (or a line is not JSON); exit 2 when the plan cannot
      be applied (unreadable, unknown layout, or a schema that does not compile: one line each).
  coverage --plan PLAN [--config CONFIG] [--json] [FILE…|-]
      Planned events never seen, unplanned events seen, violations by rule. Without FILE, reads
      what the data plane stored (--data-plane-url, else $RUDDER_DATA_PLANE_URL, else local;
      --read-token, else $RUDDER_READ_TOKEN, when it asks for one).
  draft [--name NAME] [--out PLAN] [FILE…|-]
      Write a plan (RudderStack events[] layout) from observed events; same inputs as coverage.
  diff OLD NEW [--json]
      Breaking changes from OLD to NEW, by what the schemas accept (not how they are written):
      removed events, newly required properties, narrowed types or ranges, removed enum values,
      closed objects; "possibly-breaking" where it cannot be decided (a changed pattern, anyOf, $ref).
      Exit 1 on any (for CI).
  compile --plan PLAN [--config CONFIG] [--out FILE]
      Ahead-of-time: an ES module of standalone validators for createCompiledValidator()
      (@rudderanalytics/tracking-plan/runtime), for Workers and other no-eval runtimes.

PLAN is any layout: RudderStack events[] or rules{}, RudderTyper plan.json, Segment Config API
v1 or Public API export, Typewriter plan.json. validate, coverage and compile refuse (exit 2) a plan
with a schema that does not compile. CONFIG is the source's tracking-plan config as the server holds it:
  {"global": {"allowUnplannedEvents": "false", "unplannedProperties": "drop",
              "anyOtherViolation": "forward", "propagateValidationErrors": "true", "ajvOptions": {}},
   "track": {…}}
Without --config every violation is reported and nothing is dropped.

Examples:
  rudder plan validate --plan plan.json events.jsonl
  rudder plan coverage --plan plan.json
  rudder plan draft events.jsonl --out plan.json
  rudder plan diff plan-v1.json plan-v2.json
`;

const PLAN_OPTIONS = { plan: { type: 'string' }, config: { type: 'string' } } as const;

function requirePlan(values: Values) {
  const path = str(values, 'plan');
  if (path === undefined) throw new UsageError('--plan is required', 'plan');
  return readPlan(path);
}

/** The plan and its config, refused (exit 2) when a schema does not compile: it could not be applied. */
function applicablePlan(values: Values) {
  const plan = requirePlan(values);
  const config = readConfig(str(values, 'config'));
  requireCompiles(plan, str(values, 'plan')!, config);
  return { plan, config };
}

function eventOf(m: JsonObject): unknown {
  return m.type === 'track' ? (m.event ?? null) : (m.name ?? m.event ?? null);
}

async function runValidate(argv: string[]): Promise<number> {
  const { values, positionals } = parse('plan', argv, PLAN_OPTIONS, true);
  const { plan, config } = applicablePlan(values);
  const validator = createValidator(plan, { config });
  let failed = false;
  for await (const r of readRecords(positionals)) {
    const where = { line: r.line, ...(r.item !== undefined ? { item: r.item } : {}), ...(r.file !== undefined ? { file: r.file } : {}) };
    if (isBad(r)) {
      failed = true;
      stdout.write(`${JSON.stringify({ ...where, error: r.reason })}\n`);
      continue;
    }
    const call = r.call;
    if (typeof call !== 'object' || call === null || Array.isArray(call)) {
      failed = true;
      stdout.write(`${JSON.stringify({ ...where, error: 'not an event object' })}\n`);
      continue;
    }
    const message = call as JsonObject;
    const v: Verdict = validator.check(message);
    if (v.violationErrors.length > 0) failed = true;
    stdout.write(
      `${JSON.stringify({
        ...where,
        type: message.type ?? null,
        event: eventOf(message),
        dropEvent: v.dropEvent,
        violationType: v.violationType,
        violationErrors: v.violationErrors,
        ...(v.error !== undefined ? { error: v.error } : {}),
      })}\n`,
    );
  }
  return failed ? EXIT_FAILED : EXIT_OK;
}

const INPUT_OPTIONS = { 'data-plane-url': { type: 'string' }, 'read-token': { type: 'string' }, json: { type: 'boolean' } } as const;

function observed(values: Values, positionals: string[]) {
  const fromDataPlane = positionals.length === 0 ? { url: resolveDataPlaneUrl(values), readToken: resolveReadToken(values) } : undefined;
  return collectMessages(positionals, fromDataPlane, (bad) =>
    stderr.write(`warning: ${bad.file ? `${bad.file} ` : ''}line ${bad.line}: ${bad.reason}\n`),
  );
}

async function runCoverage(argv: string[]): Promise<number> {
  const { values, positionals } = parse('plan', argv, { ...PLAN_OPTIONS, ...INPUT_OPTIONS }, true);
  const { plan, config } = applicablePlan(values);
  const validator = createValidator(plan, { config });
  const report = coverage(plan, await observed(values, positionals), validator);
  if (values.json) {
    stdout.write(`${JSON.stringify(report)}\n`);
    return EXIT_OK;
  }
  const label = (e: { eventType: string; name: string }) => (e.eventType === 'track' ? `track '${e.name}'` : e.eventType);
  const lines = [`${report.messages} events checked against plan ${plan.id} v${plan.version}`];
  lines.push(`planned, never seen (${report.plannedNeverSeen.length}):`, ...report.plannedNeverSeen.map((e) => `  ${label(e)}`));
  lines.push(`unplanned, seen (${report.unplannedSeen.length}):`, ...report.unplannedSeen.map((e) => `  ${label(e)} ×${e.count}`));
  lines.push(
    `violations by rule (${report.violationsByRule.length}):`,
    ...report.violationsByRule.map((r) => `  ${r.type} ${label(r)} ${r.schemaPath} ×${r.count}`),
  );
  stdout.write(`${lines.join('\n')}\n`);
  return EXIT_OK;
}

async function runDraft(argv: string[]): Promise<number> {
  const { values, positionals } = parse('plan', argv, { ...INPUT_OPTIONS, name: { type: 'string' }, out: { type: 'string' } }, true);
  const name = str(values, 'name');
  const doc = draftPlan(await observed(values, positionals), name !== undefined ? { name } : {});
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  const out = str(values, 'out');
  if (out) writeFileSync(out, text);
  else stdout.write(text);
  return EXIT_OK;
}

async function runDiff(argv: string[]): Promise<number> {
  const { values, positionals } = parse('plan', argv, { json: { type: 'boolean' } }, true);
  if (positionals.length !== 2) throw new UsageError('diff takes two plans: OLD NEW', 'plan');
  const changes = diffPlans(readPlan(positionals[0], 'OLD'), readPlan(positionals[1], 'NEW'));
  for (const c of changes) {
    stdout.write(
      values.json ? `${JSON.stringify(c)}\n` : `${c.kind}: ${c.eventType}${c.name ? ` '${c.name}'` : ''}${c.path ? ` ${c.path}` : ''}: ${c.detail}\n`,
    );
  }
  if (!values.json) {
    const possible = changes.filter((c) => c.kind === 'possibly-breaking').length;
    const certain = changes.length - possible;
    stderr.write(`${certain} breaking change${certain === 1 ? '' : 's'}${possible ? `, ${possible} possibly breaking` : ''}\n`);
  }
  return changes.length > 0 ? EXIT_FAILED : EXIT_OK;
}

async function runCompile(argv: string[]): Promise<number> {
  const { values } = parse('plan', argv, { ...PLAN_OPTIONS, out: { type: 'string' } });
  const { plan, config } = applicablePlan(values);
  const source = compilePlan(plan, { config });
  const out = str(values, 'out');
  if (out) writeFileSync(out, source);
  else stdout.write(source);
  return EXIT_OK;
}

/** The plan subcommands; the help texts (`rudder --help`, `rudder plan --help`) list them all. */
export const PLAN_SUBCOMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  validate: runValidate,
  coverage: runCoverage,
  draft: runDraft,
  diff: runDiff,
  compile: runCompile,
};

/** Runs `rudder plan …` and resolves with the exit code. */
export async function runPlan(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || rest.includes('--help') || rest.includes('-h')) {
    (sub === undefined ? stderr : stdout).write(PLAN_HELP);
    return sub === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const run = Object.hasOwn(PLAN_SUBCOMMANDS, sub) ? PLAN_SUBCOMMANDS[sub] : undefined;
  if (!run) throw new UsageError(`unknown plan command '${sub}'`, 'plan');
  return run(rest);
}
