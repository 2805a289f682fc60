// Positional rows → PostgreSQL's COPY text format: one line per row, values separated by tabs, NULL
// as \N, and backslash, newline, carriage return and tab escaped with a backslash
// (https://www.postgresql.org/docs/current/sql-copy.html, "Text Format"). Numbers and booleans go as
// their text, which the server reads into bigint, numeric and boolean columns; json values are JSON
// text already.

const SPECIAL = /[\\\n\r\t]/;
const SPECIAL_ALL = /[\\\n\r\t]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One value as COPY text. */
export function copyValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : value;
    case 'number':
    case 'boolean':
      return String(value);
    case 'undefined':
      return '\\N';
    default:
      return value === null ? '\\N' : copyValue(JSON.stringify(value));
  }
}

/** Rows (values by position, `width` columns) as COPY text lines, newline-terminated. */
export function copyLines(rows: readonly (readonly unknown[])[], width: number): string {
  let out = '';
  for (const row of rows) {
    let line = copyValue(row[0]);
    for (let i = 1; i < width; i++) line += '\t' + copyValue(row[i]);
    out += line + '\n';
  }
  return out;
}
