// The main thread's side of the writer thread (writer.ts): starts it, numbers requests, matches replies.
import { Buffer } from 'node:buffer';
import { Worker } from 'node:worker_threads';
import type { PreparedEvent } from './ingest.js';
import { EVENT_FIELDS, FIELDS_PER_EVENT } from './schema.js';
import type { WriterData, WriterReply, WriterRequest } from './writer.js';

const FIELD_NAMES = EVENT_FIELDS.map(([field]) => field);

/** How many bytes of returned JSON buffers are kept for reuse (a few requests' worth at 1000 events each). */
const SPARE_BYTES = 8 * 1024 * 1024;
/** New JSON buffers are rounded up to this, so a slightly larger next request still fits a reused one. */
const BUFFER_STEP = 64 * 1024;

/**
 * The writer's young generation, in MB. V8 grows it while objects keep surviving collections, up to a cap
 * that depends on the version: Node 24's cap is 4x Node 22's, and under sustained ingest its writer's young
 * generation went from 24 to 72 MB over 3M events. Capped here at 8 MB semi-spaces (V8 sizes the young
 * generation as three of them), what it uses on Node 22; the writer keeps little between requests, so its
 * collections stay cheap (≈0.3 ms each).
 */
const WRITER_YOUNG_GENERATION_MB = 24;

type WithoutSeq<T> = T extends unknown ? Omit<T, 'seq'> : never;

/** Flags that load code into every thread before its own: `--import`, `--require`, loaders, in either spelling. */
const PRELOAD = /^(--import|--require|-r|--loader|--experimental-loader)(=|$)/;

/** `execArgv` without its preloads (a flag and, when not joined by `=`, the value after it). */
export function withoutPreloads(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const match = PRELOAD.exec(execArgv[i]);
    if (!match) kept.push(execArgv[i]);
    else if (match[2] === '') i++;
  }
  return kept;
}

function startWorker(workerData: WriterData): Worker {
  const resourceLimits = { maxYoungGenerationSizeMb: WRITER_YOUNG_GENERATION_MB };
  // Running from source (the tests), the worker runs writer.ts: a Node worker inherits the process's
  // `--import` of the TypeScript loader, and Bun and Deno run TypeScript themselves.
  if (import.meta.url.endsWith('.ts')) return new Worker(new URL('./writer.ts', import.meta.url), { workerData, resourceLimits });
  const url = new URL('./writer.js', import.meta.url);
  // Built, the writer runs only this package's JavaScript: what the process preloads (a TypeScript loader,
  // an APM agent) would load again in its thread for nothing. Node's other flags still apply to it.
  const execArgv = withoutPreloads(process.execArgv);
  if (execArgv.length < process.execArgv.length) {
    try {
      return new Worker(url, { workerData, resourceLimits, execArgv });
    } catch (error) {
      // Flags given explicitly are checked, and a process-wide one (`--title`) is refused; inherited, it is
      // not, so the writer inherits everything, as it would without preloads to leave out.
      if ((error as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw error;
    }
  }
  return new Worker(url, { workerData, resourceLimits });
}

/** Sends inserts and clears to the writer thread; each resolves once the writer committed it. */
export class WriterClient {
  private seq = 0;
  private readonly pending = new Map<number, { resolve(r: WriterReply): void; reject(e: Error): void }>();
  private failure: Error | undefined;
  private closed = false;
  /**
   * JSON buffers the writer handed back. Reusing them instead of allocating ~0.5 MB per request keeps the
   * process's malloc heap from growing: fresh buffers are freed only when V8 next collects, which on Node 24
   * (a 4x larger young generation than Node 22) comes late enough that the heap fragments and keeps growing.
   */
  private readonly spare: ArrayBuffer[] = [];
  private spareBytes = 0;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (r: WriterReply) => {
      if (r.spent) this.keepSpare(r.spent);
      const p = this.pending.get(r.seq);
      this.pending.delete(r.seq);
      p?.resolve(r);
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', () => fail(new Error('the database writer stopped')));
  }

  /** Starts the writer; resolves once it has opened the file and created the schema. */
  static async start(data: WriterData): Promise<WriterClient> {
    const worker = startWorker(data);
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      worker.once('error', onError);
      worker.once('exit', (code) => reject(new Error(`the database writer exited (${code})`)));
      worker.once('message', () => {
        worker.off('error', onError);
        worker.removeAllListeners('exit');
        resolve();
      });
    });
    return new WriterClient(worker);
  }

  /** Whether the writer is still there to write. */
  get running(): boolean {
    return !this.failure && !this.closed;
  }

  private call(req: WithoutSeq<WriterRequest>, transfer: ArrayBuffer[] = []): Promise<WriterReply> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('the event store is closed'));
    const seq = ++this.seq;
    return new Promise<WriterReply>((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.worker.postMessage({ ...req, seq } as WriterRequest, transfer);
    }).then((reply) => {
      if (reply.error) throw new Error(reply.error);
      return reply;
    });
  }

  /** Stores all events of one request in one transaction; resolves with the first row id once committed. */
  async insert(source: string, events: PreparedEvent[]): Promise<number> {
    const values: Array<string | null> = new Array(events.length * FIELDS_PER_EVENT);
    let bytes = 0;
    for (const e of events) bytes += Buffer.byteLength(e.json);
    const json = this.jsonBuffer(bytes);
    const offsets = new Uint32Array(events.length + 1);
    let i = 0;
    let off = 0;
    events.forEach((e, n) => {
      for (const field of FIELD_NAMES) values[i++] = e[field];
      offsets[n] = off;
      off += json.write(e.json, off);
    });
    offsets[events.length] = off;
    const req = { op: 'insert' as const, source, values, json, offsets, storedAt: new Date().toISOString() };
    return (await this.call(req, [json.buffer as ArrayBuffer, offsets.buffer])).firstId!;
  }

  /** A buffer of its own (not a slice of the shared pool) so it can be transferred to the writer, not copied. */
  private jsonBuffer(bytes: number): Buffer {
    const i = this.spare.findIndex((b) => b.byteLength >= bytes);
    let backing: ArrayBuffer;
    if (i >= 0) {
      backing = this.spare.splice(i, 1)[0]!;
      this.spareBytes -= backing.byteLength;
    } else {
      backing = Buffer.allocUnsafeSlow(Math.ceil(bytes / BUFFER_STEP) * BUFFER_STEP).buffer as ArrayBuffer;
    }
    return Buffer.from(backing, 0, bytes);
  }

  private keepSpare(buffer: ArrayBuffer): void {
    if (this.spareBytes + buffer.byteLength > SPARE_BYTES) return;
    this.spare.push(buffer);
    this.spareBytes += buffer.byteLength;
  }

  async clear(): Promise<void> {
    await this.call({ op: 'clear' });
  }

  /** Lets the writer close its connection, then stops the thread. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (!this.failure) await this.call({ op: 'close' }).catch(() => undefined);
    this.closed = true;
    await this.worker.terminate();
  }
}
