import { isDeepStrictEqual } from 'node:util';
import { importsOf, testDefinitions, type Project, type ProjectTransformation, type TestDefinition } from './project.js';
import type { TransformationRunner } from './runner.js';
import type { TransformationLibrary } from './types.js';

/** pass | fail (output differs from the expected file) | error (an event or the call failed) | skipped (python). */
export type TestStatus = 'pass' | 'fail' | 'error' | 'skipped';

/** The result of one test (one input file, or the default events). */
export interface TestOutcome {
  /** The test that ran. */
  definition: TestDefinition;
  /** `error` when an event or the call failed, `fail` when the output differs from the expected one, else `pass`. */
  status: TestStatus;
  /** The events out, an error entry `{ error }` where an event failed (the hosted test mode's list). */
  actualOutput: unknown[];
  /** The call's error, or else each failed event's error; empty when none failed. */
  errors: string[];
  /** What `log(...)` captured during the call. */
  logs: string[];
}

/** The results of one transformation's tests. */
export interface TransformationOutcome {
  /** The transformation tested. */
  transformation: ProjectTransformation;
  /** The `importName`s of the project libraries its code imports. */
  imports: string[];
  /** The worst of its tests' statuses; `skipped` for a python transformation. */
  status: TestStatus;
  /** Why it was skipped, when it was. */
  message?: string;
  /** One outcome per test; empty when skipped. */
  tests: TestOutcome[];
}

/** Whether one library loads. */
export interface LibraryOutcome {
  /** The library's `spec.id`. */
  id: string;
  /** The library's `spec.name`. */
  name: string;
  /** The library's `import_name`. */
  importName: string;
  /** `pass` when it loads as a module, `error` when it does not, `skipped` for python. */
  status: 'pass' | 'error' | 'skipped';
  /** The load error, or why it was skipped. */
  message?: string;
}

/** The results of `runProjectTests`: every transformation and library, each sorted by id. */
export interface ProjectOutcome {
  /** One outcome per transformation, by id. */
  transformations: TransformationOutcome[];
  /** One outcome per library, by id. */
  libraries: LibraryOutcome[];
  /** True when a test failed or errored, or a library does not load: the command's exit 1. */
  failed: boolean;
}

const PYTHON_SKIPPED = 'language: python is not run offline (JavaScript only); the hosted service runs it with `rudder-cli transformations test`';

const worst = (statuses: TestStatus[]): TestStatus =>
  statuses.includes('error')
    ? 'error'
    : statuses.includes('fail')
      ? 'fail'
      : statuses.every((s) => s === 'skipped') && statuses.length
        ? 'skipped'
        : 'pass';

/** Runs every test of every transformation in `project`, offline, one call per test file. */
export async function runProjectTests(project: Project, runner: TransformationRunner): Promise<ProjectOutcome> {
  const jsLibraries: TransformationLibrary[] = project.libraries
    .filter((l) => l.language === 'javascript')
    .map((l) => ({ importName: l.importName, code: l.code, name: l.name }));

  const libraries: LibraryOutcome[] = [];
  for (const lib of [...project.libraries].sort((a, b) => a.id.localeCompare(b.id))) {
    const base = { id: lib.id, name: lib.name, importName: lib.importName };
    if (lib.language !== 'javascript') {
      libraries.push({ ...base, status: 'skipped', message: PYTHON_SKIPPED });
      continue;
    }
    // A library passes when it loads as a module (the hosted check compiles and evaluates it).
    const probe = await runner.run({
      code: `import * as library from ${JSON.stringify(lib.importName)};\nexport function transformEvent(event) { return event; }`,
      libraries: jsLibraries,
      events: [],
    });
    libraries.push(probe.error ? { ...base, status: 'error', message: probe.error } : { ...base, status: 'pass' });
  }

  const transformations: TransformationOutcome[] = [];
  for (const t of [...project.transformations].sort((a, b) => a.id.localeCompare(b.id))) {
    const imports = importsOf(t.code, project.libraries);
    if (t.language !== 'javascript') {
      transformations.push({ transformation: t, imports, status: 'skipped', message: PYTHON_SKIPPED, tests: [] });
      continue;
    }
    const tests: TestOutcome[] = [];
    for (const definition of testDefinitions(t)) {
      const run = await runner.run({ code: t.code, name: t.name, libraries: jsLibraries, events: definition.input });
      const actualOutput = run.transformedEvents.map((e) => ('error' in e ? { error: e.error } : e.transformedEvent));
      const errors = run.error ? [run.error] : run.transformedEvents.flatMap((e) => ('error' in e ? [e.error] : []));
      const status: TestStatus =
        errors.length > 0
          ? 'error'
          : definition.expectedOutput !== undefined && !isDeepStrictEqual(actualOutput, definition.expectedOutput)
            ? 'fail'
            : 'pass';
      tests.push({ definition, status, actualOutput, errors, logs: run.logs });
    }
    transformations.push({ transformation: t, imports, status: worst(tests.map((x) => x.status)), tests });
  }

  const failed = libraries.some((l) => l.status === 'error') || transformations.some((t) => t.status === 'error' || t.status === 'fail');
  return { transformations, libraries, failed };
}
