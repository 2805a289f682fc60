import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_MS, DEFAULT_TRANSFORMATION_NAME, MEMORY_LIMIT, SYNC_TIMEOUT } from './hosted.js';
import { closeBodyFile, FrameChannel, openBodyFile } from './frames.js';
import { inputChunks, toCallInputs } from './inputs.js';
import { residentBytes } from './resident-memory.js';
import { attachMetadata, readAnswer } from './result-metadata.js';
import type { SandboxJob, SandboxReply, SandboxStarted } from './protocol.js';
import { failAll, toResults, type CallInput } from './results.js';
import type { RunOptions, TransformationLimits, TransformationRun } from './types.js';

/** How long past its own deadline a call may keep the sandbox before the sandbox is ended. */
const WATCHDOG_GRACE_MS = 500;
/**
 * The watchdog's first deadline when the call also starts the sandbox process, whose start-up (0.6–1 s,
 * several seconds on a loaded machine) is not the call's time: once the sandbox says it took the call
 * up, the watchdog is set again to the call's own limit.
 */
const STARTUP_ALLOWANCE_MS = 15_000;
/**
 * The sandbox's resident memory may exceed the heap limit by this much (Node itself, about 40 MB, and
 * V8's young generation and code) before a call is ended for memory: what the heap limit cannot see,
 * ArrayBuffer backing stores, is bounded here.
 */
export const RESIDENT_MARGIN_MB = 128;
/**
 * Calls one sandbox process serves before a fresh one takes over (between calls, never during one).
 * Node 20 never frees a vm.SourceTextModule (nodejs/node#59118) and every call makes one, so an old
 * sandbox gets slower and larger: one-event calls went from 1.2 to 14 ms of CPU each, and its RSS from
 * 57 to 118 MiB, over 12,000 calls. A new process costs about one call's worth of start-up per thousand.
 */
export const CALLS_PER_SANDBOX = 1000;
/** How often the resident memory of a busy sandbox is read. */
const MEMORY_SAMPLE_MS = 20;
const SANDBOX_PATH = fileURLToPath(new URL('./sandbox-process.js', import.meta.url));

/** A reply and, when it is `ok`, the frame body: the handler-level list as the sandbox encodes it (readAnswer). */
interface Answer {
  reply: SandboxReply;
  lines: string[];
}

interface Pending {
  job: SandboxJob;
  /** The call's entries (or events alone) as JSON array chunks, rebuilt inside the sandbox's realm. */
  lines: string[];
  resolve: (answer: Answer) => void;
}

interface Sandbox {
  process: ChildProcess;
  /** Frame notices both ways (fd 3 of the sandbox). */
  channel: Socket;
  /** Frames both ways, bodies through the body file (fd 4 of the sandbox). */
  frames: FrameChannel;
  /** Calls sent to it so far. */
  calls: number;
}

/**
 * Runs transformations one call at a time in a sandbox process. The sandbox's V8 heap is bounded by
 * `memoryMb` (an allocation past it ends the sandbox, never this process); each call's synchronous
 * work is bounded by `timeoutMs` inside the sandbox, and a watchdog here ends a sandbox that stays
 * busy past the deadline (a loop after an await). A sandbox that ended is replaced on the next call,
 * and one that served CALLS_PER_SANDBOX calls is replaced before the next.
 */
export class TransformationRunner {
  /** The limits this runner was made with, defaults filled in; a call's `limits.timeoutMs` overrides the timeout. */
  readonly limits: Required<TransformationLimits>;
  private worker: Sandbox | undefined;
  private current: Pending | undefined;
  private readonly queue: Pending[] = [];
  private nextId = 1;
  /** Sandbox processes started so far (one, plus one per call that ended a sandbox). */
  workersStarted = 0;

  constructor(limits: TransformationLimits = {}) {
    this.limits = {
      timeoutMs: limits.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      memoryMb: limits.memoryMb ?? DEFAULT_MEMORY_MB,
    };
  }

