// Which test files `npm test` runs, and which of them can start before the data plane's storage is ready.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Static checks over the sources (the API reference build) are `npm run lint`'s, with ESLint and Prettier. */
export const STATIC_CHECKS = 'test/static-checks/';

function findTests(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) findTests(full, out);
    else if (/\.test\.(ts|mts|mjs|js)$/.test(name)) out.push(full);
  }
  return out;
}

/** Every behaviour suite under packages/ and test/, as paths from `root`, sorted. */
export function testFiles(root) {
  return [...findTests(join(root, 'packages')), ...findTests(join(root, 'test'))]
    .map((f) => relative(root, f))
    .filter((f) => !f.startsWith(STATIC_CHECKS))
    .sort();
}

// What reaches the data plane's storage: the package itself, the CLI (its suites start a data plane), and
// what starts one in another process (the quickstart, the examples' start scripts, the packed data plane).
const STORAGE =
  /@rudderanalytics\/(dataplane|cli)\b|\b(dataplane|cli)\/(src|dist|bin)\b|['"](dataplane|cli)['"]|bin\/rudder|better-sqlite3|node:sqlite|bun:sqlite|quickstart|npm start|examples\//;
const RELATIVE_IMPORT = /(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/** The source file a relative specifier names: `./x.js` is `./x.ts` in these TypeScript sources. */
function sourceOf(specifier, from) {
  const path = resolve(dirname(from), specifier);
  for (const candidate of [path, path.replace(/\.js$/, '.ts'), path.replace(/\.mjs$/, '.mts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/**
 * Whether a test file can run before the data plane's storage engine is installed (on Node 20, a C compile
 * of a minute or more): true when neither it nor anything it imports by a relative path mentions what
 * reaches that storage. Coarse on purpose: a mention is enough to wait, so a file is never started too soon.
 */
export function runsWithoutStorage(root, file) {
  if (/^packages\/(dataplane|cli)\//.test(file)) return false;
  const seen = new Set();
  const pending = [join(root, file)];
  while (pending.length) {
    const path = pending.pop();
    if (seen.has(path)) continue;
    seen.add(path);
    const text = readFileSync(path, 'utf8');
    if (STORAGE.test(text)) return false;
    for (const [, specifier] of text.matchAll(RELATIVE_IMPORT)) {
      const source = sourceOf(specifier, path);
      if (source && /\.(ts|mts|js|mjs)$/.test(source)) pending.push(source);
    }
  }
  return true;
}
