import { readFileSync } from 'node:fs';

/**
 * A process's resident memory in bytes, from /proc (Linux); undefined where there is no /proc or the
 * process has gone. ArrayBuffer backing stores (typed arrays, WebAssembly memories) live outside
 * V8's heap, so the heap limit does not bound them; what they hold shows here once it is written.
 */
export function residentBytes(pid: number): number | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}
