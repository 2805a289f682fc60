/**
 * Issue 16: `npm ci` on a fresh clone compiles nothing, on any Node line. The lock file must not hold
 * better-sqlite3 (the data plane's Node 20 fallback, an optional peer installed only there), and no
 * package the lock file installed here may carry node-gyp output: each one with an install script
 * must have found a prebuilt binary.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { hasInstallScript?: boolean; dev?: boolean; optional?: boolean; peer?: boolean }>;
};

test('the lock file does not install better-sqlite3; the data plane names it as an optional peer only', () => {
  const entries = Object.keys(lock.packages).filter((p) => p === 'node_modules/better-sqlite3' || p.endsWith('/node_modules/better-sqlite3'));
  assert.deepEqual(entries, []);
  const manifest = JSON.parse(readFileSync(join(root, 'packages/dataplane/package.json'), 'utf8'));
  assert.equal(manifest.dependencies?.['better-sqlite3'], undefined);
  assert.equal(manifest.optionalDependencies?.['better-sqlite3'], undefined);
  assert.ok(manifest.peerDependencies['better-sqlite3']);
  assert.equal(manifest.peerDependenciesMeta['better-sqlite3'].optional, true);
});

test(`no package installed from the lock file was compiled (npm ci ran node-gyp for none; checked on Node ${process.versions.node})`, () => {
  const withScripts = Object.entries(lock.packages)
    .filter(([path, p]) => p.hasInstallScript && path.startsWith('node_modules/') && existsSync(join(root, path)))
    .map(([path]) => path);
  assert.ok(withScripts.length > 0, 'no installed package with an install script: is the workspace installed?');
  // node-gyp writes its addon under build/Release (or build/Debug); a prebuilt one comes in the package.
  const compiled = withScripts.filter((path) =>
    ['Release', 'Debug'].some((kind) => {
      const out = join(root, path, 'build', kind);
      return existsSync(out) && readdirSync(out, { recursive: true }).some((f) => String(f).endsWith('.node'));
    }),
  );
  assert.deepEqual(compiled, []);
});
