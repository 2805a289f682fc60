/**
 * A quiet `npm ci`: every installed dependency with an install script is covered by the root
 * `allowScripts` (npm 11 warns about the others), and the README says why each entry may or may not run.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

test('no installed dependency has an install script that allowScripts does not cover', async () => {
  const { stdout } = await promisify(execFile)('npm', ['install-scripts', 'ls'], { cwd: ROOT });
  assert.match(stdout, /^No packages with unreviewed install scripts\.$/m, stdout);
});

test('the README gives the reason for every allowScripts entry', () => {
  const { allowScripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { allowScripts: Record<string, boolean> };
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const [name, allowed] of Object.entries(allowScripts)) {
    const row = readme.split('\n').find((line) => line.startsWith('|') && line.includes(`\`${name}\``));
    assert.ok(row, `README.md has no row for ${name}`);
    assert.match(row, allowed ? /\| allowed \|/ : /\| denied \|/, `${name} is ${allowed ? 'allowed' : 'denied'} in package.json`);
  }
});
