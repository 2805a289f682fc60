/**
 * What one line (or one whole JSON document) holds: calls to send, each with where it came from.
 * Accepts the calls themselves, batches of them, and the records `--failed-out` writes, so a
 * failed-out file replays as is.
 */
import type { CallWarning } from 'rudderanalytics';
import { batchDefaultsOf, batchFieldWarnings, withBatchDefaults } from 'rudderanalytics/internal';

/** One call read from the input, and where: the line, and the position inside an array/batch. */
export interface InputRecord {
  line: number;
  /** 1-based position inside a JSON array or a batch, if the call came from one. */
  item?: number;
  /** The call: usually an object; anything else is sent anyway so the SDK names the rule it breaks. */
  call: unknown;
  /**
   * For an item of a batch: what the SDK warns about the batch's own fields (`send()` of the batch raises
   * these once, before its items' warnings); shared by every item of that batch. Absent when none.
   */
  batchWarnings?: readonly CallWarning[];
}

/** A line or document that is not even JSON: reported with the parser's message, never sent. */
export interface BadRecord {
  line: number;
  item?: number;
  reason: string;
  /** The offending text, kept for --failed-out so it can be fixed and replayed. */
  raw: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A `--failed-out` record: no `type`, a `reason`, and the call under `event` (an object: a track call's
 * own `event` is a string), or the unparsable text under `raw`.
 */
function unwrapFailed(value: Record<string, unknown>): { call: unknown } | { raw: string } | undefined {
  if (value.type !== undefined || typeof value.reason !== 'string') return undefined;
  if (isObject(value.event)) return { call: value.event };
  if (typeof value.raw === 'string') return { raw: value.raw };
  return undefined;
}

function isBatch(value: Record<string, unknown>): boolean {
  return Array.isArray(value.batch) && (value.type === undefined || value.type === 'batch');
}

/**
 * The calls of a batch object, each with the batch's defaults applied by the SDK's own batch rule, so
 * each can be sent and reported on its own and still goes out as `send({ type: 'batch' })` would send it.
 */
function batchItems(value: Record<string, unknown>): unknown[] {
  const items = value.batch as unknown[];
  const defaults = batchDefaultsOf(value);
  if (!defaults) return items;
  return items.map((item) => (isObject(item) ? withBatchDefaults(item, defaults) : item));
}

/** Expands one parsed JSON value found at `line` into the records it holds. */
export function recordsOf(
  value: unknown,
  line: number,
  out: Array<InputRecord | BadRecord>,
  item?: number,
  batchWarnings?: readonly CallWarning[],
): void {
  if (Array.isArray(value) && item === undefined) {
    value.forEach((v, i) => recordsOf(v, line, out, i + 1));
    return;
  }
  if (isObject(value)) {
    const failed = unwrapFailed(value);
    if (failed) {
      if ('call' in failed) return recordsOf(failed.call, line, out, item, batchWarnings);
      return parseText(failed.raw, line, out, item);
    }
    if (isBatch(value) && item === undefined) {
      const warnings = batchFieldWarnings(value);
      batchItems(value).forEach((v, i) => recordsOf(v, line, out, i + 1, warnings.length > 0 ? warnings : undefined));
      return;
    }
  }
  const record: InputRecord = item === undefined ? { line, call: value } : { line, item, call: value };
  if (batchWarnings) record.batchWarnings = batchWarnings;
  out.push(record);
}

/** Parses one line's text into its records; text that is not JSON becomes a BadRecord. */
export function parseText(text: string, line: number, out: Array<InputRecord | BadRecord>, item?: number): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const bad: BadRecord = { line, reason: `invalid JSON: ${(error as Error).message}`, raw: text };
    if (item !== undefined) bad.item = item;
    out.push(bad);
    return;
  }
  recordsOf(value, line, out, item);
}

export function isBad(record: InputRecord | BadRecord): record is BadRecord {
  return (record as BadRecord).reason !== undefined;
}
