// TypeScript to JavaScript with esbuild, and a disk cache of the results: most processes of a test run find
// every file they load already transformed there and never start esbuild's service.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';

const require = createRequire(import.meta.url);

/** What tsconfig.base.json means for code esbuild emits; the rest of it concerns type checking or the build. */
const OPTIONS = {
  loader: 'ts',
  format: 'esm',
  // This Node's own version, not a fixed line: for an older target esbuild rewrites or drops syntax that
  // line lacks, and it drops `with { type: 'json' }` import attributes without a word.
  target: `node${process.versions.node}`,
  // Stack traces name .ts lines (register.mjs turns Node's source map support on). Node reads the source
  // file itself when it shows a line, so the map need not carry it.
  sourcemap: 'inline',
  sourcesContent: false,
  // ES2022 gives class fields [[Define]] semantics, as tsc emits them for the build.
  tsconfigRaw: { compilerOptions: { target: 'ES2022', useDefineForClassFields: true } },
};

/** The file's JavaScript. Loads esbuild on first use only: with a warm cache a process never needs it. */
export function transform(path, source) {
  return require('esbuild').transformSync(source, { ...OPTIONS, sourcefile: path }).code;
}

const sha256 = (text) => createHash('sha256').update(text).digest('hex');

/**
 * Everything besides a file's path and source that decides its output: the options, esbuild's version and
 * this file (so an edit here invalidates every entry).
 */
const SALT = sha256(
  JSON.stringify(OPTIONS) +
    JSON.parse(readFileSync(require.resolve('esbuild/package.json'), 'utf8')).version +
    readFileSync(fileURLToPath(import.meta.url), 'utf8'),
);

/**
 * `transform` through a cache in `dir`: one entry per source path (named by path and SALT), its first line the
 * hash of the source it was made from. An edited file replaces its entry instead of adding one, so the cache
 * stays as large as the tree. Entries are written under a temporary name and renamed, since several test
 * processes share them.
 */
export function cachedTransform(dir) {
  return (path, source) => {
    const entry = join(dir, `${sha256(`${SALT}\0${path}`).slice(0, 40)}.js`);
    const header = `//${sha256(source)}\n`;
    let cached;
    try {
      cached = readFileSync(entry, 'utf8');
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
    if (cached?.startsWith(header)) return cached.slice(header.length);

    const code = transform(path, source);
    mkdirSync(dir, { recursive: true });
    const temporary = `${entry}.${process.pid}-${threadId}.tmp`;
    writeFileSync(temporary, header + code);
    renameSync(temporary, entry);
    return code;
  };
}
