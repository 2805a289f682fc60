// The import-circle check (`scripts/import-cycles.mjs`, also run by `npm run lint`): the workspace has no
// circle between source files, and the check itself finds one, type-only imports included. ESLint and
// Prettier are `npm run lint`'s job, not the test command's (see the README's test table).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

const cycles = (...dirs: string[]) =>
  spawnSync(process.execPath, [fileURLToPath(new URL('../scripts/import-cycles.mjs', import.meta.url)), ...dirs], {
    cwd: root,
    encoding: 'utf8',
  });

test('no two source files import each other, directly or around a circle (types included)', () => {
  const result = cycles();
  assert.equal(result.status, 0, `import circles (run \`node scripts/import-cycles.mjs\`):\n${result.stdout}${result.stderr}`);
});

test('the circle check fails on a circle, type-only imports included, and names its files', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-cycles-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'a.ts'), "import { b } from './b.js';\nexport const a = () => b;\n");
  writeFileSync(join(dir, 'b.ts'), "import type { C } from './c.js';\nexport const b: C = 1;\n");
  writeFileSync(join(dir, 'c.ts'), "import type { a } from './a.js';\nexport type C = ReturnType<typeof a> extends never ? never : number;\n");
  writeFileSync(join(dir, 'd.ts'), "import { b } from './b.js';\nexport const d = b;\n");
  const found = cycles(dir);
  assert.equal(found.status, 1);
  assert.match(found.stderr, /1 circle\(s\)/);
  assert.match(found.stderr, /a\.ts <-> .*b\.ts <-> .*c\.ts/);
  assert.doesNotMatch(found.stderr, /d\.ts/);
  // Cut the circle: the same files pass.
  writeFileSync(join(dir, 'c.ts'), 'export type C = number;\n');
  assert.equal(cycles(dir).status, 0);
});
