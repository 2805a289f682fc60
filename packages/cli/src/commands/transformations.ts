/**
 * `rudder transformations`: user transformations offline, with the hosted data plane's results.
 * test [DIR] | run --code FILE [EVENTS…|-].
 */
import { readFileSync } from 'node:fs';
import { TransformationRunner, type NetworkFixtures, type TransformationLibrary } from '@rudderanalytics/transformations';
import { loadProject, ProjectError, runProjectTests, type ProjectOutcome } from '@rudderanalytics/transformations/project';
import { int, parse, str, type Values } from '../args.js';
import { EXIT_FAILED, EXIT_OK, InputError, UsageError } from '../errors.js';
import { lineDiff } from '../line-diff.js';
import { stderr, stdout } from '../output.js';
import { collectMessages } from './plan-input.js';

export const TRANSFORMATIONS_HELP = `Usage: rudder transformations <test|run> [flags]

  test [DIR]
      Run the tests of every transformation in a rudder-cli project (YAML 'version: rudder/v1',
      'kind: transformation' and 'kind: transformation-library'; default DIR: .), offline. Each
      test is a JSON file of the suite's input folder; its expected events are the same-named
      file of the output folder, when there is one. A transformation without tests runs
      rudder-cli's default events. Prints pass/fail per test, with a diff of expected and actual
      output; exit 1 when a test fails or errors or a library does not load.
      --json                   print the outcome as JSON instead
  run --code FILE [EVENTS…|-]
      Run one transformation over events (JSON Lines or a JSON array; stdin by default) and
      print the output events as JSON Lines. Failed events and log() lines go to stderr; exit 1
      when an event fails.
      --library NAME=FILE      a library the code imports as NAME (repeatable)
      --metadata JSON          metadata for every event (sourceId, workspaceId, …)
      --credentials FILE       JSON object of credentials for getCredential(key)

Both:
  --timeout MS             time budget of one call (default 4000, as hosted)
  --memory MB              heap of the sandbox (default 128, as hosted)
  --fixtures FILE          canned answers for fetch/fetchV2/geolocation:
                           {"fetch": {"URL": body | {"status","headers","body"}}, "geolocation": {"IP": {…}}}
  --allow-network          let fetch/fetchV2 reach the network (off: they fail as a failed request does)

Only JavaScript transformations run offline; language: python is reported as skipped.

Examples:
  rudder transformations test ./transformations
  rudder transformations run --code enrich.js --library utils=utils.js events.jsonl
`;

const COMMON = {
  timeout: { type: 'string' },
  memory: { type: 'string' },
  fixtures: { type: 'string' },
  'allow-network': { type: 'boolean' },
} as const;

