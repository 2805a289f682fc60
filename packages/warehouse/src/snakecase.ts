// Snake-casing as RudderStack's warehouse transformer does it: words are found with lodash's word
// classes (the same character ranges and alternatives), lower-cased and joined by `_`.
// Rules from rudderlabs/rudder-server@f2655fbbe2260deb4e01c2a54da1a827291713bb,
// processor/internal/transformer/destination_transformer/embedded/warehouse/internal/snakecase/snakecase.go:
// - ToSnakeCase (destination config `underscoreDivideNumbers: true`, older destinations) splits letters
//   from digits ("omega v2" → "omega_v_2");
// - ToSnakeCaseWithNumbers (the default for new destinations) keeps a run of letters and digits whole
//   ("k3_namespace" stays "k3_namespace"; "CamelCase123Key" → "camel_case123_key").
// The character classes work on UTF-16 code units, as lodash's do (no `u` flag, on purpose).

const astral = '\\ud800-\\udfff';
const comboRange = '\\u0300-\\u036f\\ufe20-\\ufe2f\\u20d0-\\u20ff\\u1ab0-\\u1aff\\u1dc0-\\u1dff';
const dingbatRange = '\\u2700-\\u27bf';
const lowerRange = 'a-z\\xdf-\\xf6\\xf8-\\xff';
const mathOp = '\\xac\\xb1\\xd7\\xf7';
const nonChar = '\\x00-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\xbf';
const punctuation = '\\u2000-\\u206f';
const space =
  ' \\t\\x0b\\f\\xa0\\ufeff\\n\\r\\u2028\\u2029\\u1680\\u180e\\u2000\\u2001\\u2002\\u2003\\u2004\\u2005\\u2006\\u2007\\u2008\\u2009\\u200a\\u202f\\u205f\\u3000';
const upperRange = 'A-Z\\xc0-\\xd6\\xd8-\\xde';
const varRange = '\\ufe0e\\ufe0f';
const breakRange = mathOp + nonChar + punctuation + space;

const apos = "['\u2019]";
const brk = `[${breakRange}]`;
const combo = `[${comboRange}]`;
const digit = '\\d';
const dingbat = `[${dingbatRange}]`;
const lower = `[${lowerRange}]`;
const misc = `[^${astral}${breakRange}${digit}${dingbatRange}${lowerRange}${upperRange}]`;
const fitz = '\\ud83c[\\udffb-\\udfff]';
const modifier = `(?:${combo}|${fitz})`;
const nonAstral = `[^${astral}]`;
const regional = '(?:\\ud83c[\\udde6-\\uddff]){2}';
const surrPair = '[\\ud800-\\udbff][\\udc00-\\udfff]';
const upper = `[${upperRange}]`;
const zwj = '\\u200d';
const miscLower = `(?:${lower}|${misc})`;
const miscUpper = `(?:${upper}|${misc})`;
const contrLower = `(?:${apos}(?:d|ll|m|re|s|t|ve))?`;
const contrUpper = `(?:${apos}(?:D|LL|M|RE|S|T|VE))?`;
const optMod = `${modifier}?`;
const optVar = `[${varRange}]?`;
const optJoin = `(?:${zwj}(?:${nonAstral}|${regional}|${surrPair})${optVar}${optMod})*`;
const ordLower = '\\d*(?:1st|2nd|3rd|(?![123])\\dth)(?=\\b|[A-Z_])';
const ordUpper = '\\d*(?:1ST|2ND|3RD|(?![123])\\dTH)(?=\\b|[a-z_])';
const emoji = `(?:${dingbat}|${regional}|${surrPair})${optVar}${optMod}${optJoin}`;

const wordAlternatives = [
  `${upper}?${lower}+${contrLower}(?=${brk}|${upper}|$)`,
  `${miscUpper}+${contrUpper}(?=${brk}|${upper}${miscLower}|$)`,
  `${upper}?${miscLower}+${contrLower}`,
  `${upper}+${contrUpper}`,
  ordUpper,
  ordLower,
  `${digit}+`,
  emoji,
];
const withNumbersAlternatives = [
  `${upper}?${lower}+${digit}+`,
  `${upper}+${digit}+`,
  `${digit}+${upper}?${lower}+`,
  `${digit}+${upper}+`,
  ...wordAlternatives,
];

// The classes mix combining marks and surrogate halves on purpose (lodash's, code unit by code unit).
// eslint-disable-next-line no-misleading-character-class
const reUnicodeWords = new RegExp(wordAlternatives.join('|'), 'g');
// eslint-disable-next-line no-misleading-character-class
const reUnicodeWordsWithNumbers = new RegExp(withNumbersAlternatives.join('|'), 'g');
// eslint-disable-next-line no-control-regex
const reAsciiWord = /[^\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+/g;
const reHasUnicodeWord = /[a-z][A-Z]|[A-Z]{2}[a-z]|[0-9][a-zA-Z]|[a-zA-Z][0-9]|[^a-zA-Z0-9 ]/;

function words(s: string, unicode: RegExp): string[] {
  const re = reHasUnicodeWord.test(s) ? unicode : reAsciiWord;
  return s.match(re) ?? [];
}

function snake(s: string, unicode: RegExp): string {
  const cleaned = s.replace(/['\u2019]/g, '');
  return words(cleaned, unicode)
    .map((w) => w.toLowerCase())
    .join('_');
}

/** `underscoreDivideNumbers: true`: letters and digits become separate words. */
export function toSnakeCase(s: string): string {
  return snake(s, reUnicodeWords);
}

/** The default: a run of letters followed or preceded by digits stays one word. */
export function toSnakeCaseWithNumbers(s: string): string {
  return snake(s, reUnicodeWordsWithNumbers);
}
