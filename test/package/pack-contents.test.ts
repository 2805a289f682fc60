/**
 * What `npm pack` puts in each package's tarball: only what a user needs. The manifest, the README, the
 * CLI's bin, and the build output (JavaScript, type declarations, the module-type markers); no sources,
 * tests, benchmarks, scripts, source maps or build info. Every source module is in it, compiled and typed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Each package, and where its compiled modules go (the SDK is built twice: ESM and CommonJS). */
const PACKAGES = [
  { dir: 'packages/rudderanalytics', outDirs: ['dist/esm', 'dist/cjs'], extra: ['dist/esm/package.json', 'dist/cjs/package.json'] },
  { dir: 'packages/tracking-plan', outDirs: ['dist'], extra: [] },
  { dir: 'packages/dataplane', outDirs: ['dist'], extra: [] },
  { dir: 'packages/cli', outDirs: ['dist'], extra: ['bin/rudder.js'] },
] as const;

function sourceModules(srcDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(relative(srcDir, full).replace(/\.ts$/, ''));
    }
  };
  walk(srcDir);
  return out;
}

/** What `npm pack` would put in each package's tarball, by package folder: one npm run for all of them. */
async function packedFiles(): Promise<Map<string, string[]>> {
  const { stdout } = await promisify(execFile)(
    'npm',
    ['pack', '--dry-run', '--json', '--ignore-scripts', ...PACKAGES.flatMap((p) => ['--workspace', p.dir])],
    { cwd: ROOT, maxBuffer: 8 << 20 },
  );
  const byName = new Map((JSON.parse(stdout) as Array<{ name: string; files: Array<{ path: string }> }>).map((t) => [t.name, t.files]));
  return new Map(
    PACKAGES.map((pkg) => {
      const { name } = JSON.parse(readFileSync(join(ROOT, pkg.dir, 'package.json'), 'utf8')) as { name: string };
      return [pkg.dir, (byName.get(name) ?? []).map((f) => f.path).sort()];
    }),
  );
}

describe('npm pack contents', () => {
  let packed: Map<string, string[]>;
  before(async () => {
    packed = await packedFiles();
  });
  for (const pkg of PACKAGES) {
    test(pkg.dir, () => {
      const files = packed.get(pkg.dir)!;
      const expected = new Set<string>(['package.json', 'README.md', ...pkg.extra]);
      for (const mod of sourceModules(join(ROOT, pkg.dir, 'src'))) {
        for (const outDir of pkg.outDirs) {
          expected.add(`${outDir}/${mod}.js`);
          expected.add(`${outDir}/${mod}.d.ts`);
        }
      }
      assert.deepEqual(
        files.filter((f) => !expected.has(f)),
        [],
        'files a user does not need (a stale build output? run `rm -rf dist && npm run build`)',
      );
      assert.deepEqual(
        [...expected].filter((f) => !files.includes(f)),
        [],
        'files missing from the tarball',
      );
      const manifest = JSON.parse(readFileSync(join(ROOT, pkg.dir, 'package.json'), 'utf8')) as { files: string[] };
      assert.ok(
        manifest.files.every((f) => ['dist', 'bin', 'README.md'].includes(f)),
        `files: ${manifest.files.join(', ')}`,
      );
    });
  }
});
