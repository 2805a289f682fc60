/**
 * The events `rudder plan` reads: from files or stdin exactly as `rudder send` reads them (JSON Lines,
 * a JSON array, a batch document, failed-out records: its record reader), or from a data plane's
 * `GET /api/events`.
 */
import type { JsonObject } from '@rudderanalytics/tracking-plan';
import { READ_TOKEN_HINT, readHeaders } from '../config.js';
import { InputError, UsageError } from '../errors.js';
import { resolveInputs } from '../send/inputs.js';
import { readLines, TOO_LONG } from '../send/lines.js';
import { isBad, parseText, type BadRecord, type InputRecord } from '../send/records.js';

const MAX_LINE_CHARS = 8 * 1024 * 1024;

/** One record and the input it came from (when several are read). */
export type PlanRecord = (InputRecord | BadRecord) & { file?: string };

/** Every record of the inputs (`-` or none: stdin), in order. */
export async function* readRecords(names: string[]): AsyncGenerator<PlanRecord> {
  let inputs;
  try {
    inputs = resolveInputs(names);
  } catch (error) {
    // The same checks as `rudder send`; the help to point at is this command's.
    throw error instanceof UsageError ? new UsageError(error.message, 'plan') : error;
  }
  for (const input of inputs) {
    const file = inputs.length > 1 ? input.name : undefined;
    const tag = (r: InputRecord | BadRecord): PlanRecord => (file ? { ...r, file } : r);
    let lineNo = 0;
    let doc: string[] | undefined;
    let docLine = 0;
    let seen = false;
    for await (const lines of readLines(input.open(), MAX_LINE_CHARS)) {
      const out: Array<InputRecord | BadRecord> = [];
      for (const text of lines) {
        lineNo++;
        if (doc) {
          if (text === TOO_LONG) throw new InputError(`${input.name}: a JSON document with a line over 8 MiB`);
          doc.push(text);
          continue;
        }
        if (text === TOO_LONG) {
          out.push({ line: lineNo, reason: 'line is longer than 8 MiB', raw: '' });
          continue;
        }
        if (text.trim() === '') continue;
        // As `rudder send`: a first line opening an array, or a lone `{`, starts one multi-line document.
        if (!seen && ((seen = true), text.trim().startsWith('[') || text.trim() === '{')) {
          doc = [text];
          docLine = lineNo;
          continue;
        }
        parseText(text, lineNo, out);
      }
      yield* out.map(tag);
    }
    if (doc) {
      const out: Array<InputRecord | BadRecord> = [];
      parseText(doc.join('\n'), docLine, out);
      yield* out.map(tag);
    }
  }
}

/** A data plane's read side: where it is, and the read token it may ask for. */
export interface StoredSource {
  url: string;
  readToken?: string;
}

/**
 * The stored messages of a data plane (`GET /api/events`, oldest first, up to `limit`), following its
 * cursor: one answer holds at most the data plane's byte budget of events.
 */
export async function fetchStoredMessages(source: StoredSource, limit: number): Promise<JsonObject[]> {
  const out: JsonObject[] = [];
  const params = new URLSearchParams({ order: 'asc' });
  for (;;) {
    params.set('limit', String(limit - out.length));
    const url = `${source.url.replace(/\/+$/, '')}/api/events?${params}`;
    let response: Response;
    try {
      response = await fetch(url, { headers: readHeaders(source.readToken) });
    } catch (error) {
      throw new InputError(`cannot reach the data plane at ${source.url}: ${(error as Error).message}`);
    }
    if (!response.ok) throw new InputError(`${url}: HTTP ${response.status}${response.status === 401 ? `\n${READ_TOKEN_HINT}` : ''}`);
    const body = (await response.json()) as { events?: Array<{ payload?: JsonObject }>; hasMore?: boolean; next?: Record<string, number> | null };
    const events = body.events ?? [];
    out.push(...events.map((e) => e.payload ?? {}));
    if (!body.hasMore || !body.next || events.length === 0 || out.length >= limit) return out;
    for (const [key, value] of Object.entries(body.next)) params.set(key, String(value));
  }
}

/** The messages of the inputs, or of the data plane when no input is named; bad records are reported through `onBad`. */
export async function collectMessages(
  names: string[],
  fromDataPlane: StoredSource | undefined,
  onBad: (r: BadRecord & { file?: string }) => void,
): Promise<JsonObject[]> {
  if (fromDataPlane !== undefined) return fetchStoredMessages(fromDataPlane, 10_000);
  const out: JsonObject[] = [];
  for await (const r of readRecords(names)) {
    if (isBad(r)) onBad(r);
    else if (typeof r.call === 'object' && r.call !== null && !Array.isArray(r.call)) out.push(r.call as JsonObject);
  }
  return out;
}
