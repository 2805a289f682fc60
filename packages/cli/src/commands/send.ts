/**
 * `rudder send`: streams calls from JSON Lines (or a JSON array / batch document) to the data plane.
 * Memory stays bounded at any input size: lines are pulled chunk by chunk and the reader waits while
 * a window of events is unsettled; only those events are held, to report and write out their failures.
 */
import { randomUUID } from 'node:crypto';
import { DeliveryError, type CallWarning, type RudderAnalytics, type Sendable } from 'rudderanalytics';
import { strictRefusal } from 'rudderanalytics/internal';
import { CONNECTION_OPTIONS, int, parse, str } from '../args.js';
import { createClient, sdkOptions } from '../client.js';
import { resolveTarget, type Target } from '../config.js';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK } from '../errors.js';
import { hintFor, keySourceLabel, reasonOf } from '../failure.js';
import { SEND_HELP } from '../help.js';
import { currentRun } from '../io.js';
import { maskKey, stderr, stdout } from '../output.js';
import { FailedOut } from '../send/failed-out.js';
import { InterruptGate } from '../send/interrupt-gate.js';
import { resolveInputs, totalSize, type Input } from '../send/inputs.js';
import { newCounts, Progress, summaryLine, type Counts } from '../send/progress.js';
import { Tally } from '../send/tally.js';
import { readRecords, type ReadRecord } from '../send/reader.js';
import { isBad, type BadRecord, type InputRecord } from '../send/records.js';
import { Window } from '../send/window.js';

