/**
 * The API reference: `npm run docs` (TypeDoc over every entry point of every package) must build with
 * warnings as errors, which fails on any exported symbol, class, interface, function or method without
 * TSDoc, on a broken {@link}, and on a type the docs reference but no entry point exports. A static check
 * over the sources like ESLint's, so `npm run lint` runs it (not `npm test`).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const config = JSON.parse(readFileSync(join(ROOT, 'typedoc.json'), 'utf8')) as { entryPoints: string[]; treatWarningsAsErrors: boolean };
const out = mkdtempSync(join(tmpdir(), 'rudder-api-docs-'));
after(() => rmSync(out, { recursive: true, force: true }));

/** The source file behind each path a package's exports map publishes (dist/esm/node/index.js → src/node/index.ts). */
function publishedSources(pkgDir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(ROOT, pkgDir, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
  const sources = new Set<string>();
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (subpath.endsWith('.json')) continue;
    const file = JSON.stringify(target).match(/"\.\/dist\/(?:esm\/)?([^"]+)\.js"/)?.[1];
    assert.ok(file, `${pkgDir}: no JavaScript target for ${subpath}`);
    sources.add(`src/${file}.ts`);
  }
  return [...sources].sort();
}

test('every published entry point of every package is in the API reference', () => {
  assert.equal(config.treatWarningsAsErrors, true);
  for (const pkgDir of config.entryPoints) {
    const own = JSON.parse(readFileSync(join(ROOT, pkgDir, 'typedoc.json'), 'utf8')) as { entryPoints: string[] };
    assert.deepEqual([...own.entryPoints].sort(), publishedSources(pkgDir), `${pkgDir}/typedoc.json`);
  }
  const workspaces = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
  assert.deepEqual([...config.entryPoints].sort(), workspaces.filter((w) => w.startsWith('packages/')).sort());
});

test("the README's list of API-reference entry points is every published entry point", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const paragraph = readme.slice(readme.indexOf('**API reference**'), readme.indexOf('docs/api/index.html'));
  const listed = [...paragraph.matchAll(/`((?:@rudderanalytics\/)?[a-z-]+(?:\/[a-z-]+)?)`/g)].map((m) => m[1]).filter((s) => s !== 'npm run docs');
  const published: string[] = [];
  for (const pkgDir of config.entryPoints) {
    const manifest = JSON.parse(readFileSync(join(ROOT, pkgDir, 'package.json'), 'utf8')) as { name: string; exports: Record<string, unknown> };
    for (const subpath of Object.keys(manifest.exports)) if (!subpath.endsWith('.json')) published.push(`${manifest.name}${subpath.slice(1)}`);
  }
  assert.deepEqual([...listed].sort(), published.sort());
});

test('no package exempts a property from TSDoc: inline-typed fields are documented too', () => {
  for (const pkgDir of config.entryPoints) {
    const own = JSON.parse(readFileSync(join(ROOT, pkgDir, 'typedoc.json'), 'utf8')) as { intentionallyNotDocumented?: string[] };
    assert.deepEqual(own.intentionallyNotDocumented ?? [], [], `${pkgDir}/typedoc.json`);
  }
});

test('npm run docs builds the reference with no warning', { timeout: 240_000 }, async () => {
  const run = await promisify(execFile)('npm', ['run', 'docs', '--silent', '--', '--out', out], { cwd: ROOT, maxBuffer: 8 << 20 }).catch(
    (error: { stdout: string; stderr: string; code: number }) => assert.fail(`typedoc failed (${error.code}):\n${error.stdout}${error.stderr}`),
  );
  assert.doesNotMatch(`${run.stdout}${run.stderr}`, /warning/i);
  // One page per package, and the pages of the symbols a user meets first.
  for (const page of [
    'index.html',
    'classes/rudderanalytics.index.RudderAnalytics.html',
    'classes/rudderanalytics.node.FileStore.html',
    'classes/rudderanalytics.redis.RedisStore.html',
    'functions/_rudderanalytics_dataplane.index.startDataPlane.html',
    'functions/_rudderanalytics_tracking-plan.index.createValidator.html',
    // Declared in compiled-validator.ts and exported by both entry points: documented once, under the
    // first (index); the runtime entry point's page links to it.
    'functions/_rudderanalytics_tracking-plan.index.createCompiledValidator.html',
    'functions/_rudderanalytics_cli.main.html',
  ]) {
    assert.ok(existsSync(join(out, page)), `the reference has no ${page}`);
  }
});
