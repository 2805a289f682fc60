/** Timestamps on the wire: ISO 8601 UTC with milliseconds, e.g. `2022-02-01T19:14:18.381Z`. */

// Date and time with a zone (or none), as ISO 8601 writes it; the Date parser then checks the values.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * A caller's timestamp as it goes on the wire, or undefined when it is not one the SDK understands:
 * a valid Date and epoch milliseconds become ISO 8601 UTC; an ISO 8601 string is kept exactly as given.
 */
export function wireTimestamp(value: unknown): string | undefined {
  if (typeof value === 'string') return ISO_8601.test(value) && !Number.isNaN(Date.parse(value)) ? value : undefined;
  const date = value instanceof Date ? value : typeof value === 'number' && Number.isFinite(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) return undefined;
  return date.toISOString();
}
