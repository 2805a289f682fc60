// The linter and the formatter, run by the test command so neither can drift: ESLint's type-aware
// rules (floating and misused promises above all) and Prettier's check, both over the whole workspace
// with the one config at the root. `npm run format` fixes what the formatter (and eslint --fix) can.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function run(bin: string, args: string[]) {
  // Type-aware linting loads the whole program: minutes on a busy machine, so a generous deadline.
  return spawnSync(process.execPath, [fileURLToPath(new URL(`../node_modules/${bin}`, import.meta.url)), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
}

test('eslint finds nothing (type-aware promise rules included)', () => {
  const result = run('eslint/bin/eslint.js', ['.', '--max-warnings', '0']);
  assert.equal(result.status, 0, `eslint failed (run \`npx eslint .\`):\n${result.stdout}${result.stderr}`);
});

test('prettier finds every file formatted', () => {
  const result = run('prettier/bin/prettier.cjs', ['--check', '.']);
  assert.equal(result.status, 0, `prettier --check failed (run \`npm run format\`):\n${result.stdout}${result.stderr}`);
});
