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
  lastCanonical = input.length === 24 ? parseCanonical(input) : undefined;
  lastResult = lastCanonical ?? parse(input);
  return lastResult;
}

let lastInput: string | undefined;
let lastResult: number | undefined;
/** The last input's time when it was in the canonical form (then it is its own normal form). */
let lastCanonical: number | undefined;

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

// `2006-01-02T15:04:05.000Z`, as Date#toISOString writes it and as nearly every SDK sends it: read
// digit by digit, without the pattern. A value this refuses (a day past the month's end, a year before
// 100) is left to the full parse, which decides it.
const DIGIT_AT = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22];
const SEPARATORS: readonly [number, number][] = [
  [4, 45],
  [7, 45],
  [10, 84],
  [13, 58],
  [16, 58],
  [19, 46],
  [23, 90],
];
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function parseCanonical(s: string): number | undefined {
  for (const [i, code] of SEPARATORS) if (s.charCodeAt(i) !== code) return undefined;
  for (const i of DIGIT_AT) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  const n = (from: number, to: number) => {
    let v = 0;
    for (let i = from; i < to; i++) v = v * 10 + s.charCodeAt(i) - 48;
    return v;
  };
  const year = n(0, 4);
  const month = n(5, 7);
  const day = n(8, 10);
  const hour = n(11, 13);
  const minute = n(14, 16);
  const second = n(17, 19);
  if (year < 100 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && !leap ? 28 : DAYS_IN_MONTH[month - 1])) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, n(20, 23));
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
  if (t === undefined) return value;
  return lastCanonical !== undefined && value === lastInput ? value : formatTimestamp(t);
}
