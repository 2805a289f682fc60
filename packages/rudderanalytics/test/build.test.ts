/** Checks of the built package: the core runs anywhere, the types hold, the version is the package's. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { LIBRARY } from '../src/version.js';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/** Every module the ESM entry reaches, following relative imports. */
function reachable(entry: string): Map<string, string> {
  const seen = new Map<string, string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const text = readFileSync(file, 'utf8');
    seen.set(file, text);
    for (const match of text.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const spec = match[1] ?? match[2];
      if (spec.startsWith('.')) visit(join(dirname(file), spec));
    }
  };
  visit(entry);
  return seen;
}

test('the core entry imports nothing from node: (or any package) and uses no Node globals', () => {
  const modules = reachable(join(pkgDir, 'dist/esm/index.js'));
  assert.ok(modules.size > 10, `only ${modules.size} modules found`);
  for (const [file, text] of modules) {
    for (const match of text.matchAll(/(?:from\s*|import\(\s*|require\(\s*)['"]([^'"]+)['"]/g)) {
      assert.ok(match[1].startsWith('./') || match[1].startsWith('../'), `${file} imports ${match[1]}`);
    }
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    assert.doesNotMatch(code, /\bBuffer\.|\brequire\(|\b__dirname\b/, `${file} uses a Node-only global`);
  }
});

test('the package loads both ways: ESM import and CommonJS require', async () => {
  const esm = await import('rudderanalytics');
  const cjs = require('rudderanalytics');
  for (const mod of [esm, cjs]) {
    assert.equal(typeof mod.RudderAnalytics.load, 'function');
    assert.equal(typeof mod.ValidationError, 'function');
  }
  assert.ok(readdirSync(join(pkgDir, 'dist/cjs')).includes('index.d.ts'));
});

test('context.library.version is the package version', () => {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  assert.deepEqual(LIBRARY, { name: pkg.name, version: pkg.version });
});

test('the public types accept the valid calls and reject the invalid ones at compile time', () => {
  const tsc = require.resolve('typescript/bin/tsc');
  const args = [
    tsc,
    '--noEmit',
    '--strict',
    '--module',
    'NodeNext',
    '--moduleResolution',
    'NodeNext',
    '--target',
    'ES2022',
    '--skipLibCheck',
    join(pkgDir, 'test/types/api.ts'),
  ];
  try {
    execFileSync(process.execPath, args, { encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    assert.fail(`tsc reported:\n${(error as { stdout?: string }).stdout}`);
  }
});
