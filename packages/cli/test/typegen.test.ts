// `rudder typegen`: writes the client the tracking-plan package generates, --out-dir, --check for CI
// (0 when fresh, 1 when stale or missing), usage errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { generateClient, loadPlan } from '@rudderanalytics/tracking-plan';
import { BIN, rudder } from './support/helpers.js';

const EXAMPLE_PLAN = new URL('../../../examples/typed-plan/plan.json', import.meta.url).pathname;
const EXAMPLE_CLIENT = new URL('../../../examples/typed-plan/src/analytics.ts', import.meta.url).pathname;

let dir: string;
let plan: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rudder-typegen-test-'));
  plan = join(dir, 'plan.json');
  copyFileSync(EXAMPLE_PLAN, plan);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const doc = () => JSON.parse(readFileSync(plan, 'utf8'));

test('--out writes what generateClient gives; --out-dir writes DIR/analytics.ts', async () => {
  const out = join(dir, 'src', 'analytics.ts');
  const run = await rudder(['typegen', '--plan', plan, '--out', out]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(readFileSync(out, 'utf8'), generateClient(loadPlan(doc())));
  const run2 = await rudder(['typegen', '--plan', plan, '--out-dir', join(dir, 'gen')]);
  assert.equal(run2.code, 0, run2.stderr);
  assert.equal(readFileSync(join(dir, 'gen', 'analytics.ts'), 'utf8'), readFileSync(out, 'utf8'));
});

test('--no-validate and --config change the output', async () => {
  const plain = join(dir, 'plain.ts');
  assert.equal((await rudder(['typegen', '--plan', plan, '--out', plain, '--no-validate'])).code, 0);
  assert.equal(readFileSync(plain, 'utf8'), generateClient(loadPlan(doc()), { validate: false }));
  const config = join(dir, 'config.json');
  const settings = { global: { allowUnplannedEvents: 'false', unplannedProperties: 'drop' } };
  writeFileSync(config, JSON.stringify(settings));
  const configured = join(dir, 'configured.ts');
  assert.equal((await rudder(['typegen', '--plan', plan, '--out', configured, '--config', config])).code, 0);
  assert.equal(readFileSync(configured, 'utf8'), generateClient(loadPlan(doc()), { config: settings }));
});

test('--check: 0 when fresh, 1 when the plan changed or the file is missing; it writes nothing', async () => {
  const out = join(dir, 'checked.ts');
  assert.equal((await rudder(['typegen', '--plan', plan, '--out', out])).code, 0);
  const fresh = await rudder(['typegen', '--plan', plan, '--out', out, '--check']);
  assert.equal(fresh.code, 0, fresh.stderr);
  assert.match(fresh.stdout, /up to date with plan tp_shop version 2/);

  const changed = join(dir, 'plan-v3.json');
  writeFileSync(changed, JSON.stringify({ ...doc(), version: 3 }));
  const stale = await rudder(['typegen', '--plan', changed, '--out', out, '--check']);
  assert.equal(stale.code, 1);
  assert.match(stale.stderr, /checked\.ts is stale/);
  assert.equal(readFileSync(out, 'utf8'), generateClient(loadPlan(doc())), '--check does not rewrite the file');

  const missing = await rudder(['typegen', '--plan', plan, '--out', join(dir, 'none.ts'), '--check']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /none\.ts is missing/);
  assert.equal(existsSync(join(dir, 'none.ts')), false);
});

test('--check: the command it prints reproduces every flag that shapes the file, and following it makes the check pass', async () => {
  // A directory with a space and a quote: the printed command must survive the shell.
  const where = join(dir, "it's here");
  mkdirSync(where);
  const config = join(where, 'settings.json');
  writeFileSync(config, JSON.stringify({ global: { allowUnplannedEvents: 'false' } }));
  const check = ['typegen', '--plan', plan, '--out-dir', where, '--config', config, '--no-validate', '--check'];
  // Written without --config and with validators: stale for the check above.
  assert.equal((await rudder(['typegen', '--plan', plan, '--out-dir', where])).code, 0);
  const stale = await rudder(check);
  assert.equal(stale.code, 1);
  const hint = stale.stderr.match(/is stale: run (rudder typegen .*)\n/)?.[1];
  assert.ok(hint, stale.stderr);
  assert.doesNotMatch(hint, /--check/);
  // Run it as a user would paste it, with `rudder` on PATH.
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'rudder'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
  const followed = spawnSync('sh', ['-c', hint], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
  assert.equal(followed.status, 0, followed.stderr);
  const fresh = await rudder(check);
  assert.equal(fresh.code, 0, fresh.stderr);
});

test('the example client committed in the repository is fresh', async () => {
  const run = await rudder(['typegen', '--plan', EXAMPLE_PLAN, '--out', EXAMPLE_CLIENT, '--check']);
  assert.equal(run.code, 0, run.stderr);
});

test('usage errors exit 2', async () => {
  assert.equal((await rudder(['typegen', '--out', join(dir, 'x.ts')])).code, 2);
  assert.equal((await rudder(['typegen', '--plan', plan])).code, 2);
  assert.equal((await rudder(['typegen', '--plan', plan, '--out', 'a.ts', '--out-dir', dir])).code, 2);
  const bad = await rudder(['typegen', '--plan', join(dir, 'nope.json'), '--out', join(dir, 'x.ts')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /nope\.json: no such file/);
});
