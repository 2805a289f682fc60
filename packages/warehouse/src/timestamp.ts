// Which strings are datetimes, and how they are written. Rules from
// rudderlabs/rudder-server@f2655fbbe2260deb4e01c2a54da1a827291713bb,
// processor/internal/transformer/destination_transformer/embedded/warehouse/internal/utils/utils.go
// (ValidTimestamp, ToTimestamp, parseTimestamp): an ISO-8601-like date with an optional time and zone,
// at most 40 characters, between year 1 and 9999; written back in UTC with milliseconds
// (`2006-01-02T15:04:05.000Z`). A day past the month's end rolls over as JavaScript's Date does.

const MAX_LENGTH = '2012-08-03 18:31:59.257000000 +00:00 UTC'.length;

// The reference pattern: date, then optionally [T or space] hh:mm, optional :ss[.fraction] (the
// pattern allows the seconds twice; both forms are accepted), optional zone.
const RE =
  /^([+-]?\d{4})-(0[1-9]|1[0-2])-([12]\d|0[1-9]|3[01])(?:[T\s](?:(?:([01]\d|2[0-3]):([0-5]\d))(:\d+)?)?(?::([0-5]\d)(?:\.(\d+))?)?([zZ]|([+-])([01]\d|2[0-3]):?([0-5]\d)?)?)?$/;

const MIN_MS = (() => {
  const d = new Date(0);
  d.setUTCFullYear(1, 0, 1);
  return d.getTime();
})();
const MAX_MS = (() => {
  const d = new Date(0);
  d.setUTCFullYear(9999, 11, 31);
  d.setUTCHours(23, 59, 59, 999);
  return d.getTime();
})();

/** Milliseconds since the epoch for a string the reference would take as a datetime, else undefined. */
export function parseTimestamp(input: string): number | undefined {
  // Every string value is asked whether it is a datetime, most of them twice (its type, then its
  // normal form): the last answer is kept, and a string that cannot start a date skips the pattern.
  if (input === lastInput) return lastResult;
  lastInput = input;
  lastResult = parse(input);
  return lastResult;
}

let lastInput: string | undefined;
let lastResult: number | undefined;

function parse(input: string): number | undefined {
  if (input.length > MAX_LENGTH || input.length < 10) return undefined;
  // A date starts with four digits and a dash (a signed year matches the pattern but is refused below).
  const first = input.charCodeAt(0);
  if (first < 48 || first > 57 || input.charCodeAt(4) !== 45) return undefined;
  const m = RE.exec(input);
  if (!m) return undefined;
  const [, y, mo, d, hh, mm, secA, secB, frac, zone, sign, zh, zm] = m;
  if (y.startsWith('+') || y.startsWith('-')) return undefined;
  const seconds = secA ? Number(secA.slice(1)) : secB ? Number(secB) : 0;
  if (seconds > 59) return undefined;
  // Time with no hour:minute but seconds is not a form Go's parser reads.
  if (!hh && (secA || secB)) return undefined;
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000 + 1e-9) : 0;
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(hh ? Number(hh) : 0, mm ? Number(mm) : 0, seconds, ms);
  let t = date.getTime();
  if (zone && zone !== 'z' && zone !== 'Z') {
    const offset = (Number(zh) * 60 + (zm ? Number(zm) : 0)) * 60_000;
    t -= sign === '-' ? -offset : offset;
  }
  if (t < MIN_MS || t > MAX_MS) return undefined;
  return t;
}

export function isTimestamp(input: string): boolean {
  return parseTimestamp(input) !== undefined;
}

/** RFC 3339 with milliseconds, in UTC. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

/** A datetime value as the reference writes it; values it cannot read are kept as they are. */
export function toTimestamp(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const t = parseTimestamp(value);
  return t === undefined ? value : formatTimestamp(t);
}
