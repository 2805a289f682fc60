/**
 * A rudder-iac project's transformations, read from disk the way rudder-cli reads them
 * (rudderlabs/rudder-iac @ dfdfe26abc8ed4fea227a821c5f2822290227a7f):
 * - specs (cli/internal/project/specs/transformation.go): YAML documents `version: rudder/v1`,
 *   `kind: transformation` (spec: id, name, description, language, code | file, tests[]) and
 *   `kind: transformation-library` (the same plus import_name); `file` is relative to the spec's folder;
 * - tests (cli/internal/providers/transformations/testorchestrator/inputs.go): each suite's `input`
 *   and `output` are folders relative to the spec's folder; every *.json in `input` is one test, its
 *   expected output the same-named file in `output` if there is one; a file holds an array of events
 *   or one event; a transformation with no tests (or no input files) runs the default events.
 * Other kinds in the project (tracking plans, …) are left alone.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_EVENTS } from './default-events.js';

/** A `kind: transformation-library` spec. */
export interface ProjectLibrary {
  /** `spec.id`. */
  id: string;
  /** `spec.name`. */
  name: string;
  /** `spec.language`: `javascript` or `python`. */
  language: string;
  /** `spec.import_name`: the module name transformations import the library by; unique in the project. */
  importName: string;
  /** The source, from `spec.code` or the file `spec.file` names. */
  code: string;
  /** The absolute path of the YAML file the spec is in. */
  specFile: string;
}

/** One entry of a transformation's `spec.tests`. */
export interface ProjectTestSuite {
  /** `name`: the suite's name. */
  name: string;
  /** `input`: the folder of input *.json files (relative to `specDir` unless absolute). */
  input?: string;
  /** `output`: the folder of expected-output files, each named as its input (relative to `specDir` unless absolute). */
  output?: string;
  /** The folder of the spec file, which `input` and `output` are relative to. */
  specDir: string;
}

/** A `kind: transformation` spec. */
export interface ProjectTransformation {
  /** `spec.id`. */
  id: string;
  /** `spec.name`. */
  name: string;
  /** `spec.description`, when given. */
  description?: string;
  /** `spec.language`: `javascript` or `python`. */
  language: string;
  /** The source, from `spec.code` or the file `spec.file` names. */
  code: string;
  /** The absolute path of the YAML file the spec is in. */
  specFile: string;
  /** `spec.tests`; empty when none are declared. */
  tests: ProjectTestSuite[];
}

/** The transformations and libraries of a rudder-iac project. */
export interface Project {
  /** The absolute path of the project folder (the YAML file's folder when one file was loaded). */
  root: string;
  /** Every `kind: transformation` spec, in file order. */
  transformations: ProjectTransformation[];
  /** Every `kind: transformation-library` spec, in file order. */
  libraries: ProjectLibrary[];
}

/** One test as rudder-cli builds it: events in, and the expected events out when an output file exists. */
export interface TestDefinition {
  /** `<suite>/<input folder>/<file>`, or `default-events`. */
  id: string;
  /** `<suite> (<file>)`, or `default-events`. */
  name: string;
  /** The input file, under the suite's `input` folder; absent for the default events. */
  inputFile?: string;
  /** The expected-output file, under the suite's `output` folder; absent when there is none. */
  outputFile?: string;
  /** The events the test runs (a file holding one event gives one). */
  input: Record<string, unknown>[];
  /** The events the output file expects; absent when there is no output file (the test then passes unless an event fails). */
  expectedOutput?: unknown[];
}

/** A spec that cannot be used: names the file and the field. */
export class ProjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectError';
  }
}

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) yamlFiles(full, out);
    else if (/\.ya?ml$/i.test(name)) out.push(full);
  }
  return out;
}

const text = (spec: Record<string, unknown>, field: string, where: string, required = true): string => {
  const v = spec[field];
  if (typeof v === 'string' && v !== '') return v;
  if (!required && (v === undefined || v === null)) return '';
  throw new ProjectError(`${where}: spec.${field} must be a non-empty string`);
};

function codeOf(spec: Record<string, unknown>, specFile: string, where: string): string {
  const inline = spec.code;
  const file = spec.file;
  if (typeof inline === 'string' && file !== undefined) throw new ProjectError(`${where}: spec.code and spec.file are exclusive; give one`);
  if (typeof inline === 'string') return inline;
  if (typeof file === 'string' && file !== '') {
    const path = isAbsolute(file) ? file : resolve(dirname(specFile), file);
    if (!existsSync(path)) throw new ProjectError(`${where}: spec.file ${JSON.stringify(file)} does not exist (${path})`);
    return readFileSync(path, 'utf8');
  }
  throw new ProjectError(`${where}: one of spec.code or spec.file is required`);
}

