// The character codes and small steps shared by the gateway's in-place JSON readers (json-skim.ts for whole
// answers, dialects/openai/chat-chunk.ts for streamed chunks, json-string.ts for string literals).

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const OPEN_OBJECT = 0x7b;
export const CLOSE_OBJECT = 0x7d;
export const OPEN_ARRAY = 0x5b;
export const CLOSE_ARRAY = 0x5d;

export function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

export function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Index just past a number or literal (true, false, null) starting at `at` (its spelling is checked by whoever parses it). */
export function scalarEnd(text: string, at: number): number {
  let i = at;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === COMMA || c === CLOSE_OBJECT || c === CLOSE_ARRAY || isSpace(c)) break;
  }
  return i;
}

/**
 * Index of the next key `"name"` at or after `from` whose value opens with the character `opening` (an object's
 * brace, a string's quote), or -1. `nameQuote` is the name and its closing quote (`usage"`): a needle opening
 * with a quote would stop the search at every string of the text, which makes indexOf several times slower.
 * Inside a string every quote is escaped, so `name"` there cannot match; a match is a key, or a string ending
 * in `\"name`, which (as the caller parses what it finds) costs a parse and no wrong answer. A key written with
 * escapes is not found.
 */
export function findKeyWithValue(text: string, nameQuote: string, opening: number, from: number): number {
  let at = text.indexOf(nameQuote, from + 1);
  while (at > 0) {
    const next = at + nameQuote.length;
    if (text.charCodeAt(at - 1) === QUOTE) {
      const colon = skipSpace(text, next);
      if (text.charCodeAt(colon) === COLON && text.charCodeAt(skipSpace(text, colon + 1)) === opening) return at - 1;
    }
    at = text.indexOf(nameQuote, next);
  }
  return -1;
}
