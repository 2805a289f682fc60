import { Worker } from 'node:worker_threads';
import {
  DEFAULT_MEMORY_MB,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_TRANSFORMATION_NAME,
  MEMORY_LIMIT,
  SYNC_TIMEOUT,
} from './hosted.js';
import { toCallInputs } from './inputs.js';
import type { SandboxJob, SandboxReply } from './protocol.js';
import { failAll, toResults, type CallInput } from './results.js';
import type { RunOptions, TransformationLimits, TransformationRun, TransformedEvent } from './types.js';

/** How long past its own deadline a call may keep the worker before the worker is ended. */
const WATCHDOG_GRACE_MS = 500;
const WORKER_URL = new URL('./sandbox-worker.js', import.meta.url);

interface Pending {
  job: SandboxJob;
  resolve: (reply: SandboxReply) => void;
}

/**
 * Runs transformations one call at a time in a worker thread. The worker has its own V8 heap bounded
 * by `memoryMb` (an allocation past it ends the worker, not this process); each call's synchronous
 * work is bounded by `timeoutMs` inside the worker, and a watchdog here ends a worker that stays busy
 * past the deadline (a loop after an await). A worker that ended is replaced on the next call.
 */
export class TransformationRunner {
  readonly limits: Required<TransformationLimits>;
  private worker: Worker | undefined;
  private current: Pending | undefined;
  private readonly queue: Pending[] = [];
  private nextId = 1;
  /** Worker threads started so far (one, plus one per call that ended a worker). */
  workersStarted = 0;

  constructor(limits: TransformationLimits = {}) {
    this.limits = {
      timeoutMs: limits.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      memoryMb: limits.memoryMb ?? DEFAULT_MEMORY_MB,
    };
  }

  async run(options: RunOptions): Promise<TransformationRun> {
    const inputs: CallInput[] = options.inputs
      ? options.inputs.map((i) => ({ message: i.message, metadata: i.metadata as CallInput['metadata'] }))
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
      payload: JSON.stringify(inputs),
      credentials: options.credentials ? JSON.stringify(options.credentials) : undefined,
      fixtures: options.fixtures ?? {},
      allowNetwork: options.allowNetwork ?? false,
      timeoutMs: options.limits?.timeoutMs ?? this.limits.timeoutMs,
    };
    const reply = await new Promise<SandboxReply>((resolve) => {
      this.queue.push({ job, resolve });
      this.pump();
    });
    if (!reply.ok) {
      return { results: failAll(inputs, reply.error), transformedEvents: [], logs: reply.logs, error: reply.error };
    }
    const transformedEvents = JSON.parse(reply.transformed) as TransformedEvent[];
    return { results: toResults(inputs, transformedEvents), transformedEvents, logs: reply.logs, kind: reply.kind };
  }

  /** Ends the worker; calls still queued fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    for (const p of this.queue.splice(0)) p.resolve({ id: p.job.id, ok: false, error: 'Error: runner closed', logs: [] });
    if (worker) await worker.terminate();
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_URL, {
      // vm.SourceTextModule is behind this flag; it is scoped to the worker and the warning is kept
      // out of the host's stderr.
      execArgv: ['--experimental-vm-modules', '--no-warnings'],
      resourceLimits: { maxOldGenerationSizeMb: this.limits.memoryMb, stackSizeMb: 4 },
    });
    this.workersStarted += 1;
    worker.on('message', (reply: SandboxReply) => {
      if (this.current && reply.id === this.current.job.id) this.finish(reply);
    });
    worker.on('error', (err: Error & { code?: string }) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      const text = err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `Error: ${MEMORY_LIMIT}` : `Error: ${err.message}`;
      if (this.current) this.finish({ id: this.current.job.id, ok: false, error: text, logs: [] });
    });
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      if (this.current) this.finish({ id: this.current.job.id, ok: false, error: `Error: ${MEMORY_LIMIT}`, logs: [] });
    });
    worker.unref();
    return worker;
  }

  private watchdog: NodeJS.Timeout | undefined;

  private pump(): void {
    if (this.current || this.queue.length === 0) return;
    const next = this.queue.shift()!;
    this.current = next;
    if (!this.worker) this.worker = this.spawn();
    const worker = this.worker;
    worker.ref();
    this.watchdog = setTimeout(() => {
      if (this.current !== next) return;
      // Still busy past the deadline: a loop the in-worker timeout cannot interrupt.
      this.worker = undefined;
      void worker.terminate();
      this.finish({ id: next.job.id, ok: false, error: `Error: ${SYNC_TIMEOUT}`, logs: [] });
    }, next.job.timeoutMs + WATCHDOG_GRACE_MS);
    worker.postMessage(next.job);
  }

  private finish(reply: SandboxReply): void {
    const done = this.current;
    if (!done) return;
    clearTimeout(this.watchdog);
    this.current = undefined;
    this.worker?.unref();
    done.resolve(reply);
    this.pump();
  }
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