  /**
   * Runs one call, after any calls queued before it. A failure of the call as a whole (unsupported
   * language, compile error, limit) is returned in `error` with every event failed, never thrown.
   */
  async run(options: RunOptions): Promise<TransformationRun> {
    const inputs: CallInput[] = options.inputs
      ? options.inputs.map((i) => ({ message: i.message, metadata: i.metadata ?? {} }))
      : toCallInputs(options.events ?? [], options.metadata);
    if (options.language && options.language !== 'javascript') {
      const error = `Error: language ${JSON.stringify(options.language)} is not supported offline; only javascript transformations run locally`;
      return { results: failAll(inputs, error), transformedEvents: [], logs: [], error };
    }
    const job: SandboxJob = {
      id: this.nextId++,
      code: options.code,
      name: options.name ?? DEFAULT_TRANSFORMATION_NAME,
      libraries: options.libraries ?? [],
      credentials: options.credentials ? JSON.stringify(options.credentials) : undefined,
      fixtures: options.fixtures ?? {},
      allowNetwork: options.allowNetwork ?? false,
      timeoutMs: options.limits?.timeoutMs ?? this.limits.timeoutMs,
    };
    const { chunks: lines, sharedMetadata } = inputChunks(options, inputs);
    job.sharedMetadata = sharedMetadata;
    const { reply, lines: transformed } = await new Promise<Answer>((resolve) => {
      this.queue.push({ job, lines, resolve });
      this.pump();
    });
    if (!reply.ok) {
      return { results: failAll(inputs, reply.error), transformedEvents: [], logs: reply.logs, error: reply.error };
    }
    const transformedEvents = attachMetadata(readAnswer(transformed), inputs, reply.kind);
    return { results: toResults(inputs, transformedEvents), transformedEvents, logs: reply.logs, kind: reply.kind };
  }

  /** The sandbox process's id while one runs (for measuring its CPU). */
  get sandboxPid(): number | undefined {
    return this.worker?.process.pid;
  }

  /** Ends the worker; calls still queued fail. */
  async close(): Promise<void> {
    const worker = this.worker?.process;
    this.worker = undefined;
    for (const p of this.queue.splice(0)) p.resolve({ reply: failed(p.job.id, 'Error: runner closed'), lines: [] });
    if (this.current) this.finish(failed(this.current.job.id, 'Error: runner closed'));
    if (worker && worker.exitCode === null && worker.signalCode === null) {
      const gone = new Promise((resolve) => worker.once('exit', resolve));
      worker.ref(); // keep this process alive until the sandbox's exit is seen
      worker.kill('SIGKILL');
      await gone;
    }
  }

  private spawn(): Sandbox {
    // vm.SourceTextModule is behind --experimental-vm-modules, scoped to the sandbox process (its
    // warning silenced). A separate process rather than a worker thread: V8 can abort the whole
    // process on a large allocation past a worker's heap limit; here that ends the sandbox only.
    const execArgv = ['--experimental-vm-modules', '--no-warnings', `--max-old-space-size=${this.limits.memoryMb}`];
    const bodyFile = openBodyFile();
    const worker = spawn(process.execPath, [...execArgv, SANDBOX_PATH], { stdio: ['ignore', 'ignore', 'ignore', 'pipe', bodyFile] });
    const channel = worker.stdio[3] as Socket;
    const frames = new FrameChannel(channel, bodyFile, ({ header, lines }) => {
      const reply = JSON.parse(header) as SandboxReply | SandboxStarted;
      if (!this.current || reply.id !== this.current.job.id) return;
      if ('started' in reply) this.armWatchdog(sandbox, this.current, 0);
      else this.finish(reply, lines);
    });
    const sandbox: Sandbox = { process: worker, channel, frames, calls: 0 };
    this.workersStarted += 1;
    channel.on('data', (chunk: Buffer) => {
      try {
        frames.push(chunk);
      } catch {
        // A frame that does not read back: that sandbox cannot be trusted to answer; 'exit' reports it.
        worker.kill('SIGKILL');
      }
    });
    channel.on('error', () => {
      // a sandbox that ended mid-write; reported through 'exit'
    });
    worker.on('error', () => {
      // reported through 'exit'
    });
    worker.on('exit', (code, signal) => {
      closeBodyFile(bodyFile);
      if (this.worker !== sandbox) return;
      this.worker = undefined;
      // The only way a sandbox dies by itself mid-call is V8's heap limit (it aborts the process).
      const text = `Error: ${MEMORY_LIMIT}`;
      if (this.current) this.finish(failed(this.current.job.id, code === 0 && !signal ? 'Error: sandbox exited' : text));
    });
    worker.unref();
    channel.unref();
    return sandbox;
  }

