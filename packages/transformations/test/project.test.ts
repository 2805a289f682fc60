// rudder-iac's transformations-test projects (rudderlabs/rudder-iac @ dfdfe26abc8ed4fea227a821c5f2822290227a7f,
// cli/tests/testdata/project/transformations-test/) give offline what the hosted test run answered
// (cli/tests/testdata/expected/upstream/transformations-test/*/expected_results.json), for every
// JavaScript transformation and library; python ones are reported skipped.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { TransformationRunner } from '../dist/index.js';
import { DEFAULT_EVENTS, loadProject, ProjectError, runProjectTests, testDefinitions } from '../dist/project-entry.js';
import { fixture } from './support.js';

const runner = new TransformationRunner();
after(() => runner.close());

type Expected = {
  transformations: Array<{ result: { externalId: string; name: string; imports?: string[]; pass: boolean; testResult: { status: string } } }>;
  libraries: Array<{ externalId: string; handleName: string; pass: boolean; message?: string }>;
};

for (const variant of ['success', 'failure'] as const) {
  describe(`rudder-iac transformations-test/${variant}`, () => {
    const dir = new URL(`./fixtures/rudder-iac/project/transformations-test/${variant}`, import.meta.url).pathname;
    const expected = fixture<Expected>(`rudder-iac/expected/${variant}/expected_results.json`);

    test('every JavaScript transformation gets the hosted status, pass flag and imports', async () => {
      const outcome = await runProjectTests(loadProject(dir), runner);
      for (const { result } of expected.transformations) {
        const got = outcome.transformations.find((t) => t.transformation.id === result.externalId);
        assert.ok(got, `${result.externalId} loaded`);
        assert.equal(got.transformation.name, result.name);
        if (got.transformation.language === 'python') {
          assert.equal(got.status, 'skipped');
          continue;
        }
        assert.equal(got.status, result.testResult.status, result.externalId);
        assert.equal(got.status === 'pass', result.pass, result.externalId);
        assert.deepEqual(got.imports, result.imports ?? [], result.externalId);
      }
      assert.equal(outcome.failed, variant === 'failure');
    });

    test('every JavaScript library passes or fails as hosted; python libraries are skipped', async () => {
      const outcome = await runProjectTests(loadProject(dir), runner);
      for (const lib of expected.libraries) {
        const got = outcome.libraries.find((l) => l.id === lib.externalId);
        assert.ok(got, lib.externalId);
        assert.equal(got.importName, lib.handleName);
        assert.equal(got.status, got.status === 'skipped' ? 'skipped' : lib.pass ? 'pass' : 'error');
        if (lib.externalId.includes('py')) assert.equal(got.status, 'skipped');
      }
    });
  });
}

describe('test definitions as rudder-cli resolves them', () => {
  test('the failure project: error_transform has no tests and runs the four default events', () => {
    const project = loadProject(new URL('./fixtures/rudder-iac/project/transformations-test/failure', import.meta.url).pathname);
    const errorTransform = project.transformations.find((t) => t.id === 'error_transform')!;
    const defs = testDefinitions(errorTransform);
    assert.deepEqual(
      defs.map((d) => [d.id, d.input.length]),
      [['default-events', Object.keys(DEFAULT_EVENTS).length]],
    );
    const mismatch = testDefinitions(project.transformations.find((t) => t.id === 'mismatch_transform')!);
    assert.deepEqual(
      mismatch.map((d) => [d.name, d.inputFile, d.outputFile, d.expectedOutput?.length]),
      [
        [
          'mismatch_suite (product_clicked.json)',
          'input/mismatch_transform/product_clicked.json',
          'output/mismatch_transform/product_clicked.json',
          1,
        ],
      ],
    );
  });

  test('spec.file is read relative to the spec; a mistake names the file and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rudder-project-'));
    mkdirSync(join(dir, 'code'));
    writeFileSync(join(dir, 'code', 't.js'), 'export function transformEvent(e) { return e; }\n');
    writeFileSync(
      join(dir, 't.yaml'),
      'version: rudder/v1\nkind: transformation\nmetadata:\n  name: x\nspec:\n  id: t\n  name: T\n  language: javascript\n  file: ./code/t.js\n',
    );
    assert.match(loadProject(dir).transformations[0].code, /transformEvent/);
    writeFileSync(
      join(dir, 'bad.yaml'),
      'version: rudder/v1\nkind: transformation-library\nspec:\n  id: l\n  name: L\n  language: javascript\n  code: "export const a = 1"\n',
    );
    assert.throws(
      () => loadProject(dir),
      (e: unknown) => e instanceof ProjectError && /bad\.yaml.*spec\.import_name must be a non-empty string/.test(e.message),
    );
  });
});
