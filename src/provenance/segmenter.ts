// Splits text arriving in arbitrary chunks into whitespace and tokens (runs of non-whitespace), holding back
// only the token still being written. Batch and streaming callers both go through it, so a text cut into
// any chunks yields exactly the same tokens, and therefore the same output, as the whole text at once.

export interface TokenSink {
  /** Returns the token as it should be emitted. `fragment`: a piece of a token longer than the hold limit. */
  token(tok: string, fragment: boolean): string;
  whitespace(code: number): void;
}

/** A token longer than this is emitted in pieces (and left unmarked) rather than held back whole. */
export const MAX_HELD_CHARS = 256;

export function isWhitespace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0x3000 || (c >= 0x2000 && c <= 0x200a);
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
    let segStart = 0;
    let i = 0;
    while (i < n) {
      const c = delta.charCodeAt(i);
      if (isWhitespace(c)) {
        if (i > segStart || this.pending !== '') {
          const tok = this.pending === '' ? delta.slice(segStart, i) : this.pending + delta.slice(segStart, i);
          this.pending = '';
          out += sink.token(tok, this.overlong);
        }
        this.overlong = false;
        let j = i;
        while (j < n && isWhitespace(delta.charCodeAt(j))) {
          sink.whitespace(delta.charCodeAt(j));
          j++;
        }
        out += delta.slice(i, j);
        segStart = j;
        i = j;
        continue;
      }
      if (this.pending.length + (i - segStart) + 1 >= MAX_HELD_CHARS) {
        out += sink.token(this.pending + delta.slice(segStart, i + 1), true);
        this.pending = '';
        this.overlong = true;
        segStart = i + 1;
      }
      i++;
    }
    if (segStart < n) this.pending += delta.slice(segStart);
    return out;
  }

  /** Flushes the held-back token at the end of the text. */
  end(): string {
    if (this.pending === '') return '';
    const tok = this.pending;
    this.pending = '';
    const out = this.sink.token(tok, this.overlong);
    this.overlong = false;
    return out;
  }
}
