/**
 * The current time as an ISO string, formatted at most once per millisecond: at high call rates most
 * events share a millisecond, and formatting a Date costs more than the rest of enrichment. Within a
 * second only the milliseconds change, so a new millisecond appends them to the second's prefix
 * instead of formatting a Date again (which made those calls the slowest after the id refills).
 */
let lastMs = -1;
let lastIso = '';
let lastSecond = Number.NaN;
/** `YYYY-MM-DDTHH:mm:ss.` of lastSecond. */
let secondPrefix = '';

export function nowIso(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    const millis = ms % 1000;
    const second = ms - millis;
    if (second !== lastSecond) {
      lastSecond = second;
      secondPrefix = new Date(second).toISOString().slice(0, -4);
    }
    lastIso = secondPrefix + (millis < 10 ? '00' : millis < 100 ? '0' : '') + millis + 'Z';
  }
  return lastIso;
}
