import { isDeepStrictEqual } from 'node:util';
import { importsOf, testDefinitions, type Project, type ProjectTransformation, type TestDefinition } from './project.js';
import type { TransformationRunner } from './runner.js';
import type { TransformationLibrary } from './types.js';

/** pass | fail (output differs from the expected file) | error (an event or the call failed) | skipped (python). */
export type TestStatus = 'pass' | 'fail' | 'error' | 'skipped';

export interface TestOutcome {
  definition: TestDefinition;
  status: TestStatus;
  /** The events out, an error entry `{ error }` where an event failed (the hosted test mode's list). */
  actualOutput: unknown[];
  errors: string[];
  logs: string[];
}

export interface TransformationOutcome {
  transformation: ProjectTransformation;
  imports: string[];
  status: TestStatus;
  message?: string;
  tests: TestOutcome[];
}

export interface LibraryOutcome {
  id: string;
  name: string;
  importName: string;
  status: 'pass' | 'error' | 'skipped';
  message?: string;
}

export interface ProjectOutcome {
  transformations: TransformationOutcome[];
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
