// What the report records about a run besides its figures: the machine, the versions measured, the
// commit and build of the SDK under test.
import { execSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The installed versions of ours and the peers, read from `root`'s node_modules ('?' when missing). */
export function versions(root) {
  const peerVersion = (name) => {
    try {
      return JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      return '?';
    }
  };
  return {
    ours: peerVersion('rudderanalytics'),
    'rudder-node': peerVersion('@rudderstack/rudder-sdk-node'),
    segment: peerVersion('@segment/analytics-node'),
    posthog: peerVersion('posthog-node'),
  };
}

/** Newest modification time among the SDK's built files: a rebuild during a run shows as a change. */
export function distStamp(root) {
  try {
    const dir = path.join(root, 'packages', 'rudderanalytics', 'dist', 'esm');
    const newest = Math.max(...readdirSync(dir).map((f) => statSync(path.join(dir, f)).mtimeMs));
    return new Date(newest).toISOString();
  } catch {
    return '?';
  }
}

/** The commit the SDK under test was built from, and whether its sources had local changes. */
export function gitSdk(root) {
  try {
    const head = execSync('git log -1 --format=%h -- packages/rudderanalytics', { cwd: root }).toString().trim();
    const dirty = execSync('git status --porcelain -- packages/rudderanalytics/src', { cwd: root }).toString().trim() !== '';
    return `${head}${dirty ? ' + uncommitted changes in packages/rudderanalytics/src' : ''}`;
  } catch {
    return '?';
  }
}

export function machine() {
  let cpu = '?';
  try {
    cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)[1];
  } catch {
    // not Linux: the table says '?'
  }
  let nproc = os.availableParallelism?.() ?? os.cpus().length;
  try {
    nproc = Number(execSync('nproc').toString().trim());
  } catch {
    // no nproc: Node's count stands
  }
  return { nproc, cpu, node: process.version, os: `${os.type()} ${os.release()}`, memGB: +(os.totalmem() / 2 ** 30).toFixed(1) };
}
