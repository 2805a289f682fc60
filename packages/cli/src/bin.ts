#!/usr/bin/env node
import { main } from './main.js';
import { stderr } from './output.js';

// Exit explicitly once the command is done: idle keep-alive sockets must not hold the shell for seconds.
const exit = (code: number) => process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));

main(process.argv.slice(2)).then(exit, (error: unknown) => {
  stderr.write(`error: ${(error as Error)?.message ?? String(error)}\n`);
  exit(1);
});
