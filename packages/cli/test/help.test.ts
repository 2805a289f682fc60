// `rudder --help` lists every command the CLI runs, and every plan subcommand, as the command tables
// hold them: a command added to a table and not to the help fails here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CALL_TYPES } from '../src/commands/call.js';
import { PLAN_HELP, PLAN_SUBCOMMANDS } from '../src/commands/plan.js';
import { COMMANDS } from '../src/main.js';
import { rudderProcess } from './support/helpers.js';

/** The first word of each line in the help's "Commands:" section, and the word after it. */
function listed(help: string): Map<string, string> {
  const section = help.split('\nCommands:\n')[1]?.split('\n\n')[0];
  assert.ok(section, help);
  const out = new Map<string, string>();
  for (const line of section.split('\n')) {
    const [first, second] = line.trim().split(/\s+/);
    // Continuation lines of a description are indented to its column, past the command's.
    if (!line.startsWith('  ') || line.startsWith('   ')) continue;
    for (const name of first.split('|')) out.set(name, second ?? '');
  }
  return out;
}

test('rudder --help lists every command of the command table, and nothing else', async () => {
  const run = await rudderProcess(['--help']);
  assert.equal(run.code, 0);
  const names = listed(run.stdout);
  assert.deepEqual([...names.keys()].sort(), [...CALL_TYPES, ...Object.keys(COMMANDS)].sort());
});

test('rudder --help and rudder plan --help name every plan subcommand, compile included', async () => {
  const subcommands = Object.keys(PLAN_SUBCOMMANDS).sort();
  assert.ok(subcommands.includes('compile'));
  const main = await rudderProcess(['--help']);
  assert.deepEqual(listed(main.stdout).get('plan')!.split('|').sort(), subcommands);
  const plan = await rudderProcess(['plan', '--help']);
  assert.equal(plan.stdout, PLAN_HELP);
  assert.deepEqual(/<([a-z|]+)>/.exec(PLAN_HELP)![1].split('|').sort(), subcommands);
  for (const sub of subcommands) assert.match(PLAN_HELP, new RegExp(`^  ${sub} `, 'm'), `rudder plan --help describes ${sub}`);
});
