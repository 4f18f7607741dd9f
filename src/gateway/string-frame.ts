// The JSON text around one string literal, kept from a streamed event so that the next events that differ
// from it only in that string (each text delta of a stream, as a rule) are recognised without reading them:
// the kept text was well-formed with a string literal in that place, so the same text around any other string
// literal is well-formed too, with the same structure. A comparison of two slices is far cheaper than a walk.
import { jsonStringEnd } from './json-string.ts';

export class StringFrame {
  private prefix = '';
  private tail = '';

  /** Keeps the text around the string literal text[start, end) (quotes included) as the frame. */
  keep(text: string, start: number, end: number): void {
    this.prefix = text.slice(0, start + 1);
    this.tail = text.slice(end - 1);
  }

  /** Where the frame's string literal starts (its opening quote), in any text the frame matches. */
  get literalStart(): number {
    return this.prefix.length - 1;
  }

  /** The end of the string literal (just past its closing quote) when `text` is the frame around one; else -1. */
  match(text: string): number {
    const prefix = this.prefix;
    const tail = this.tail;
    // slice and === compare with memcmp, several times faster than startsWith
    if (prefix === '' || text.length < prefix.length + tail.length || text.slice(0, prefix.length) !== prefix) return -1;
    const end = jsonStringEnd(text, prefix.length - 1);
    if (end < 0 || text.length - end + 1 !== tail.length || text.slice(end - 1) !== tail) return -1;
    return end;
  }
}
