/**
 * Installs the workspace's packages from their packed tarballs into a scratch project, as a user
 * installs them, with no registry and no npm cache. `npm ci` fills the cache with tarballs but not
 * with the registry documents an `npm install` of a tarball needs to resolve its dependencies, so an
 * offline install that leans on the cache works only where the cache was filled some other way.
 * Instead, every third-party package the tarballs depend on is packed too, from the copy `npm ci`
 * installed in the workspace's node_modules, and handed to the same `npm install`: npm finds each
 * dependency among the tarballs it was given and asks nothing of a registry. The install runs on an
 * empty cache of its own, so it behaves the same on a fresh machine and on a developer's.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './subprocess.js';

const run = promisify(execFile);

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

function manifestOf(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** Where Node would find package `name` from `dir`: the nearest node_modules up to the workspace root. */
function installedDir(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === resolve(ROOT) || dir === dirname(dir)) return undefined;
  }
}

/** The names a package needs installed beside it: dependencies and required peers (optional ones only when present). */
function needs(manifest: Manifest): Array<{ name: string; optional: boolean }> {
  const required = Object.keys({ ...manifest.dependencies });
  const peers = Object.keys({ ...manifest.peerDependencies }).filter((name) => !manifest.peerDependenciesMeta?.[name]?.optional);
  const optional = Object.keys({ ...manifest.optionalDependencies });
  return [
    ...required.map((name) => ({ name, optional: false })),
    ...peers.map((name) => ({ name, optional: false })),
    ...optional.map((name) => ({ name, optional: true })),
  ];
}

/**
 * The third-party packages (directories in the workspace's node_modules) that `packages` need, all the
 * way down. One version per name: a flat list of tarballs cannot hold two, so that is an error to fix here.
 */
export function thirdPartyClosure(packages: readonly string[]): string[] {
  const workspace = new Map(packages.map((dir) => [manifestOf(dir).name, dir]));
  const found = new Map<string, { dir: string; version: string }>();
  const pending = [...workspace.values()];
  while (pending.length > 0) {
    const from = pending.pop()!;
    for (const { name, optional } of needs(manifestOf(from))) {
      if (workspace.has(name)) continue;
      const dir = installedDir(name, from);
      if (!dir) {
        if (optional) continue;
        throw new Error(`${name} (needed by ${manifestOf(from).name}) is not in the workspace's node_modules: run \`npm ci\``);
      }
      const { version } = manifestOf(dir);
      const known = found.get(name);
      if (known) {
        if (known.version !== version)
          throw new Error(`${name} is needed at two versions (${known.version}, ${version}): one install cannot hold both`);
        continue;
      }
      found.set(name, { dir, version });
      pending.push(dir);
    }
  }
  return [...found.values()].map((p) => p.dir).sort();
}

/** `npm pack` of each directory into `destination`; the tarballs' paths, in order. */
async function pack(dirs: readonly string[], destination: string): Promise<string[]> {
  if (dirs.length === 0) return [];
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination, ...dirs], {
    cwd: destination,
    maxBuffer: 16 << 20,
  });
  return (JSON.parse(stdout) as Array<{ filename: string }>).map((p) => join(destination, p.filename));
}

/**
 * Packs the workspace `packages` (directories) and what they depend on into `destination`, then installs
 * them into the project at `scratch` with `--offline` on an empty cache. Returns the workspace tarballs.
 */
export async function installPacked(packages: readonly string[], destination: string, scratch: string): Promise<string[]> {
  // The workspace packages in one npm run, each packed as its workspace, as `npm publish --workspace` would.
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', destination, ...packages.flatMap((dir) => ['--workspace', dir])], {
    cwd: ROOT,
    maxBuffer: 16 << 20,
  });
  const own = (JSON.parse(stdout) as Array<{ filename: string }>).map((p) => join(destination, p.filename));
  if (own.length !== packages.length) throw new Error(`npm pack wrote ${own.length} tarballs for ${packages.length} packages`);
  const thirdParty = await pack(thirdPartyClosure(packages), destination);
  await installOffline([...own, ...thirdParty], scratch);
  return own;
}

/** `npm install --offline` of `tarballs` into the project at `scratch`, on an empty npm cache of its own. */
export async function installOffline(tarballs: readonly string[], scratch: string): Promise<void> {
  const cache = mkdtempSync(join(scratch, '..', 'empty-npm-cache-'));
  try {
    await run('npm', ['install', '--offline', '--cache', cache, '--no-audit', '--no-fund', '--no-package-lock', '--no-save', ...tarballs], {
      cwd: scratch,
      maxBuffer: 16 << 20,
    });
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}
