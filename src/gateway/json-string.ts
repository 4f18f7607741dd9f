// Reading and writing one JSON string literal inside a larger JSON text, for edits made in place (a streamed
// chunk's answer text): most answer text needs no escapes, so it is taken and written as a plain slice, and
// JSON.parse / JSON.stringify run only for the strings that need them.

import { BACKSLASH } from './json-scan.ts';

/**
 * Index just past the string literal whose opening quote is at `at`, or -1 when it does not close. Jumps from
 * quote to quote with indexOf: a loop over every character costs many times more.
 */
export function jsonStringEnd(text: string, at: number): number {
  let from = at + 1;
  for (;;) {
    const q = text.indexOf('"', from);
    if (q < 0) return -1;
    // a quote after an odd run of backslashes is escaped and does not close the string
    let backslashes = 0;
    for (let j = q - 1; j > at && text.charCodeAt(j) === BACKSLASH; j--) backslashes++;
    if ((backslashes & 1) === 0) return q + 1;
    from = q + 1;
  }
}

/**
 * The value of the string literal text[start, end) (quotes included). `plain`: it holds no backslash, so its
 * value is the text between the quotes (a raw control character, invalid in JSON, is then taken as it is).
 */
export function decodeJsonString(text: string, start: number, end: number, plain: boolean): string {
  return plain ? text.slice(start + 1, end - 1) : (JSON.parse(text.slice(start, end)) as string);
}

/** Whether the string literal text[start, end) holds an escape (a backslash). */
export function hasEscape(text: string, start: number, end: number): boolean {
  const b = text.indexOf('\\', start + 1);
  return b >= 0 && b < end;
}

/** The value of the string literal text[start, end) (quotes included), parsed only when it holds an escape. */
export function readJsonString(text: string, start: number, end: number): string {
  return decodeJsonString(text, start, end, !hasEscape(text, start, end));
}

/** Characters JSON.stringify escapes: quote, backslash, controls; surrogates too (lone ones are escaped). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** The JSON literal for `value`: the same text as JSON.stringify(value) gives. */
export function encodeJsonString(value: string): string {
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
}

/** What goes between the quotes of `value`'s JSON literal (for a splice that keeps the quotes in place). */
export function jsonStringContent(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  const literal = JSON.stringify(value);
  return literal.slice(1, literal.length - 1);
}
