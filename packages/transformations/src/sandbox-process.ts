// The sandbox process that runs transformations. Each call gets a fresh V8 context (its own global,
// only JavaScript's built-ins plus the hosted helpers), as the hosted service builds a fresh isolate
// per call; the process's heap limit and the runner's watchdog bound what a call can take.
import { Socket } from 'node:net';
import vm from 'node:vm';
import {
  ASYNC_TIMEOUT,
  libraryFileName,
  moduleNotFound,
  notExactlyOneFunction,
  SUPPORTED_FUNC_NAMES,
  SYNC_TIMEOUT,
  type TransformKind,
} from './hosted.js';
import { FrameChannel } from './frames.js';
import { networkHelpers, type Settled } from './network.js';
import type { SandboxJob, SandboxReply, SandboxStarted } from './protocol.js';
import { BOOTSTRAP_SOURCE } from './sandbox-bootstrap.js';
import { CALL_GLOBAL, ENTRY, WRAPPER_SOURCE } from './wrapper.js';

// vm.SourceTextModule (this worker runs with --experimental-vm-modules) gives real ES module
// semantics: import/export exactly as hosted, and stack positions in the user's own lines.
type Module = vm.Module & { namespace: Record<string, unknown> };
const SourceTextModule = (vm as unknown as { SourceTextModule: new (code: string, o: object) => Module }).SourceTextModule;

const bootstrap = new vm.Script(BOOTSTRAP_SOURCE, { filename: 'rudderstack sandbox' });
const invoke = new vm.Script(`globalThis[${JSON.stringify(CALL_GLOBAL)}]()`, { filename: 'rudderstack sandbox' });

class CallError extends Error {}

/** What an error ending the call reads like: the hosted service reports `String(error)`. */
function describe(err: unknown): string {
  if (err instanceof CallError) return `Error: ${err.message}`;
  const code = (err as { code?: string } | null)?.code;
  if (code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return `Error: ${SYNC_TIMEOUT}`;
  if (err !== null && typeof err === 'object' && 'message' in err) {
    const e = err as { name?: unknown; message?: unknown };
    return `${typeof e.name === 'string' ? e.name : 'Error'}: ${String(e.message)}`;
  }
  return `Error: ${String(err)}`;
}

/** What the sandbox's helpers serve during the current call (set per call, read by the bridge). */
interface CallSlot {
  logs: string[];
  credentials: string | undefined;
  net: ReturnType<typeof networkHelpers>;
}

/**
 * The contexts of the last few transformations run (by code), kept for their next calls: creating a V8
 * context costs milliseconds, far more than a call, and a new one runs the bootstrap's code (the
 * wrapper's per-event work) cold again; a data plane with a transformation per destination alternates
 * between a few codes. Each call still gets a fresh instance of the module and its libraries (so module
 * state starts over, as hosted); what a call writes onto the global itself outlives it, which the hosted
 * service (a fresh isolate or a reset context per call) does not do.
 */
const kept = new Map<string, Sandboxed>();
/** How many transformations' contexts are kept (the least recently used is let go past it). */
const KEPT_CONTEXTS = 4;

/** The bootstrap's codec: JSON texts to and from values of the context's realm (see BOOTSTRAP_SOURCE). */
interface Codec {
  decode(lines: string[], sharedMetadata: string | undefined): unknown[];
  encode(values: unknown): unknown;
  arm(entry: unknown, payload: unknown[], kind: string): void;
}

interface Sandboxed {
  key: string;
  context: vm.Context;
  slot: CallSlot;
  codec: Codec;
}

const contextKey = (job: SandboxJob): string => JSON.stringify([job.name, job.code, job.libraries.map((l) => [l.importName, l.code])]);

function contextFor(job: SandboxJob): Sandboxed {
  const key = contextKey(job);
  const found = kept.get(key);
  if (found) {
    kept.delete(key); // re-inserted: the Map's order is the order of use
    kept.set(key, found);
    return found;
  }
  const context = vm.createContext({}, { name: job.name });
  const slot: CallSlot = { logs: [], credentials: undefined, net: networkHelpers({}, false) };
  const bridge = {
    log: (line: string) => void slot.logs.push(String(line)),
    credentials: () => slot.credentials,
    call: async (name: string, argsJson: string): Promise<string> => {
      const args = JSON.parse(argsJson) as unknown[];
      const helper = slot.net[name as keyof CallSlot['net']];
      const settled: Settled = helper ? await helper(args) : { ok: false, value: { message: `${name} is not available` } };
      return JSON.stringify({ ok: settled.ok, value: settled.value === undefined ? undefined : JSON.stringify(settled.value) });
    },
  };
  const codec = (bootstrap.runInContext(context) as (b: typeof bridge) => Codec)(bridge);
  const made = { key, context, slot, codec };
  kept.set(key, made);
  if (kept.size > KEPT_CONTEXTS) kept.delete(kept.keys().next().value as string);
  return made;
}

async function run(job: SandboxJob, lines: string[], logs: string[]): Promise<{ kind: TransformKind; transformed: string[] }> {
  const deadline = Date.now() + job.timeoutMs;
  const remaining = () => Math.max(1, deadline - Date.now());
  const { context, slot, codec } = contextFor(job);
  slot.logs = logs;
  slot.credentials = job.credentials;
  slot.net = networkHelpers(job.fixtures, job.allowNetwork);

  const libraries = new Map<string, Module>();
  for (const lib of job.libraries) {
    libraries.set(lib.importName, new SourceTextModule(lib.code, { identifier: libraryFileName(lib.importName), context }));
  }
  const main = new SourceTextModule(`${job.code}${WRAPPER_SOURCE}`, { identifier: job.name, context });
  await main.link(async (specifier: string) => {
    const found = libraries.get(specifier);
    if (!found) throw new CallError(moduleNotFound(specifier));
    return found;
  });
  // No vm timeout here: each one starts and joins a watchdog thread (≈0.2–0.3 ms of CPU a call), and the
  // module's top-level code is already bounded by the runner's watchdog, which ends a sandbox still busy
  // past the call's limit with the same error (as for a loop after an await, which no vm timeout sees).
  await main.evaluate();

  const ns = main.namespace;
  const found = SUPPORTED_FUNC_NAMES.filter((n) => typeof ns[n] === 'function');
  if (found.length !== 1) throw new CallError(notExactlyOneFunction(found));
  const kind = found[0];

  const entry = ns[ENTRY];
  const payload = codec.decode(lines, job.sharedMetadata);
  codec.arm(entry, payload, kind);
  const settled = invoke.runInContext(context, { timeout: remaining() }) as Promise<unknown>;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CallError(ASYNC_TIMEOUT)), remaining());
  });
  try {
    const transformed = await Promise.race([
      Promise.resolve(settled).catch((err: unknown) => {
        // hosted: the wrapper's rejection reaches the caller as `new Error(error.message)`
        throw new CallError(String((err as { message?: unknown } | null)?.message));
      }),
      late,
    ]);
    return { kind, transformed: encoded(codec, transformed) };
  } finally {
    clearTimeout(timer);
  }
}