  private watchdog: NodeJS.Timeout | undefined;
  private memoryWatch: NodeJS.Timeout | undefined;

  private pump(): void {
    if (this.current || this.queue.length === 0) return;
    const next = this.queue.shift()!;
    this.current = next;
    if (this.worker && this.worker.calls >= CALLS_PER_SANDBOX) {
      // Retired while idle: its exit is not this runner's concern any more (see spawn's 'exit').
      const retired = this.worker;
      this.worker = undefined;
      retired.process.kill('SIGKILL');
    }
    const cold = !this.worker;
    if (!this.worker) this.worker = this.spawn();
    const worker = this.worker;
    worker.process.ref();
    worker.channel.ref();
    this.armWatchdog(worker, next, cold ? STARTUP_ALLOWANCE_MS : 0);
    next.job.announceStart = cold;
    worker.calls += 1;
    const residentLimit = (this.limits.memoryMb + RESIDENT_MARGIN_MB) * 1024 * 1024;
    this.memoryWatch = setInterval(() => {
      const pid = worker.process.pid;
      if (this.current !== next || pid === undefined || (residentBytes(pid) ?? 0) <= residentLimit) return;
      // Memory the heap limit does not see (ArrayBuffer backing stores): ended as the heap limit would be.
      this.worker = undefined;
      worker.process.kill('SIGKILL');
      this.finish(failed(next.job.id, `Error: ${MEMORY_LIMIT}`));
    }, MEMORY_SAMPLE_MS);
    this.memoryWatch.unref();
    worker.frames.send(JSON.stringify(next.job), next.lines);
  }

  /** Ends the sandbox if `call` is still running its limit (plus grace, plus `extraMs`) from now. */
  private armWatchdog(worker: Sandbox, call: Pending, extraMs: number): void {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(
      () => {
        if (this.current !== call) return;
        // Still busy past the deadline: a loop the in-worker timeout cannot interrupt.
        this.worker = undefined;
        worker.process.kill('SIGKILL');
        this.finish(failed(call.job.id, `Error: ${SYNC_TIMEOUT}`));
      },
      call.job.timeoutMs + WATCHDOG_GRACE_MS + extraMs,
    );
  }

  private finish(reply: SandboxReply, lines: string[] = []): void {
    const done = this.current;
    if (!done) return;
    clearTimeout(this.watchdog);
    clearInterval(this.memoryWatch);
    this.current = undefined;
    this.worker?.process.unref();
    this.worker?.channel.unref();
    done.resolve({ reply, lines });
    this.pump();
  }
}

function failed(id: number, error: string): SandboxReply {
  return { id, ok: false, error, logs: [] };
}

let shared: TransformationRunner | undefined;

/**
 * Runs one transformation call on a shared runner (limits per call via `options.limits`; a call asking
 * for another heap size gets a runner of its own, closed afterwards).
 */
export async function runTransformation(options: RunOptions): Promise<TransformationRun> {
  const memoryMb = options.limits?.memoryMb ?? DEFAULT_MEMORY_MB;
  if (memoryMb !== DEFAULT_MEMORY_MB) {
    const own = new TransformationRunner({ ...options.limits, memoryMb });
    try {
      return await own.run(options);
    } finally {
      await own.close();
    }
  }
  shared ??= new TransformationRunner();
  return shared.run(options);
}
