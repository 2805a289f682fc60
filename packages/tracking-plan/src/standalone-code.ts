/**
 * Edits to ajv's standalone code. They must reach its code only: the code embeds the plan's own text
 * (schemas, descriptions, patterns) in string literals, and a description may well read `require("x")`.
 */

/**
 * A rule: a sticky pattern, starting with a literal character, tried at the start of each token of the
 * code outside strings, and what replaces its match.
 */
export type CodeRule = [pattern: RegExp, replace: (match: RegExpExecArray) => string];

const IDENTIFIER_CHAR = /[\w$]/;
const SPACE = /\s/;
// After these words an operand starts, so a `/` opens a regular expression, as after an operator.
const OPERAND_KEYWORDS = new Set(['return', 'typeof', 'case', 'in', 'of', 'void', 'delete', 'instanceof', 'new', 'throw', 'else', 'do']);

/** Where the quoted string opening at `start` ends (the index after its closing quote). */
function stringEnd(code: string, start: number): number {
  const quote = code[start];
  let i = start + 1;
  while (i < code.length && code[i] !== quote) i += code[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** Where the regular-expression literal opening at `start` ends (after its flags); a `/` in a class does not close it. */
function regExpEnd(code: string, start: number): number {
  let i = start + 1;
  let inClass = false;
  for (; i < code.length; i++) {
    const char = code[i];
    if (char === '\\') i++;
    else if (char === '[') inClass = true;
    else if (char === ']') inClass = false;
    else if (char === '/' && !inClass) break;
  }
  i++;
  while (i < code.length && IDENTIFIER_CHAR.test(code[i])) i++;
  return i;
}

/** Whether a `/` at `at` divides (it follows an operand) rather than opening a regular expression. */
function divides(code: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && SPACE.test(code[i])) i--;
  if (i < 0) return false;
  const char = code[i];
  if (char === ')' || char === ']' || char === '"' || char === "'" || char === '`') return true;
  if (!IDENTIFIER_CHAR.test(char)) return false;
  let wordStart = i;
  while (wordStart > 0 && IDENTIFIER_CHAR.test(code[wordStart - 1])) wordStart--;
  return !OPERAND_KEYWORDS.has(code.slice(wordStart, i + 1));
}

/**
 * `code` with each rule applied where its pattern matches at the start of a token outside string,
 * regular-expression and comment text (ajv writes format checks as regular-expression literals).
 */
export function rewriteCode(code: string, rules: CodeRule[]): string {
  // Most positions cannot start a match: the regular expressions run only where a rule's first character is.
  const firsts = new Set(rules.map(([pattern]) => pattern.source[0]));
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < code.length) {
    const char = code[i];
    if (char === '"' || char === "'" || char === '`') {
      i = stringEnd(code, i);
      continue;
    }
    if (char === '/') {
      const next = code[i + 1];
      if (next === '/') i = code.indexOf('\n', i) === -1 ? code.length : code.indexOf('\n', i);
      else if (next === '*') i = code.indexOf('*/', i + 2) === -1 ? code.length : code.indexOf('*/', i + 2) + 2;
      else i = divides(code, i) ? i + 1 : regExpEnd(code, i);
      continue;
    }
    if (!firsts.has(char) || (i > 0 && IDENTIFIER_CHAR.test(code[i - 1]))) {
      i++;
      continue;
    }
    let matched = false;
    for (const [pattern, replace] of rules) {
      pattern.lastIndex = i;
      const match = pattern.exec(code);
      if (!match) continue;
      out += code.slice(copied, i) + replace(match);
      i = copied = pattern.lastIndex;
      matched = true;
      break;
    }
    if (!matched) i++;
  }
  return out + code.slice(copied);
}

/** Turns the code's `require(id)` calls into `__require(id)`, collecting each id with a local import name in `imports`. */
export function hoistRequires(code: string, imports: Map<string, string>): string {
  return rewriteCode(code, [
    [
      /require\(("(?:[^"\\]|\\.)+")\)/y,
      ([, literal]) => {
        const id = JSON.parse(literal) as string;
        if (!imports.has(id)) imports.set(id, `__dep${imports.size}`);
        return `__require(${JSON.stringify(id)})`;
      },
    ],
  ]);
}

/**
 * The code with its two costliest inferences declared `any`, for a TypeScript file. Inferred, the error
 * list is a union of every error object the validator can build, and each schema access a walk through
 * the schema's literal type: together most of the time `tsc` spends on a generated client. The
 * annotations change nothing at run time, and the code is not type-checked anyway.
 */
export function declareLoose(code: string): string {
  return rewriteCode(code, [
    [/let vErrors = null;/y, () => 'let vErrors: any = null;'],
    [/const (schema\d+) = /y, ([, name]) => `const ${name}: any = `],
  ]);
}
