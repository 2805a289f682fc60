// `rudder dev --tracking-plan`: the banner says which plan file and which settings are in use, a
// setting the hosted data plane would ignore (a misspelled key, an unknown value or scope) is warned
// about as `rudder plan` does, and a settings file without a plan is refused in the flags' own names.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { rudder, rudderProcess, start, stopAfter, waitForOutput } from './support/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'rudder-dev-plan-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, doc: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(doc));
  return path;
};

const events = [{ eventType: 'track', name: 'Signed Up', rules: { type: 'object' } }];
const misspelt = {
  global: { anyOtherViolaton: 'drop', unplannedProperties: 'dorp', allowUnplannedEvents: 'false' },
  Track: { anyOtherViolation: 'drop' },
};
const WARNINGS = [
  "global.anyOtherViolaton: unknown setting (ignored, as the hosted data plane does); did you mean 'anyOtherViolation'?",
  "Track: unknown scope (ignored, as the hosted data plane does); did you mean 'track'?",
  'global.unplannedProperties: unknown value \'dorp\' (ignored, as the hosted data plane does); expected "forward" or "drop"',
];

test('rudder dev: the banner names the plan file and the settings in use, and warns about keys and values the server would ignore', async (t) => {
  const plan = write('checkout-plan.json', { events });
  const config = write('settings.json', misspelt);
  const dev = stopAfter(t, start(['dev', '--port', '0', '--db', ':memory:', '--tracking-plan', plan, '--tracking-plan-config', config]));
  const banner = await waitForOutput(dev, /Press Ctrl-C to stop/);
  // Neither id nor name: the plan is shown by its file, not as "local".
  assert.ok(banner.includes(`  tracking plan: checkout-plan.json v1 (${plan})\n`), banner);
  assert.doesNotMatch(banner, /tracking plan: local/);
  assert.ok(
    banner.includes(
      `  tracking-plan settings: global allowUnplannedEvents=false, unplannedProperties=dorp, anyOtherViolation=forward, propagateValidationErrors=true (${config})\n`,
    ),
    banner,
  );
  dev.kill('SIGTERM');
  const run = await dev.result;
  assert.equal(run.code, 0, run.stderr);
  for (const w of WARNINGS) assert.ok(run.stderr.includes(`  warning: --tracking-plan-config ${w}\n`), run.stderr);
});

test('rudder dev: a plan with an id or a name is shown by them, with its file; without settings the banner says so', async (t) => {
  const plan = write('plan-with-id.json', { id: 'tp_42', version: 3, name: 'Checkout', events });
  const dev = stopAfter(t, start(['dev', '--port', '0', '--db', ':memory:', '--tracking-plan', plan]));
  const banner = await waitForOutput(dev, /Press Ctrl-C to stop/);
  assert.ok(banner.includes(`  tracking plan: tp_42 "Checkout" v3 (${plan})\n`), banner);
  assert.ok(banner.includes('  tracking-plan settings: none given: every violation reported, nothing dropped\n'), banner);
  dev.kill('SIGTERM');
  const run = await dev.result;
  assert.equal(run.code, 0);
  assert.doesNotMatch(run.stderr, /warning/);

  const named = write('named-plan.json', { name: 'Checkout', events });
  const dev2 = stopAfter(t, start(['dev', '--port', '0', '--db', ':memory:', '--tracking-plan', named]));
  assert.ok((await waitForOutput(dev2, /Press Ctrl-C to stop/)).includes(`  tracking plan: "Checkout" v1 (${named})\n`));
  dev2.kill('SIGTERM');
  assert.equal((await dev2.result).code, 0);
});

test('rudder plan warns about the same keys, values and scopes as rudder dev', async () => {
  const run = await rudder(['plan', 'validate', '--plan', write('p.json', { events }), '--config', write('c.json', misspelt), '-'], {
    stdin: `${JSON.stringify({ type: 'track', event: 'Signed Up', userId: 'u1' })}\n`,
  });
  assert.equal(run.code, 0, run.stderr);
  for (const w of WARNINGS) assert.ok(run.stderr.includes(`warning: --config ${w}\n`), run.stderr);
});

test('rudder dev: --tracking-plan-config without --tracking-plan is a usage error named by the flags', async () => {
  const run = await rudderProcess(['dev', '--port', '0', '--db', ':memory:', '--tracking-plan-config', write('alone.json', { global: {} })]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--tracking-plan-config needs --tracking-plan/);
  assert.doesNotMatch(run.stderr, /trackingPlan/);
});