function readJson(path: string, flag: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--${flag} ${path}: ${(error as Error).message}`, 'transformations');
  }
}

function common(values: Values) {
  const runner = new TransformationRunner({ timeoutMs: int(values, 'timeout', 1), memoryMb: int(values, 'memory', 16, 16_384) });
  const fixturesPath = str(values, 'fixtures');
  const fixtures = (fixturesPath ? readJson(fixturesPath, 'fixtures') : {}) as NetworkFixtures;
  return { runner, fixtures, allowNetwork: values['allow-network'] === true };
}

export async function runTransformations(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    (sub === undefined ? stderr : stdout).write(TRANSFORMATIONS_HELP);
    return sub === undefined ? 2 : EXIT_OK;
  }
  if (sub === 'test') return runTests(rest);
  if (sub === 'run') return runOne(rest);
  throw new UsageError(`unknown subcommand '${sub}'`, 'transformations');
}

async function runTests(argv: string[]): Promise<number> {
  const { values, positionals } = parse('transformations', argv, { ...COMMON, json: { type: 'boolean' } }, true);
  if (values.help) {
    stdout.write(TRANSFORMATIONS_HELP);
    return EXIT_OK;
  }
  if (positionals.length > 1) throw new UsageError('give one project folder', 'transformations');
  let project;
  try {
    project = loadProject(positionals[0] ?? '.');
  } catch (error) {
    if (error instanceof ProjectError) throw new InputError(error.message);
    throw new UsageError(`${positionals[0] ?? '.'}: ${(error as Error).message}`, 'transformations');
  }
  if (project.transformations.length === 0 && project.libraries.length === 0) {
    throw new InputError(`${project.root}: no 'kind: transformation' or 'kind: transformation-library' spec found`);
  }
  const { runner } = common(values);
  try {
    const outcome = await runProjectTests(project, runner);
    if (values.json) stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
    else stdout.write(report(outcome));
    return outcome.failed ? EXIT_FAILED : EXIT_OK;
  } finally {
    await runner.close();
  }
}

const MARK = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', skipped: 'SKIP' } as const;

/** The human report: one line per test, a diff under a failure, the error under an error. */
export function report(outcome: ProjectOutcome): string {
  const lines: string[] = [];
  for (const lib of outcome.libraries) {
    lines.push(`${MARK[lib.status]}  library ${lib.name} (${lib.importName})${lib.message ? `: ${lib.message}` : ''}`);
  }
  for (const t of outcome.transformations) {
    const head = `${t.transformation.name} (${t.transformation.id})`;
    if (t.status === 'skipped') {
      lines.push(`SKIP  ${head}: ${t.message}`);
      continue;
    }
    for (const test of t.tests) {
      lines.push(`${MARK[test.status]}  ${head} › ${test.definition.name}`);
      for (const log of test.logs) lines.push(`        ${log}`);
      if (test.status === 'error') for (const e of new Set(test.errors)) lines.push(...e.split('\n').map((l) => `        ${l}`));
      if (test.status === 'fail') {
        lines.push(`        expected (${test.definition.outputFile}) vs actual:`);
        const diff = lineDiff(JSON.stringify(test.definition.expectedOutput, null, 2), JSON.stringify(test.actualOutput, null, 2));
        lines.push(...diff.map((l) => `        ${l}`));
      }
    }
  }
  const tests = outcome.transformations.flatMap((t) => t.tests);
  const count = (s: string) => tests.filter((t) => t.status === s).length;
  const skipped = outcome.transformations.filter((t) => t.status === 'skipped').length;
  lines.push('');
  lines.push(
    `${tests.length} tests: ${count('pass')} passed, ${count('fail')} failed, ${count('error')} errored` +
      (skipped ? `; ${skipped} transformation${skipped === 1 ? '' : 's'} skipped (python)` : ''),
  );
  return `${lines.join('\n')}\n`;
}

async function runOne(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    'transformations',
    argv,
    {
      ...COMMON,
      code: { type: 'string' },
      library: { type: 'string', multiple: true },
      metadata: { type: 'string' },
      credentials: { type: 'string' },
    },
    true,
  );
  if (values.help) {
    stdout.write(TRANSFORMATIONS_HELP);
    return EXIT_OK;
  }
  const codePath = str(values, 'code');
  if (!codePath) throw new UsageError('--code FILE is required', 'transformations');
  let code: string;
  try {
    code = readFileSync(codePath, 'utf8');
  } catch (error) {
    throw new UsageError(`--code ${codePath}: ${(error as Error).message}`, 'transformations');
  }
  const libraries: TransformationLibrary[] = ((values.library as unknown as string[] | undefined) ?? []).map((spec) => {
    const at = spec.indexOf('=');
    if (at <= 0) throw new UsageError(`--library must be NAME=FILE, got ${JSON.stringify(spec)}`, 'transformations');
    const path = spec.slice(at + 1);
    try {
      return { importName: spec.slice(0, at), code: readFileSync(path, 'utf8') };
    } catch (error) {
      throw new UsageError(`--library ${spec}: ${(error as Error).message}`, 'transformations');
    }
  });
  let metadata: Record<string, unknown> | undefined;
  const metadataText = str(values, 'metadata');
  if (metadataText !== undefined) {
    try {
      metadata = JSON.parse(metadataText) as Record<string, unknown>;
    } catch {
      throw new UsageError('--metadata must be a JSON object', 'transformations');
    }
  }
  const credentialsPath = str(values, 'credentials');
  const credentials = credentialsPath ? (readJson(credentialsPath, 'credentials') as Record<string, unknown>) : undefined;
  let bad = 0;
  const events = await collectMessages(positionals, undefined, (r) => {
    bad++;
    stderr.write(`${r.file ? `${r.file}:` : ''}line ${r.line}: ${r.reason}\n`);
  });
  const { runner, fixtures, allowNetwork } = common(values);
  try {
    const run = await runner.run({ code, libraries, events, metadata, credentials, fixtures, allowNetwork });
    for (const line of run.logs) stderr.write(`${line}\n`);
    let failed = 0;
    for (const r of run.results) {
      if ('output' in r) stdout.write(`${JSON.stringify(r.output)}\n`);
      else if ('error' in r) {
        failed++;
        stderr.write(`${JSON.stringify({ messageId: r.metadata.messageId, statusCode: r.statusCode, error: r.error })}\n`);
      }
    }
    return failed > 0 || bad > 0 ? EXIT_FAILED : EXIT_OK;
  } finally {
    await runner.close();
  }
}
