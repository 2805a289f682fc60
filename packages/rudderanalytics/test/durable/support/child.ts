/** Runs producer.ts as a real child process and lets a test await the lines it prints. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PRODUCER = fileURLToPath(new URL('./producer.ts', import.meta.url));

export interface Child {
  process: ChildProcess;
  lines: string[];
  /** Resolves with the first line (already printed or to come) that matches. Rejects if the child exits first. */
  waitFor(match: (line: string) => boolean, what: string): Promise<string>;
  exited: Promise<number | null>;
  stderr(): string;
}

export function startProducer(config: Record<string, unknown>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', PRODUCER, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let err = '';
  const waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  let buffer = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    let at: number;
    while ((at = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      lines.push(line);
      for (const w of waiters.filter((w) => w.match(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    process: child,
    lines,
    exited,
    stderr: () => err,
    waitFor: (match, what) => {
      const seen = lines.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<string>((resolve, reject) => {
        waiters.push({ match, resolve });
        void exited.then((code) => reject(new Error(`the child exited (${code}) before "${what}"; stderr:\n${err}`)));
      });
    },
  };
}
