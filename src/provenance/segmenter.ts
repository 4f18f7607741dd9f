// Splits text arriving in arbitrary chunks into whitespace and tokens (runs of non-whitespace), holding back
// only the token still being written. Batch and streaming callers both go through it, so a text cut into
// any chunks yields exactly the same tokens, and therefore the same output, as the whole text at once.
// Unchanged text is passed through as slices of the input; nothing is allocated per token. A sink that can
// take a run of whole tokens at once (`tokens`) gets the part of each chunk between the token carried over
// from the previous chunk and the one still being written in one call, which saves a call and a string per
// token on the gateway's hot path.

export interface TokenSink {
  /**
   * The token text[start, end); returns its replacement, or null to emit it unchanged.
   * `fragment`: a piece of a token longer than the hold limit.
   */
  token(text: string, start: number, end: number, fragment: boolean): string | null;
  newline(): void;
  /**
   * Optional: the whole tokens and whitespace text[start, end), the first token starting at `start` and the
   * last ending at `end` (end of the text or whitespace); must give what `token` on each token and
   * `newline` on each line break would give, a token of `MAX_HELD_CHARS` or more being fed as pieces of
   * that length (fragments) as the segmenter does. Returns the run with its replacements, or null.
   */
  tokens?(text: string, start: number, end: number): string | null;
  /**
   * Optional: whether the unfinished token text[start, end) is sure to come out unchanged whatever follows it
   * (no word in it can be, or become, one the sink changes). Its text is then emitted at once rather than
   * held back until the token ends; the token is still given to `token` whole when it ends.
   */
  settled?(text: string, start: number, end: number): boolean;
}

/** A token longer than this is emitted in pieces (and left unmarked) rather than held back whole. */
export const MAX_HELD_CHARS = 256;

export function isWhitespace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c >= 0x80 && (c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0x3000 || (c >= 0x2000 && c <= 0x200a)));
}

export class TokenSegmenter {
  private pending = '';
  /** How much of `pending` went out already (it was settled when it did). */
  private emitted = 0;
  /** Inside a token that has already exceeded the hold limit. */
  private overlong = false;

  constructor(private readonly sink: TokenSink) {}

  /** Feeds a chunk; returns what can be emitted now. */
  push(delta: string): string {
    const sink = this.sink;
    const n = delta.length;
    if (sink.tokens === undefined) return this.scanRange(delta, 0, n);
    let out = '';
    let i = 0;
    if (this.pending !== '' || this.overlong) {
      // the rest of the token carried over from the last chunk
      let space = 0;
      while (space < n && !isWhitespace(delta.charCodeAt(space))) space++;
      if (space < n && !this.overlong && this.pending.length + space < MAX_HELD_CHARS) {
        const tok = this.pending + delta.slice(0, space);
        this.pending = '';
        out = this.unsent(sink.token(tok, 0, tok.length, false) ?? tok);
        i = space;
      } else {
        // it goes on past this chunk, or is too long to hold: token by token up to the whitespace after it
        while (space < n && isWhitespace(delta.charCodeAt(space))) space++;
        out = this.scanRange(delta, 0, space);
        i = space;
      }
    }
    // [i, tail): whole tokens and whitespace; [tail, n): the token still being written
    let tail = n;
    while (tail > i && !isWhitespace(delta.charCodeAt(tail - 1))) tail--;
    if (tail > i) out += sink.tokens(delta, i, tail) ?? delta.slice(i, tail);
    if (tail < n) {
      if (n - tail < MAX_HELD_CHARS) {
        this.pending = delta.slice(tail);
        out += this.emitSettled();
      } else out += this.scanRange(delta, tail, n);
    }
    return out;
  }

  /** Token by token through delta[from, to), which starts where the previous call left off. */
  private scanRange(delta: string, from: number, to: number): string {
    const sink = this.sink;
    const n = to;
    let out = '';
    /** delta[copied, …) has not been emitted yet */
    let copied = from;
    let segStart = from;
    let i = from;
    while (i < n) {
      const c = delta.charCodeAt(i);
      if (c === 32 || isWhitespace(c)) {
        if (this.pending !== '') {
          const tok = this.pending + delta.slice(segStart, i);
          this.pending = '';
          out += this.unsent(sink.token(tok, 0, tok.length, this.overlong) ?? tok);
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
        out += this.unsent(sink.token(tok, 0, tok.length, true) ?? tok);
        this.overlong = true;
        copied = i + 1;
        segStart = i + 1;
      }
      i++;
    }
    out += delta.slice(copied, segStart);
    if (segStart < n) {
      this.pending += delta.slice(segStart, n);
      out += this.emitSettled();
    }
    return out;
  }

  /** The part of a finished token (as the sink returned it) that has not gone out yet. */
  private unsent(token: string): string {
    const sent = this.emitted;
    this.emitted = 0;
    // a settled part cannot have changed: the sink's replacements all lie after it
    return sent === 0 ? token : token.slice(sent);
  }

  /** Sends the held token's new text at once when the sink says it cannot change. */
  private emitSettled(): string {
    const held = this.pending;
    if (this.sink.settled === undefined || this.overlong || held.length === this.emitted || !this.sink.settled(held, 0, held.length)) return '';
    const out = held.slice(this.emitted);
    this.emitted = held.length;
    return out;
  }

  /** Flushes the held-back token at the end of the text. */
  end(): string {
    if (this.pending === '') return '';
    const tok = this.pending;
    this.pending = '';
    const out = this.unsent(this.sink.token(tok, 0, tok.length, this.overlong) ?? tok);
    this.overlong = false;
    return out;
  }
}
