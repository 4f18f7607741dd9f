// Splits text arriving in arbitrary chunks into whitespace and tokens (runs of non-whitespace), holding back
// only the token still being written. Batch and streaming callers both go through it, so a text cut into
// any chunks yields exactly the same tokens, and therefore the same output, as the whole text at once.
// Unchanged text is passed through as slices of the input; nothing is allocated per token.

export interface TokenSink {
  /**
   * The token text[start, end); returns its replacement, or null to emit it unchanged.
   * `fragment`: a piece of a token longer than the hold limit.
   */
  token(text: string, start: number, end: number, fragment: boolean): string | null;
  newline(): void;
}

/** A token longer than this is emitted in pieces (and left unmarked) rather than held back whole. */
export const MAX_HELD_CHARS = 256;

export function isWhitespace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c >= 0x80 && (c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0x3000 || (c >= 0x2000 && c <= 0x200a)));
}

export class TokenSegmenter {
  private pending = '';
  /** Inside a token that has already exceeded the hold limit. */
  private overlong = false;

  constructor(private readonly sink: TokenSink) {}

  /** Feeds a chunk; returns what can be emitted now. */
  push(delta: string): string {
    const sink = this.sink;
    const n = delta.length;
    let out = '';
    /** delta[copied, …) has not been emitted yet */
    let copied = 0;
    let segStart = 0;
    let i = 0;
    while (i < n) {
      const c = delta.charCodeAt(i);
      if (c === 32 || isWhitespace(c)) {
        if (this.pending !== '') {
          const tok = this.pending + delta.slice(segStart, i);
          this.pending = '';
          out += sink.token(tok, 0, tok.length, this.overlong) ?? tok;
          copied = i;
        } else if (i > segStart) {
          const replaced = sink.token(delta, segStart, i, this.overlong);
          if (replaced !== null) {
            out += delta.slice(copied, segStart) + replaced;
            copied = i;
          }
        }
        this.overlong = false;
        if (c === 10) sink.newline();
        i++;
        while (i < n) {
          const w = delta.charCodeAt(i);
          if (w !== 32 && !isWhitespace(w)) break;
          if (w === 10) sink.newline();
          i++;
        }
        segStart = i;
        continue;
      }
      if (i - segStart + 1 + this.pending.length >= MAX_HELD_CHARS) {
        const tok = this.pending + delta.slice(segStart, i + 1);
        out += delta.slice(copied, segStart);
        this.pending = '';
        out += sink.token(tok, 0, tok.length, true) ?? tok;
        this.overlong = true;
        copied = i + 1;
        segStart = i + 1;
      }
      i++;
    }
    out += delta.slice(copied, segStart);
    if (segStart < n) this.pending += delta.slice(segStart);
    return out;
  }

  /** Flushes the held-back token at the end of the text. */
  end(): string {
    if (this.pending === '') return '';
    const tok = this.pending;
    this.pending = '';
    const out = this.sink.token(tok, 0, tok.length, this.overlong) ?? tok;
    this.overlong = false;
    return out;
  }
}
