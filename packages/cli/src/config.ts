/**
 * Where events go: flags first, then RUDDER_WRITE_KEY / RUDDER_DATA_PLANE_URL, then the local data
 * plane's defaults, so every command works against `rudder dev` with no setup at all.
 */
import { str, type Values } from './args.js';
import { addSecret } from './output.js';

/** `rudder dev`'s address when started without flags (the data plane listens on 127.0.0.1:8080 by default). */
export const LOCAL_DATA_PLANE_URL = 'http://127.0.0.1:8080';

export interface Target {
  writeKey: string;
  dataPlaneUrl: string;
  /** Where the write key came from, for messages ("the local dev key", "RUDDER_WRITE_KEY"). */
  keySource: 'flag' | 'env' | 'local dev key';
}

export function resolveDataPlaneUrl(values: Values, env: NodeJS.ProcessEnv = process.env): string {
  return (str(values, 'data-plane-url') || env.RUDDER_DATA_PLANE_URL || LOCAL_DATA_PLANE_URL).trim();
}

export async function resolveTarget(values: Values, env: NodeJS.ProcessEnv = process.env): Promise<Target> {
  const dataPlaneUrl = resolveDataPlaneUrl(values, env);
  const flag = str(values, 'write-key');
  if (flag) {
    addSecret(flag);
    return { writeKey: flag, dataPlaneUrl, keySource: 'flag' };
  }
  if (env.RUDDER_WRITE_KEY) {
    addSecret(env.RUDDER_WRITE_KEY);
    return { writeKey: env.RUDDER_WRITE_KEY, dataPlaneUrl, keySource: 'env' };
  }
  // Loaded only when needed: the data plane package brings SQLite along, which calls do not need.
  const { DEV_WRITE_KEY } = await import('@rudderanalytics/dataplane');
  return { writeKey: DEV_WRITE_KEY, dataPlaneUrl, keySource: 'local dev key' };
}

/**
 * Registers every write key the command line or the environment could carry before anything is
 * parsed, so even a usage error that echoes an argument cannot print one.
 */
export function registerSecretsFromArgv(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  addSecret(env.RUDDER_WRITE_KEY);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--write-key') addSecret(argv[i + 1]);
    else if (arg.startsWith('--write-key=')) addSecret(arg.slice('--write-key='.length));
  }
}
