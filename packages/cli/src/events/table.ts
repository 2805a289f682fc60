/** The `rudder events` table: fixed columns, so rows printed later (--follow) line up with the header. */

export interface EventRow {
  id: number;
  type: string | null;
  userId: string | null;
  anonymousId: string | null;
  event: string | null;
  messageId: string;
  receivedAt: string | null;
}

const COLUMNS: Array<{ title: string; width: number; value: (e: EventRow) => string }> = [
  { title: 'TIME (UTC)', width: 23, value: (e) => (e.receivedAt ?? '').replace('T', ' ').replace('Z', '') },
  { title: 'TYPE', width: 8, value: (e) => e.type ?? '' },
  { title: 'USER', width: 24, value: (e) => (e.userId ? e.userId : e.anonymousId ? `anon:${e.anonymousId}` : '') },
  { title: 'EVENT/NAME', width: 28, value: (e) => e.event ?? '' },
  { title: 'MESSAGE ID', width: 0, value: (e) => e.messageId },
];

/**
 * What a terminal must never receive raw from stored events: C0 and C1 controls (U+009B is a one-byte CSI:
 * it moves the cursor and recolours), and the bidirectional controls that reorder what follows (U+202E).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const UNSAFE_FOR_TERMINAL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The text with every {@link UNSAFE_FOR_TERMINAL} character written as a visible `\uXXXX` escape. */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE_FOR_TERMINAL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function cell(text: string, width: number): string {
  // Control characters in stored ids must not move the cursor or break the row.
  const clean = escapeForTerminal(text);
  if (width === 0) return clean;
  return clean.length > width ? `${clean.slice(0, width - 1)}…` : clean.padEnd(width);
}

export function header(): string {
  return COLUMNS.map((c) => cell(c.title, c.width)).join('  ');
}

export function row(e: EventRow): string {
  return COLUMNS.map((c) => cell(c.value(e), c.width)).join('  ');
}
