/**
 * Issue 8, packaging: the package a user installs. `npm pack`, install the tarball into a scratch
 * project (offline: the SDK has no runtime dependencies), then use it the ways users do: ESM import,
 * CommonJS require, and TypeScript against the published types under both `bundler` and `nodenext`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { installOffline } from './support/offline-install.js';
import { ROOT, requireBuild, runJson } from './support/subprocess.js';

const run = promisify(execFile);
const PACKAGE_DIR = join(ROOT, 'packages/rudderanalytics');
const FIXTURES = join(ROOT, 'test/runtimes/fixtures/pack');
const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8'));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let dir: string;
let scratch: string;
let packed: { filename: string; files: { path: string }[] };

before(async () => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'rudder-pack-'));
  const { stdout } = await run(NPM, ['pack', '--json', '--pack-destination', dir], { cwd: PACKAGE_DIR });
  [packed] = JSON.parse(stdout);
  scratch = join(dir, 'scratch');
  mkdirSync(scratch);
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', private: true }));
  // Offline, on an empty npm cache: a tarball with no dependencies must install without a registry.
  await installOffline([join(dir, packed.filename)], scratch);
  for (const file of ['esm.mjs', 'cjs.cjs']) copyFileSync(join(FIXTURES, file), join(scratch, file));
  // The optional peer, installed as a user of `rudderanalytics/redis` installs it (linked from the
  // workspace: offline, and its own dependencies resolve from there), so that entry point is loaded for real.
  symlinkSync(join(ROOT, 'node_modules/ioredis'), join(scratch, 'node_modules/ioredis'), 'dir');
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  test('holds the built ESM and CJS output and nothing of the sources or tests', () => {
    const files = packed.files.map((f) => f.path);
    for (const needed of [
      'package.json',
      'dist/esm/index.js',
      'dist/esm/index.d.ts',
      'dist/esm/package.json',
      'dist/cjs/index.js',
      'dist/cjs/index.d.ts',
      'dist/cjs/package.json',
    ]) {
      assert.ok(files.includes(needed), `the tarball lacks ${needed}`);
    }
    const stray = files.filter((f) => f.startsWith('src/') || f.startsWith('test/') || f.includes('.test.') || f.startsWith('scripts/'));
    assert.deepEqual(stray, []);
  });

  test('every path the exports map names is in the tarball', () => {
    const files = new Set(packed.files.map((f) => f.path));
    const targets: string[] = [];
    const walk = (node: unknown) => {
      if (typeof node === 'string') targets.push(node.replace(/^\.\//, ''));
      else if (node && typeof node === 'object') Object.values(node).forEach(walk);
    };
    walk(manifest.exports);
    assert.ok(targets.length > 0);
    assert.deepEqual(
      targets.filter((t) => !files.has(t)),
      [],
      'exports point at files the tarball does not have',
    );
  });

  test('has no runtime dependencies (what makes the offline install possible)', () => {
    assert.deepEqual(manifest.dependencies ?? {}, {});
    assert.ok(existsSync(join(scratch, 'node_modules/rudderanalytics/dist/esm/index.js')));
  });
});

describe('installed into a scratch project', () => {
  for (const [kind, file, entry] of [
    ['ESM import', 'esm.mjs', /dist\/esm\/index\.js$/],
    ['CommonJS require', 'cjs.cjs', /dist\/cjs\/index\.js$/],
  ] as const) {
    test(`${kind}: named exports, error classes, the matching build`, async () => {
      const { json } = await runJson(process.execPath, [file], { cwd: scratch });
      assert.equal(json.load, 'function');
      assert.equal(json.validation, true, 'a bad call throws an instance of ValidationError and RudderError');
      assert.equal(json.validationName, 'ValidationError');
      assert.equal(json.config, true);
      assert.deepEqual(json.library, { name: 'rudderanalytics', version: manifest.version }, 'context.library.version matches package.json');
      assert.equal(json.version, manifest.version);
      assert.match(json.entry, entry, `${kind} resolved ${json.entry}`);
      const subpaths = Object.keys(manifest.exports).filter((k) => k !== '.' && !k.endsWith('.json'));
      assert.deepEqual(Object.keys(json.subpaths).sort(), subpaths.map((k) => `rudderanalytics/${k.slice(2)}`).sort());
      // Every entry point loads, rudderanalytics/redis included (its optional peer is installed above).
      for (const [specifier, result] of Object.entries(json.subpaths)) {
        assert.equal(typeof result, 'number', `${kind} of ${specifier} failed: ${result}`);
        assert.ok((result as number) > 0, `${specifier} exports nothing`);
      }
      assert.ok('rudderanalytics/redis' in json.subpaths, 'the redis entry point was checked');
    });
  }

  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  // Our published declaration files are checked (skipLibCheck off); TypeScript's own lib files need not be.
  const common = { target: 'ES2022', strict: true, noEmit: true, skipLibCheck: false, skipDefaultLibCheck: true, isolatedModules: true };
  for (const [name, compilerOptions, files] of [
    // An edge or bundler project: web types only, no @types/node.
    ['bundler', { ...common, module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM'], types: [] }, ['app.ts']],
    // A Node project: .mts resolves the `import` condition, .cts the `require` one.
    [
      'nodenext',
      {
        ...common,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2022'],
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules/@types')],
      },
      ['app.mts', 'app.cts'],
    ],
  ] as const) {
    test(`TypeScript (moduleResolution ${name}) compiles against the published types`, async () => {
      const project = join(scratch, `ts-${name}`);
      mkdirSync(project);
      for (const file of files) copyFileSync(join(FIXTURES, 'app.ts'), join(project, file));
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }));
      await run(process.execPath, [tsc, '-p', project], { cwd: scratch }).catch((error) => {
        assert.fail(`tsc failed:\n${error.stdout}${error.stderr}`);
      });
    });
  }
});
