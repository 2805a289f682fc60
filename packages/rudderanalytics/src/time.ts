/** Timestamps on the wire: ISO 8601 UTC with milliseconds, e.g. `2022-02-01T19:14:18.381Z`. */

/** The ISO form of a caller's Date or date string, or undefined when it is not a valid time. */
export function toIsoTimestamp(value: unknown): string | undefined {
  const date = value instanceof Date ? value : typeof value === 'string' && value.trim() !== '' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) return undefined;
  return date.toISOString();
}
