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

function cell(text: string, width: number): string {
  // Control characters in stored ids must not move the cursor or break the row.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  if (width === 0) return clean;
  return clean.length > width ? `${clean.slice(0, width - 1)}…` : clean.padEnd(width);
}

export function header(): string {
  return COLUMNS.map((c) => cell(c.title, c.width)).join('  ');
}

export function row(e: EventRow): string {
  return COLUMNS.map((c) => cell(c.value(e), c.width)).join('  ');
}