/** Reads every transformation and library spec under `path` (a folder, or one YAML file). */
export function loadProject(path: string): Project {
  const root = resolve(path);
  const files = statSync(root).isDirectory() ? yamlFiles(root) : [root];
  const project: Project = { root: statSync(root).isDirectory() ? root : dirname(root), transformations: [], libraries: [] };
  for (const specFile of files) {
    const docs = parseAllDocuments(readFileSync(specFile, 'utf8'));
    for (const doc of Array.isArray(docs) ? docs : [docs]) {
      if (doc.errors.length) throw new ProjectError(`${relative(process.cwd(), specFile)}: ${doc.errors[0].message}`);
      const body = doc.toJS() as Record<string, unknown> | null;
      if (!body || (body.kind !== 'transformation' && body.kind !== 'transformation-library')) continue;
      const where = `${relative(process.cwd(), specFile) || specFile} (kind: ${body.kind})`;
      if (body.version !== 'rudder/v1') throw new ProjectError(`${where}: version must be "rudder/v1", got ${JSON.stringify(body.version)}`);
      const spec = body.spec as Record<string, unknown> | undefined;
      if (!spec || typeof spec !== 'object') throw new ProjectError(`${where}: spec is required`);
      const language = text(spec, 'language', where);
      if (language !== 'javascript' && language !== 'python') {
        throw new ProjectError(`${where}: spec.language must be "javascript" or "python", got ${JSON.stringify(language)}`);
      }
      const common = { id: text(spec, 'id', where), name: text(spec, 'name', where), language, code: codeOf(spec, specFile, where), specFile };
      if (body.kind === 'transformation-library') {
        project.libraries.push({ ...common, importName: text(spec, 'import_name', where) });
        continue;
      }
      const tests = spec.tests ?? [];
      if (!Array.isArray(tests)) throw new ProjectError(`${where}: spec.tests must be a list`);
      project.transformations.push({
        ...common,
        description: typeof spec.description === 'string' ? spec.description : undefined,
        tests: tests.map((t: Record<string, unknown>, i: number) => {
          if (!t || typeof t.name !== 'string' || t.name === '') throw new ProjectError(`${where}: spec.tests[${i}].name is required`);
          return {
            name: t.name,
            input: typeof t.input === 'string' ? t.input : undefined,
            output: typeof t.output === 'string' ? t.output : undefined,
            specDir: dirname(specFile),
          };
        }),
      });
    }
  }
  const seen = new Map<string, string>();
  for (const lib of project.libraries) {
    const before = seen.get(lib.importName);
    if (before) throw new ProjectError(`import_name ${JSON.stringify(lib.importName)} is declared twice (${before} and ${lib.specFile})`);
    seen.set(lib.importName, lib.specFile);
  }
  return project;
}

const folder = (base: string, p?: string): string | undefined => (p ? (isAbsolute(p) ? p : join(base, p)) : undefined);

function jsonFiles(dir: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!dir || !existsSync(dir) || !statSync(dir).isDirectory()) return out;
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (name.toLowerCase().endsWith('.json') && !statSync(full).isDirectory()) out.set(name, full);
  }
  return out;
}

function readEvents(path: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ProjectError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  return Array.isArray(parsed) ? parsed : [parsed];
}

/** The tests of one transformation, as rudder-cli resolves them (default events when none). */
export function testDefinitions(t: ProjectTransformation): TestDefinition[] {
  const defs: TestDefinition[] = [];
  for (const suite of t.tests) {
    const inputs = jsonFiles(folder(suite.specDir, suite.input));
    const outputs = jsonFiles(folder(suite.specDir, suite.output));
    for (const [file, path] of inputs) {
      const expectedPath = outputs.get(file);
      defs.push({
        id: `${suite.name}/${suite.input}/${file}`,
        name: `${suite.name} (${file})`,
        inputFile: join(suite.input ?? '', file),
        outputFile: expectedPath ? join(suite.output ?? '', file) : undefined,
        input: readEvents(path) as Record<string, unknown>[],
        expectedOutput: expectedPath ? readEvents(expectedPath) : undefined,
      });
    }
  }
  if (defs.length > 0) return defs;
  return [{ id: 'default-events', name: 'default-events', input: Object.values(structuredClone(DEFAULT_EVENTS)) }];
}

/** The libraries a transformation's code imports (by import_name), for reporting. */
export function importsOf(code: string, libraries: ProjectLibrary[]): string[] {
  return libraries
    .filter((l) => new RegExp(`from\\s*['"]${l.importName.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}['"]`).test(code))
    .map((l) => l.importName);
}
