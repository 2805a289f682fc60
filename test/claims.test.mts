/**
 * The READMEs' promises, checked as a user would meet them: the root README's option defaults against
 * what the SDK really resolves, its snippets run against a real local data plane, the CLI lines of its
 * `rudder` section run as typed, and the data plane flags the READMEs list against the parser that reads
 * them. A README sentence that stops holding fails here.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DATAPLANE_USAGE, DEFAULT_MAX_REQUEST_BYTES, parseDataPlaneArgs, startDataPlane, type DataPlane } from '@rudderanalytics/dataplane';
import { MAX_API_LIMIT } from '../packages/dataplane/src/query.ts';
import { resolveOptions } from '../packages/rudderanalytics/src/options.ts';
import { ROOT, requireBuild } from './runtimes/support/subprocess.ts';

const readme = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const ROOT_README = readme('README.md');
const CLI_README = readme('packages/cli/README.md');
const DATAPLANE_README = readme('packages/dataplane/README.md');
const SDK_ENTRY = pathToFileURL(join(ROOT, 'packages/rudderanalytics/dist/esm/index.js')).href;
const RUDDER_BIN = join(ROOT, 'packages/cli/dist/bin.js');

/** The text under `heading` (a whole line, e.g. `### Options`), up to the next heading of the same or a higher level. */
function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  assert.ok(start >= 0, `the README has no "${heading}"`);
  const level = heading.indexOf(' ');
  const end = lines.findIndex((line, i) => i > start && /^#+ /.test(line) && line.indexOf(' ') <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** The fenced code blocks of `text` in `lang`. */
function codeBlocks(text: string, lang: string): string[] {
  return [...text.matchAll(new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```', 'gm'))].map((m) => m[1]);
}

/** The cells of a Markdown table's body rows (escaped pipes kept inside their cell). */
function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[-:| ]+\|$/.test(line))
    .slice(1)
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
}

const backticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

/** A documented literal (`1000`, `'drop-newest'`, `true`) as a value; undefined for prose (`console (warn, error)`). */
function literal(text: string): unknown {
  if (/^\d+$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^'[^']*'$/.test(text)) return text.slice(1, -1);
  return undefined;
}

function run(file: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(file, args, { cwd: options.cwd, env: options.env ?? process.env, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
    child.stdin?.end(options.input ?? '');
  });
}

let dp: DataPlane;
let dir: string;
before(async () => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'rudder-claims-'));
  // The local data plane with its defaults (the dev key on), as `npm start` and `rudder dev` run it, on a free port.
  dp = await startDataPlane({ port: 0, dbPath: join(dir, 'events.db'), quiet: true });
});
after(async () => {
  await dp?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('every default in the README options table is the one the SDK resolves, and every resolved option is in the table', () => {
  const resolved = resolveOptions(undefined) as unknown as Record<string, unknown>;
  const valueAt = (path: string) => path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], resolved);
  const documented = new Set<string>();
  let compared = 0;
  for (const [nameCell, defaultCell] of tableRows(section(ROOT_README, '### Options'))) {
    const names = backticked(nameCell);
    names.forEach((name) => documented.add(name));
    const values = backticked(defaultCell).map(literal);
    // `retry.minDelayMs` / `retry.maxDelayMs` | `100` / `30000`: pairwise.
    if (values.length !== names.length || values.some((v) => v === undefined)) continue;
    names.forEach((name, i) => assert.equal(valueAt(name), values[i], `README: ${name} defaults to ${values[i]}`));
    compared += names.length;
  }
  assert.ok(compared >= 15, `only ${compared} defaults could be read from the table: did its format change?`);
  const keys = Object.entries(resolved).flatMap(([k, v]) => (k === 'retry' ? Object.keys(v as object).map((r) => `retry.${r}`) : [k]));
  assert.deepEqual(
    keys.filter((k) => !documented.has(k)),
    [],
    'options the SDK has but the README does not list',
  );
});

test('the quickstart snippet ("from your own code") delivers its event to the local data plane and lets the process exit', async () => {
  const quickstart = section(ROOT_README, '## Quickstart');
  const [snippet] = codeBlocks(quickstart.slice(quickstart.indexOf('from your own code')), 'ts');
  assert.ok(snippet.includes("'http://127.0.0.1:8080'"), snippet);
  const file = join(dir, 'quickstart.mjs');
  writeFileSync(file, snippet.replace("from 'rudderanalytics'", `from '${SDK_ENTRY}'`).replace("'http://127.0.0.1:8080'", `'${dp.url}'`));
  const result = await run(process.execPath, [file]);
  assert.equal(result.code, 0, result.stderr);
  const [event] = await dp.waitForEvents(1, { type: 'track', userId: 'u1', event: 'Order Completed' });
  assert.deepEqual(event.payload.properties, { revenue: 19.99 });
});

test('the "Testing your application" snippet runs: the test client records the event, with no network', async () => {
  const [snippet] = codeBlocks(section(ROOT_README, '### Testing your application'), 'ts');
  const file = join(dir, 'testing.mjs');
  // The README leaves the application to the reader: a handler that tracks what the snippet asserts.
  const prelude =
    "import assert from 'node:assert/strict';\nconst myHandler = (client) => { client.track({ userId: 'u1', event: 'Order Completed' }); };\n";
  writeFileSync(file, prelude + snippet.replace("from 'rudderanalytics'", `from '${SDK_ENTRY}'`));
  const result = await run(process.execPath, [file]);
  assert.equal(result.code, 0, result.stderr);
});

test('the `rudder` CLI lines of the root README work as typed against the local data plane', async () => {
  const [block] = codeBlocks(section(ROOT_README, '## The `rudder` CLI'), 'sh');
  const lines = block.split('\n').filter((line) => line.includes('npx rudder') && !/npx rudder dev\b/.test(line));
  assert.ok(lines.length >= 4, block);
  // The files a line names, as the user would have them.
  writeFileSync(join(dir, 'events.jsonl'), '{"type":"track","userId":"u2","event":"From File"}\n{"type":"identify","userId":"u2"}\n');
  // Only the URL differs from `rudder dev`'s default (this data plane is on a free port); the key is the dev key.
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, RUDDER_DATA_PLANE_URL: dp.url };
  const outputs: string[] = [];
  for (const line of lines) {
    const command = line.replaceAll('npx rudder', `"${process.execPath}" "${RUDDER_BIN}"`);
    const result = await run('/bin/sh', ['-c', command], { cwd: dir, env });
    assert.equal(result.code, 0, `${line}\n${result.stderr}`);
    outputs.push(result.stdout);
  }
  const [signedUp] = dp.events({ type: 'track', event: 'Signed Up' });
  assert.deepEqual(signedUp?.payload.properties, { plan: 'pro' });
  assert.deepEqual(dp.events({ type: 'identify', userId: 'u1' })[0]?.payload.traits, { plan: 'pro' });
  assert.equal(dp.count({ userId: 'u2' }), 2, 'rudder send delivered the file');
  assert.ok(
    outputs.some((out) => out.includes('Signed Up')),
    'rudder events listed what was stored',
  );
});

test('rudder dev and npm start take exactly the flags the READMEs list, parsed by one parser', () => {
  const usageFlags = new Set(DATAPLANE_USAGE.match(/--[a-z-]+/g));
  const flagsIn = (text: string) => new Set(text.match(/`--[a-z-]+/g)?.map((f) => f.slice(1)));
  const cliDev = flagsIn(section(CLI_README, '### `rudder dev`'));
  const dataplane = flagsIn(
    DATAPLANE_README.slice(DATAPLANE_README.indexOf('CLI flags (`parseDataPlaneArgs`'), DATAPLANE_README.indexOf('### The returned')),
  );
  assert.deepEqual([...cliDev].sort(), [...usageFlags].sort(), "the CLI README's rudder dev flags");
  assert.deepEqual([...dataplane].sort(), [...usageFlags].sort(), "the data plane README's CLI flags");
  const values: Record<string, string[]> = {
    '--quiet': ['--quiet'],
    '--no-read-token': ['--no-read-token'],
    '--tracking-plan-lenient': ['--tracking-plan-lenient'],
    '--port': ['--port', '0'],
    '--max-request-bytes': ['--max-request-bytes', '1000'],
    // Settings need the plan they belong to.
    '--tracking-plan-config': ['--tracking-plan-config', 'x', '--tracking-plan', 'y'],
    '--warehouse-batch': ['--warehouse-batch', '100'],
  };
  for (const flag of usageFlags) assert.doesNotThrow(() => parseDataPlaneArgs(values[flag] ?? [flag, 'x']), flag);
  // "RUDDER_PORT and RUDDER_DB pick another port and database file", for both.
  assert.deepEqual(parseDataPlaneArgs([], { RUDDER_PORT: '9999', RUDDER_DB: 'x.db' }), {
    ...parseDataPlaneArgs(['--port', '9999', '--db', 'x.db']),
  });
});

test("the data plane README's figures are the code's: the body cap and the query limit", () => {
  const maxBytes = /\| `maxRequestBytes` \| `(\d+)` \|/.exec(DATAPLANE_README)?.[1];
  assert.equal(Number(maxBytes), DEFAULT_MAX_REQUEST_BYTES);
  const limit = /`limit`: an integer from 1 to ([\d,]+)/.exec(DATAPLANE_README)?.[1];
  assert.equal(Number(limit?.replaceAll(',', '')), MAX_API_LIMIT);
  assert.match(CLI_README, new RegExp(`\\| \`--limit N\` \\| 1 to ${MAX_API_LIMIT.toLocaleString('en-US')}`));
});
