// Resolve and load hooks that run this repository's TypeScript as it is, for the tests, benches and scripts.
// They work as module.register()'s off-thread hooks (Node 20) and as module.registerHooks()'s in-thread ones:
// each returns a plain value where it decides and whatever `next` returns otherwise.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cachedTransform, transform } from './transform.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const repositoryCache = cachedTransform(join(ROOT, 'node_modules', '.cache', 'ts-loader'));

const fileExists = (path) => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;

/** Nearest package.json's "type" per directory: every file of a package asks the same question. */
const packageTypes = new Map();

function packageType(dir) {
  if (packageTypes.has(dir)) return packageTypes.get(dir);
  let type;
  try {
    type = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).type ?? 'commonjs';
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
    const parent = dirname(dir);
    type = parent === dir ? 'commonjs' : packageType(parent);
  }
  packageTypes.set(dir, type);
  return type;
}

const isRelativeOrAbsolute = (specifier) => /^(\.{1,2}\/|\/|file:)/.test(specifier);

/**
 * Our sources import `./x.js` for `./x.ts` (NodeNext style): where the .js file is absent and its .ts sibling
 * exists, that is the file meant. (No .mjs/.cjs is imported for a .mts/.cts in this repository, so only .js.)
 */
export function resolve(specifier, context, next) {
  if (isRelativeOrAbsolute(specifier)) {
    const url = new URL(specifier, context.parentURL ?? pathToFileURL(`${process.cwd()}/`));
    if (url.protocol === 'file:' && url.pathname.endsWith('.js')) {
      const path = fileURLToPath(url);
      if (!fileExists(path) && fileExists(`${path.slice(0, -3)}.ts`)) {
        url.pathname = `${url.pathname.slice(0, -3)}.ts`;
        return { url: url.href, shortCircuit: true };
      }
    }
  }
  return next(specifier, context);
}

/**
 * .ts and .mts files become JavaScript here. Every .ts in this repository is an ES module (each package and
 * test folder says "type": "module"); one that is not would need CommonJS output, which this loader does
 * not make: it says so rather than guess.
 */
export function load(url, context, next) {
  if (!url.startsWith('file:')) return next(url, context);
  const { pathname } = new URL(url);
  if (!pathname.endsWith('.ts') && !pathname.endsWith('.mts')) return next(url, context);
  const path = fileURLToPath(url);
  if (pathname.endsWith('.ts') && packageType(dirname(path)) !== 'module') {
    throw new Error(
      `${path}: the nearest package.json does not say "type": "module"; the TypeScript loader (scripts/ts-loader) runs ES modules only`,
    );
  }
  const source = readFileSync(path, 'utf8');
  // Files outside the repository (tests' scratch files) are compiled each time: cached, they would leave an
  // entry behind per run that nothing reads again.
  const code = path.startsWith(ROOT) ? repositoryCache(path, source) : transform(path, source);
  return { format: 'module', source: code, shortCircuit: true };
}
