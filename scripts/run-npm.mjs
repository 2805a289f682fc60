// npm as a child process that a script can await beside other work (the build beside a native compile).
import { spawn } from 'node:child_process';

/** Runs `npm …args` with the terminal as its output; resolves when it exits 0, rejects naming the command otherwise. */
export function runNpm(args, { cwd, env = process.env }) {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { cwd, env, stdio: 'inherit' });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`npm ${args.join(' ')} exited with ${code}`))));
  });
}