/** Bad lines and delivery errors printed one by one; the rest are counted (and in --failed-out). */
const MAX_REPORTED = 100;
/** After Ctrl-C: how long the answers to requests already sent are waited for. */
const INTERRUPT_WAIT_MS = 2000;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  'failed-out': { type: 'string' },
  'dry-run': { type: 'boolean' },
  strict: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  'progress-interval': { type: 'string' },
  verbose: { type: 'boolean' },
} as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function runSend(argv: string[]): Promise<number> {
  const { values, positionals } = parse('send', argv, OPTIONS, true);
  if (values.help) {
    stdout.write(SEND_HELP);
    return EXIT_OK;
  }
  const inputs = resolveInputs(positionals);
  const dryRun = values['dry-run'] === true;
  const quiet = values.quiet === true;
  const intervalMs = (int(values, 'progress-interval', 1, 86_400) ?? 5) * 1000;
  const flushAt = int(values, 'batch-size', 1, 100_000) ?? 1000;
  // Three batches unsettled keep both request slots busy while the reader parses the next one; a larger
  // window buys no speed (measured) and costs memory: the collector lets the heap grow with it.
  // Capped: a huge --batch-size must not lift the memory bound (batches are cut at 500 KB anyway).
  const limit = Math.min(Math.max(flushAt * 3, 64), 30_000);
  const window = new Window(limit, limit - Math.max(1, Math.min(flushAt, limit >> 1)));
  const target = await resolveTarget(values);
  const failedPath = str(values, 'failed-out');
  const failedOut = failedPath ? new FailedOut(failedPath) : undefined;
  const options = sdkOptions(values, { maxAttempts: 10, dryRun, maxQueueSize: limit + 16, verbose: values.verbose === true });
  const strict = values.strict === true;
  options.strict = strict;
  // Every request goes through the gate, so an interruption can tell "in flight" from "never sent".
  const gate = new InterruptGate(globalThis.fetch.bind(globalThis));
  options.fetch = gate.fetch;
  const client = createClient(target, options);

  const counts = newCounts();
  const tally = new Tally();
  const run = new SendRun(client, target, counts, tally, gate, window, failedOut, inputs.length > 1, dryRun, strict);
  let interrupted = false;
  let interrupt!: () => void;
  // Every wait (window, flush) races this, so Ctrl-C is honoured even while retries back off.
  const interruption = new Promise<void>((resolve) => (interrupt = resolve));
  const onSignal = () => {
    if (interrupted) process.exit(EXIT_INTERRUPTED);
    interrupted = true;
    gate.stop();
    interrupt();
    stderr.write(
      `\ninterrupted: reading stopped and no new request is sent; waiting up to ${INTERRUPT_WAIT_MS / 1000} s for the answers to the ` +
        `${gate.inFlight} request(s) in flight, then what is unanswered is written out as "may have been delivered" (Ctrl-C again to quit now)\n`,
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // Printed once Ctrl-C is handled, so whoever sees it may interrupt.
  if (!quiet) {
    stderr.write(
      dryRun
        ? 'dry run: validating only, nothing is sent\n'
        : `sending to ${target.dataPlaneUrl} (write key ${maskKey(target.writeKey)}, ${target.keySource === 'local dev key' ? '' : 'from '}${keySourceLabel(target)})\n`,
    );
  }
  if (currentRun().stdin.isTTY && inputs.some((i) => i.name === '-')) {
    stderr.write('reading JSON Lines from the terminal: one call per line, Ctrl-D to end\n');
  }
  const progress = new Progress(stderr, counts, { totalBytes: totalSize(inputs), intervalMs, dryRun });
  if (!quiet) progress.start();

  const started = Date.now();
  try {
    for (const input of inputs) {
      if (interrupted) break;
      await run.readInput(input, () => interrupted, interruption);
    }
    if (!interrupted) await Promise.race([client.flush(), interruption]);
    if (interrupted) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([gate.settled(), new Promise((resolve) => (timer = setTimeout(resolve, INTERRUPT_WAIT_MS)))]);
      clearTimeout(timer);
      gate.abandonPending();
    }
    // Whatever is left after this (only when interrupted) is settled as dropped, and written out.
    await client.close({ timeoutMs: interrupted ? 0 : 1000 });
    await window.empty();
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  await failedOut?.close();
  const elapsed = Date.now() - started;
  if (run.unreported > 0)
    stderr.write(
      `(${run.unreported.toLocaleString('en-US')} more problems not shown${failedOut ? `; all are in ${failedOut.path}` : '; use --failed-out FILE to keep them'})\n`,
    );
  for (const line of tally.lines(counts, dryRun)) stderr.write(`${line}\n`);
  stderr.write(`${summaryLine(counts, elapsed, dryRun)}\n`);
  if (failedOut && failedOut.count > 0)
    stderr.write(`${failedOut.count.toLocaleString('en-US')} event(s) written to ${failedOut.path}; replay with: rudder send ${failedOut.path}\n`);
  if (interrupted) return EXIT_INTERRUPTED;
  return counts.invalid + counts.failed + counts.dropped > 0 ? EXIT_FAILED : EXIT_OK;
}

/** One run's reading, sending and accounting. */
class SendRun {
  private reported = 0;
  unreported = 0;
  private hinted = false;
  private file: string | undefined;
  /** The warnings of the call being handed to the SDK (`send()` validates synchronously); mostly none. */
  private warnings: CallWarning[] | undefined;

  constructor(
    private readonly client: RudderAnalytics,
    private readonly target: Target,
    private readonly counts: Counts,
    private readonly tally: Tally,
    private readonly gate: InterruptGate,
    private readonly window: Window,
    private readonly failedOut: FailedOut | undefined,
    private readonly manyInputs: boolean,
    private readonly dryRun: boolean,
    private readonly strict: boolean,
  ) {
    // Per-batch delivery errors: printed once per batch; each event's own failure is counted on its settle.
    client.on('error', (error) => {
      this.report(`error: ${reasonOf(error)} (${error.messageIds.length} event(s))`);
      const hint = this.hinted ? undefined : hintFor(error, target);
      if (hint) {
        this.hinted = true;
        stderr.write(`hint: ${hint}\n`);
      }
    });
    client.on('dropped', (error) => {
      if (error.code !== 'closed') this.report(`warning: ${error.message}`);
    });
    client.on('warning', (warning) => (this.warnings ??= []).push(warning));
  }

  /** Reads `input` and sends its records, waiting while the window is full, until the input ends or `stop()`. */
  async readInput(input: Input, stop: () => boolean, interruption: Promise<void>): Promise<void> {
    this.file = this.manyInputs ? input.name : undefined;
    const counts = this.counts;
    for await (const records of readRecords(input, (bytes) => (counts.bytes += bytes))) {
      for (const record of records) {
        if (this.window.full) await Promise.race([this.window.room(), interruption]);
        if (this.failedOut?.behind) await Promise.race([this.failedOut.drained(), interruption]);
        if (stop()) return;
        this.take(record);
      }
    }
  }

  private take(record: ReadRecord): void {
    if (isBad(record)) this.bad(record);
    else this.submit(record);
  }

  private submit(record: InputRecord): void {
    this.counts.read++;
    const call = record.call;
    // The id is fixed here, not by the SDK, so a failed-out event keeps it and a replay cannot double-count.
    let added = false;
    if (!this.dryRun && isObject(call) && call.messageId === undefined && call.type !== 'batch') {
      call.messageId = randomUUID();
      added = true;
    }
    this.window.add();
    // An item of a batch carries its batch's warnings, as send() of the whole batch would raise them:
    // with them, it is delivered with warnings; in strict mode, refused like that batch.
    const batchWarnings = record.batchWarnings;
    this.warnings = batchWarnings ? [...batchWarnings] : undefined;
    const sent = batchWarnings && this.strict ? Promise.reject(strictRefusal(batchWarnings[0])) : this.client.send(call as Sendable);
    const warnings = this.warnings;
    sent.then(
      () => {
        this.counts.delivered++;
        this.tally.delivered(warnings);
        this.gate.forget((call as Record<string, unknown> | null)?.messageId);
        this.window.done();
      },
      (error: unknown) => {
        this.failed(record, error, added);
        this.window.done();
      },
    );
  }

  private failed(record: InputRecord, error: unknown, addedId: boolean): void {
    const code = (error as { code?: string }).code;
    if (code === 'invalid_event') {
      this.counts.invalid++;
      if (addedId) delete (record.call as Record<string, unknown>).messageId;
      const reason = (error as Error).message;
      this.tally.refused(reason);
      this.report(`${this.where(record)}: ${reason}`);
      this.writeFailed(record, reason, record.call);
      return;
    }
    if (error instanceof DeliveryError) this.counts.failed++;
    else this.counts.dropped++;
    if ((error as { code?: string }).code === 'closed') return this.interrupted(record);
    this.gate.forget((record.call as Record<string, unknown> | null)?.messageId);
    this.writeFailed(record, error instanceof DeliveryError ? reasonOf(error) : droppedReason(error), record.call);
  }

  /** Not settled when the run was interrupted: in a request that got no answer, or never delivered. */
  private interrupted(record: InputRecord): void {
    const messageId = (record.call as Record<string, unknown>).messageId;
    const unknown = typeof messageId === 'string' && this.gate.mayHaveBeenDelivered(messageId);
    this.tally.interrupted(unknown);
    this.failedOut?.write({
      ...this.location(record),
      reason: unknown ? MAY_HAVE_BEEN_DELIVERED : NOT_DELIVERED_INTERRUPTED,
      delivery: unknown ? 'unknown' : 'no',
      event: record.call,
    });
  }

  private bad(record: BadRecord): void {
    this.counts.read++;
    // Reported a tick later, like the SDK's rejections of the lines before it, so reports stay in line order.
    this.window.add();
    queueMicrotask(() => {
      this.reportBad(record);
      this.window.done();
    });
  }

  private reportBad(record: BadRecord): void {
    this.counts.invalid++;
    this.tally.refused(record.reason);
    this.report(`${this.where(record)}: ${record.reason}`);
    if (this.failedOut) {
      const entry = { ...this.location(record), reason: record.reason, raw: record.raw };
      this.failedOut.write(entry);
    }
  }

  private writeFailed(record: InputRecord, reason: string, event: unknown): void {
    this.failedOut?.write({ ...this.location(record), reason, event });
  }

  private location(record: { line: number; item?: number }): { line: number; item?: number; file?: string } {
    const loc: { line: number; item?: number; file?: string } = { line: record.line };
    if (record.item !== undefined) loc.item = record.item;
    if (this.file !== undefined) loc.file = this.file;
    return loc;
  }

  private where(record: { line: number; item?: number }): string {
    const at = `${this.file !== undefined ? `${this.file}: ` : ''}line ${record.line}`;
    return record.item !== undefined ? `${at} item ${record.item}` : at;
  }

  /** Prints a problem line, up to MAX_REPORTED of them; the rest are only counted. */
  private report(message: string): void {
    if (this.reported < MAX_REPORTED) {
      this.reported++;
      // On a terminal, the progress bar's line is cleared first; it is redrawn on its next tick.
      stderr.write(`${stderr.isTTY ? '\r\x1b[K' : ''}${message}\n`);
    } else this.unreported++;
  }
}

const MAY_HAVE_BEEN_DELIVERED =
  'may have been delivered: it was in a request when the run was interrupted and no answer came (a replay may store it twice, under the same messageId)';
const NOT_DELIVERED_INTERRUPTED = 'not delivered: the run was interrupted before it was sent (or after the data plane refused it)';

function droppedReason(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'queue_full') return 'dropped: the send queue was full';
  return `not delivered: ${(error as Error).message}`;
}
