/**
 * `--transformation`: which user transformation the local data plane applies, read from a JavaScript
 * file or from a rudder-cli project (folder or YAML file; `PATH#id` names one when it holds several).
 * The transformations package loads only when a transformation is given.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { TransformationLibrary } from '@rudderanalytics/transformations';

/** The `transformation` option: a path (`.js`/`.mjs` file, project folder or YAML, `PATH#id`), or the code itself. */
export type TransformationSource =
  | string
  | {
      /** The transformation's JavaScript source. */
      code: string;
      /** Libraries the code may import by `importName`. */
      libraries?: TransformationLibrary[];
      /** The name stack frames carry; `base transformation` when left out. */
      name?: string;
      /** The id reported as `transformationId`; `inline` when left out. */
      id?: string;
    };

export interface LoadedTransformation {
  id: string;
  name: string;
  code: string;
  libraries: TransformationLibrary[];
  /** A digest of code and libraries: a change starts the stage over from the first stored event. */
  target: string;
}

const digest = (code: string, libraries: TransformationLibrary[]) =>
  createHash('sha256')
    .update(JSON.stringify([code, libraries.map((l) => [l.importName, l.code])]))
    .digest('hex')
    .slice(0, 16);

export async function loadTransformation(source: TransformationSource): Promise<LoadedTransformation> {
  if (typeof source !== 'string') {
    const libraries = source.libraries ?? [];
    return {
      id: source.id ?? 'inline',
      name: source.name ?? 'base transformation',
      code: source.code,
      libraries,
      target: digest(source.code, libraries),
    };
  }
  const [path, wanted] = source.split('#') as [string, string | undefined];
  if (!existsSync(path)) throw new Error(`--transformation ${source}: no such file or folder`);
  if (!statSync(path).isDirectory() && /\.(m?js|cjs)$/i.test(path)) {
    const code = readFileSync(path, 'utf8');
    return { id: basename(path).replace(/\.[^.]+$/, ''), name: 'base transformation', code, libraries: [], target: digest(code, []) };
  }
  const { loadProject } = await import('@rudderanalytics/transformations/project');
  const project = loadProject(path);
  const candidates = project.transformations.filter((t) => wanted === undefined || t.id === wanted);
  if (candidates.length === 0) {
    throw new Error(`--transformation ${source}: no 'kind: transformation'${wanted ? ` with id ${JSON.stringify(wanted)}` : ''} found`);
  }
  if (candidates.length > 1) {
    throw new Error(
      `--transformation ${source}: the project has ${candidates.length} transformations (${candidates.map((t) => t.id).join(', ')}); name one as PATH#id`,
    );
  }
  const t = candidates[0];
  if (t.language !== 'javascript') {
    throw new Error(`--transformation ${source}: ${t.id} is language: ${t.language}; only JavaScript transformations run locally`);
  }
  const libraries = project.libraries
    .filter((l) => l.language === 'javascript')
    .map((l) => ({ importName: l.importName, code: l.code, name: l.name }));
  return { id: t.id, name: t.name, code: t.code, libraries, target: digest(t.code, libraries) };
}
