/**
 * The current time as an ISO string, formatted at most once per millisecond: at high call rates most
 * events share a millisecond, and formatting a Date costs more than the rest of enrichment.
 */
let lastMs = -1;
let lastIso = '';

export function nowIso(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
