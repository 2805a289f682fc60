/**
 * Where events go: flags first, then RUDDER_WRITE_KEY / RUDDER_DATA_PLANE_URL, then the local data
 * plane's defaults, so every command works against `rudder dev` with no setup at all. Reads of stored
 * events take a read token the same way (`--read-token`, then RUDDER_READ_TOKEN).
 */
import { str, type Values } from './args.js';
import { currentRun } from './io.js';
import { addSecret } from './output.js';

/** `rudder dev`'s address when started without flags (the data plane listens on 127.0.0.1:8080 by default). */
export const LOCAL_DATA_PLANE_URL = 'http://127.0.0.1:8080';

export interface Target {
  writeKey: string;
  dataPlaneUrl: string;
  /** Where the write key came from, for messages ("the local dev key", "RUDDER_WRITE_KEY"). */
  keySource: 'flag' | 'env' | 'local dev key';
}

export function resolveDataPlaneUrl(values: Values, env: NodeJS.ProcessEnv = currentRun().env): string {
  return (str(values, 'data-plane-url') || env.RUDDER_DATA_PLANE_URL || LOCAL_DATA_PLANE_URL).trim();
}

export async function resolveTarget(values: Values, env: NodeJS.ProcessEnv = currentRun().env): Promise<Target> {
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
 * The token a data plane bound beyond loopback asks for on its read side (`/api/*`): `--read-token`,
 * else RUDDER_READ_TOKEN; undefined when neither is set (a loopback data plane needs none).
 */
export function resolveReadToken(values: Values, env: NodeJS.ProcessEnv = currentRun().env): string | undefined {
  const token = str(values, 'read-token') || env.RUDDER_READ_TOKEN || undefined;
  addSecret(token);
  return token;
}

/** The headers of a read (`/api/*`) request: the token goes as `Authorization: Bearer`, the form the read guard checks first. */
export function readHeaders(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

/** What to tell a user whose read was refused for want of a token (HTTP 401 from the read guard). */
export const READ_TOKEN_HINT = 'hint: pass --read-token (or set RUDDER_READ_TOKEN) to the token the data plane printed at startup';

/** Flags whose value is a secret: never printed, even when a usage error echoes an argument. */
const SECRET_FLAGS = ['--write-key', '--read-token'];

/**
 * Registers every write key and read token the command line or the environment could carry before
 * anything is parsed, so even a usage error that echoes an argument cannot print one.
 */
export function registerSecretsFromArgv(argv: readonly string[], env: NodeJS.ProcessEnv = currentRun().env): void {
  addSecret(env.RUDDER_WRITE_KEY);
  addSecret(env.RUDDER_READ_TOKEN);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    for (const flag of SECRET_FLAGS) {
      if (arg === flag) addSecret(argv[i + 1]);
      else if (arg.startsWith(`${flag}=`)) addSecret(arg.slice(flag.length + 1));
    }
  }
}
