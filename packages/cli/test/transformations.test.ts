// `rudder transformations`: rudder-iac's transformations-test projects (rudderlabs/rudder-iac
// @ dfdfe26abc8ed4fea227a821c5f2822290227a7f, cli/tests/testdata/project/transformations-test/) through
// the CLI, with their exit codes and a readable diff; `run` over JSON Lines.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { rudder, rudderProcess } from './support/helpers.js';

const project = (variant: string) =>
  fileURLToPath(new URL(`../../transformations/test/fixtures/rudder-iac/project/transformations-test/${variant}`, import.meta.url));

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rudder-transformations-test-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('rudder transformations test', () => {
  test('the success project passes: exit 0, one PASS line per JavaScript test, python skipped', async () => {
    const run = await rudder(['transformations', 'test', project('success')]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^PASS {2}library Utils Library \(utilsLibrary\)$/m);
    assert.match(run.stdout, /^PASS {2}Greeting Transform \(greeting_transform\) › greeting_suite \(identify\.json\)$/m);
    assert.match(run.stdout, /^PASS {2}Simple Transform \(simple_transform\) › simple_transform_success \(identify\.json\)$/m);
    assert.match(run.stdout, /^SKIP {2}Py Transform \(py_transform\): language: python is not run offline/m);
    assert.match(run.stdout, /^2 tests: 2 passed, 0 failed, 0 errored; 2 transformations skipped \(python\)$/m);
  });

  test('the failure project fails: exit 1, the mismatch as a diff, the error with its user frames', async () => {
    // Through the real bin: the exit code the shell sees.
    const run = await rudderProcess(['transformations', 'test', project('failure')]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^FAIL {2}Mismatch Transform \(mismatch_transform\) › mismatch_suite \(product_clicked\.json\)$/m);
    assert.match(run.stdout, /expected \(output\/mismatch_transform\/product_clicked\.json\) vs actual:\n/);
    assert.match(run.stdout, /^ {8}- {7}"processed": false\n {8}\+ {7}"processed": true$/m);
    assert.match(run.stdout, /^ERROR {2}Error Transform \(error_transform\) › default-events$/m);
    assert.match(
      run.stdout,
      /^ {8}Error: intentional error\n {8} {4}at riskyOperation \(library errorLibrary:2:9\)\n {8} {4}at transformEvent \(Error Transform:4:3\)$/m,
    );
    assert.match(run.stdout, /^4 tests: 2 passed, 1 failed, 1 errored; 1 transformation skipped \(python\)$/m);
  });

  test('--json gives the outcome per transformation', async () => {
    const run = await rudder(['transformations', 'test', project('failure'), '--json']);
    assert.equal(run.code, 1);
    const outcome = JSON.parse(run.stdout);
    const status = Object.fromEntries(outcome.transformations.map((t: any) => [t.transformation.id, t.status]));
    assert.deepEqual(status, {
      error_transform: 'error',
      greeting_transform: 'pass',
      mismatch_transform: 'fail',
      py_transform: 'skipped',
      simple_transform: 'pass',
    });
  });

  test('a folder without transformation specs is refused, naming it', async () => {
    const run = await rudder(['transformations', 'test', dir]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /no 'kind: transformation' or 'kind: transformation-library' spec found/);
  });
});

describe('rudder transformations run', () => {
  test('prints the output events as JSON Lines; failures and logs go to stderr; exit 1 on a failure', async () => {
    const code = join(dir, 't.js');
    writeFileSync(
      code,
      `import { tag } from 'tags';
export function transformEvent(event, metadata) {
  if (event.event === 'Drop') return null;
  if (event.event === 'Boom') throw new Error('boom');
  log('saw', event.event);
  return event.event === 'Split' ? [tag(event, 1), tag(event, 2)] : tag(event, metadata(event).sourceId);
}
`,
    );
    const lib = join(dir, 'tags.js');
    writeFileSync(lib, 'export function tag(event, value) { return { ...event, tag: value }; }\n');
    const events = join(dir, 'events.jsonl');
    const ev = (id: string, name: string) => JSON.stringify({ messageId: id, type: 'track', event: name, userId: 'u' });
    writeFileSync(events, [ev('1', 'Keep'), ev('2', 'Drop'), ev('3', 'Split'), ev('4', 'Boom')].join('\n') + '\n');
    const run = await rudder(['transformations', 'run', '--code', code, '--library', `tags=${lib}`, '--metadata', '{"sourceId":"src-1"}', events]);
    assert.equal(run.code, 1);
    const out = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      out.map((e) => [e.messageId, e.tag]),
      [
        ['1', 'src-1'],
        ['3', 1],
        ['3', 2],
      ],
    );
    assert.match(run.stderr, /^Log: saw Keep$/m);
    assert.match(run.stderr, /^\{"messageId":"4","statusCode":400,"error":"Error: boom\\n {4}at transformEvent \(base transformation:4:37\)"\}$/m);
  });

  test('--code is required', async () => {
    const run = await rudder(['transformations', 'run']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--code FILE is required/);
  });
});