/** The wrapper's list as JSON array chunks; a failure to encode it (a cycle) ends the call, as hosted. */
function encoded(codec: Codec, list: unknown): string[] {
  let lines: unknown;
  try {
    lines = codec.encode(list);
  } catch (err) {
    throw new CallError(String((err as { message?: unknown } | null)?.message));
  }
  // The codec was made before any user code ran and returns its own array of strings; checked anyway.
  const texts = lines as string[];
  for (let i = 0; i < texts.length; i += 1) if (typeof texts[i] !== 'string') throw new CallError('result is not JSON');
  return texts;
}

// Frame notices both ways over fd 3, a socket the runner set up, the bodies through the body file at
// fd 4 (see frames.ts); the socket's end (the runner gone) ends this process.
const channel = new Socket({ fd: 3, readable: true, writable: true });
const BODY_FILE = 4;
const reply = (message: SandboxReply, lines: string[] = []) => frames.send(JSON.stringify(message), lines);

const frames = new FrameChannel(channel, BODY_FILE, ({ header, lines }) => {
  const job = JSON.parse(header) as SandboxJob;
  if (job.announceStart) frames.send(JSON.stringify({ id: job.id, started: true } satisfies SandboxStarted), []);
  const logs: string[] = [];
  run(job, lines, logs).then(
    ({ kind, transformed }) => reply({ id: job.id, ok: true, kind, logs }, transformed),
    (err: unknown) => {
      // A call ended by its time budget may have left its context mid-way: the next call starts afresh.
      kept.delete(contextKey(job));
      reply({ id: job.id, ok: false, error: describe(err), logs });
    },
  );
});
channel.on('data', (chunk: Buffer) => frames.push(chunk));
channel.on('end', () => process.exit(0));
channel.on('error', () => process.exit(0));
