/**
 * Reads one input of `rudder send` into records: detects whether it is JSON Lines or one JSON document
 * (an array, or a pretty-printed batch object) and yields the records of each chunk as it is read, so a
 * JSON Lines input of any size is held one chunk at a time.
 */
import { InputError } from '../errors.js';
import type { Input } from './inputs.js';
import { readLines, TOO_LONG } from './lines.js';
import { parseText, recordsOf, type BadRecord, type InputRecord } from './records.js';

/** Far above the SDK's per-event cap (32 KB), so an oversized event is named by the SDK's own rule. */
export const MAX_LINE_CHARS = 8 * 1024 * 1024;
/** JSON arrays and pretty-printed batch documents are parsed whole; beyond this, JSON Lines are required. */
export const MAX_DOCUMENT_CHARS = 256 * 1024 * 1024;
/** A document that is not JSON is kept for --failed-out only up to this size. */
const MAX_RAW_DOCUMENT_CHARS = 64 * 1024;

export type ReadRecord = InputRecord | BadRecord;

/**
 * The records of `input`, in input order, one array per chunk read (an empty chunk yields nothing).
 * `onBytes` is told each chunk's size. Throws InputError for a document over MAX_DOCUMENT_CHARS.
 */
export async function* readRecords(input: Input, onBytes: (bytes: number) => void): AsyncGenerator<ReadRecord[]> {
  let lineNo = 0;
  let seen = false;
  let doc: string[] | undefined;
  let docLine = 0;
  let docChars = 0;
  for await (const lines of readLines(input.open(), MAX_LINE_CHARS, onBytes)) {
    const records: ReadRecord[] = [];
    for (const text of lines) {
      lineNo++;
      if (doc) {
        docChars += (text ?? '').length + 1;
        if (text === TOO_LONG || docChars > MAX_DOCUMENT_CHARS) {
          throw new InputError(
            `${input.name}: a JSON document over ${MAX_DOCUMENT_CHARS / 1024 / 1024} MiB: use JSON Lines (one call per line) for big inputs`,
          );
        }
        doc.push(text);
        continue;
      }
      if (text === TOO_LONG) {
        records.push({ line: lineNo, reason: `line is longer than ${MAX_LINE_CHARS / 1024 / 1024} MiB`, raw: '' });
        continue;
      }
      if (isBlank(text)) continue;
      if (!seen) {
        seen = true;
        // A JSON array, or one pretty-printed object (a batch), spans lines: read as one document.
        const trimmed = text.trim();
        if (trimmed.startsWith('[') || trimmed === '{') {
          doc = [text];
          docLine = lineNo;
          docChars = text.length;
          continue;
        }
      }
      parseText(text, lineNo, records);
    }
    if (records.length > 0) yield records;
  }
  if (doc) yield documentRecords(doc.join('\n'), docLine);
}

/** The records of a whole JSON document starting at `line`; one BadRecord when it is not JSON. */
function documentRecords(text: string, line: number): ReadRecord[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return [{ line, reason: `invalid JSON document: ${(error as Error).message}`, raw: text.length <= MAX_RAW_DOCUMENT_CHARS ? text : '' }];
  }
  const records: ReadRecord[] = [];
  recordsOf(value, line, records);
  return records;
}

function isBlank(text: string): boolean {
  if (text.length === 0) return true;
  const c = text.charCodeAt(0);
  // `{` first: the common case answers without a regex.
  return c !== 123 && /^\s*$/.test(text);
}
