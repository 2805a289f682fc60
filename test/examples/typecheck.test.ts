/** The examples are TypeScript a user copies: they must compile under strict settings against the published types. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { ROOT } from './support/example-process.js';

test('every example type-checks (strict) against the packages it uses', { timeout: 180_000 }, async () => {
  await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'examples')], { cwd: ROOT }).catch(
    (error: { stdout: string; stderr: string }) => assert.fail(`tsc -p examples failed:\n${error.stdout}${error.stderr}`),
  );
});
