// Walks a response token by token (a token is a run of non-whitespace), tracks the regions where the
// watermark must not touch anything, and reports each lexicon word in an ordinary prose position together
// with the word before it (its context). The watermarker and the detector share this walk, so they agree
// on which words are candidates and on what each one's context is.
//
// Left alone: ``` fenced blocks, `inline code`, "quoted text" (straight or curly quotes; a line break ends
// a quote so a stray quote mark cannot silence the rest of a response), JSON and anything else inside
// {…} or […], block quotes (lines starting with ">"), URLs, e-mail addresses, paths, domain names,
// numbers, and words joined to others by a hyphen, apostrophe, underscore or digit.
import { lookupWord as importedLookupWord, mayBeginWord, mayBeLexiconWord as importedMayBeLexiconWord, type LexiconEntry } from './lexicon.ts';
import { isWhitespace, MAX_HELD_CHARS } from './segmenter.ts';

// module-local binding: hot-path calls should not go through a live import binding
const lookupWord = importedLookupWord;
const mayBeLexiconWord = importedMayBeLexiconWord;

/** Where the two words before a candidate are: before[bs, be) then prev[ps, pe); empty at a text's start. */
export interface ContextWords {
  before: string;
  bs: number;
  be: number;
  prev: string;
  ps: number;
  pe: number;
}

/**
 * Called for a candidate word token[start, end) with its context (read it during the call only: the
 * scanner reuses the object). Returns the replacement, or null to keep the word.
 */
export type CandidateVisitor = (token: string, start: number, end: number, entry: LexiconEntry, context: ContextWords) => string | null;

const CH_QUOTE = 34;
const CH_APOSTROPHE = 39;
const CH_HYPHEN = 45;
const CH_DOT = 46;
const CH_GT = 62;
const CH_LBRACKET = 91;
const CH_RBRACKET = 93;
const CH_UNDERSCORE = 95;
const CH_BACKTICK = 96;
const CH_LBRACE = 123;
const CH_RBRACE = 125;
const CH_RIGHT_SINGLE_QUOTE = 0x2019;
const CH_LEFT_DOUBLE_QUOTE = 0x201c;
const CH_RIGHT_DOUBLE_QUOTE = 0x201d;

/** ASCII characters that change the scanner's state inside a token: code, quote and bracket marks, a block quote's ">". */
const STATEFUL = new Uint8Array(128);
for (const ch of '`"{}[]>') STATEFUL[ch.charCodeAt(0)] = 1;

/** Characters that mark a token as code, a URL, an address or a path: nothing in it is changed. */
const PROTECTING = new Uint8Array(128);
for (const ch of '/\\@=<>|~^$%&#+') PROTECTING[ch.charCodeAt(0)] = 1;

/** An ASCII letter, in one comparison: folded to lower case, then an unsigned range check. */
function isLetter(c: number): boolean {
  return ((c | 0x20) - 97) >>> 0 < 26;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
/** A neighbour that makes a word part of a compound, a contraction, an identifier or a number. */
function isJoiner(c: number): boolean {
  return c === CH_HYPHEN || c === CH_APOSTROPHE || c === CH_RIGHT_SINGLE_QUOTE || c === CH_UNDERSCORE || isDigit(c) || c > 127;
}

/** Whole tokens text[start, end) that are URLs, addresses, paths, domain names or code-like: never changed. */
export function isProtectedToken(text: string, start = 0, end = text.length): boolean {
  if (end - start >= 4 && text.startsWith('www.', start)) return true;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 && PROTECTING[c] === 1) return true;
    // a dot between two letters: example.com, file.txt, e.g.
    if (c === CH_DOT && i > start && i + 1 < end && isLetter(text.charCodeAt(i - 1)) && isLetter(text.charCodeAt(i + 1))) return true;
    // "://" is covered by "/"; a colon alone (e.g. "Note:") is prose
  }
  return false;
}

/**
 * Whether no word of the unfinished token text[start, end) can be a candidate, whatever follows it: none of its
 * complete words is in the lexicon and its last letters (which may go on) begin no lexicon word.
 */
export function holdsNoCandidate(text: string, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    if (!isLetter(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < end && isLetter(text.charCodeAt(j))) j++;
    if (j === end ? mayBeginWord(text, i, j) : lookupWord(text, i, j) !== undefined) return false;
    i = j;
  }
  return true;
}

export class MarkScanner {
  private fence = false;
  private inlineCode = false;
  private quote = false;
  private depth = 0;
  private blockquote = false;
  private lineStart = true;
  private readonly context: ContextWords = { before: '', bs: 0, be: 0, prev: '', ps: 0, pe: 0 };
  /** Words seen so far (every word, candidate or not). */
  words = 0;

  /** A line break: quotes, inline code and block quotes end with their line. */
  newline(): void {
    this.quote = false;
    this.inlineCode = false;
    this.blockquote = false;
    this.lineStart = true;
  }

  /**
   * Scans the token tok[from, n), calling `visit` for each candidate word; returns the token with the
   * replacements `visit` chose, or null when there are none. A `fragment` is a piece of an over-long
   * token: state is tracked through it but nothing in it is a candidate.
   */
  token(tok: string, from: number, n: number, fragment: boolean, visit: CandidateVisitor): string | null {
    if (this.lineStart && n > from && tok.charCodeAt(from) === CH_GT) this.blockquote = true;
    this.lineStart = false;
    // whether the whole token is a URL, path, address…: worked out only once a candidate word turns up in it
    let tokenProtected = fragment ? 1 : -1;
    let out: string | null = null;
    let copied = from;
    let i = from;
    while (i < n) {
      const c = tok.charCodeAt(i);
      if (isLetter(c)) {
        let j = i + 1;
        while (j < n && isLetter(tok.charCodeAt(j))) j++;
        this.words++;
        let replacement: string | null = null;
        if (
          tokenProtected !== 1 &&
          !this.fence &&
          !this.inlineCode &&
          !this.quote &&
          this.depth === 0 &&
          !this.blockquote &&
          !(i > from && isJoiner(tok.charCodeAt(i - 1))) &&
          !(j < n && isJoiner(tok.charCodeAt(j)))
        ) {
          const entry = lookupWord(tok, i, j);
          if (entry !== undefined && tokenProtected === -1) tokenProtected = isProtectedToken(tok, from, n) ? 1 : 0;
          if (entry !== undefined && tokenProtected === 0 && !(entry.articleSensitive && this.contextIsArticle())) {
            replacement = visit(tok, i, j, entry, this.context);
          }
        }
        if (replacement === null) this.shiftContext(tok, i, j);
        else {
          out = (out ?? '') + tok.slice(copied, i) + replacement;
          copied = j;
          // the next words' context is what the reader (and the detector) will see
          this.shiftContext(replacement, 0, replacement.length);
        }
        i = j;
        continue;
      }
      if (c === CH_BACKTICK) {
        let j = i + 1;
        while (j < n && tok.charCodeAt(j) === CH_BACKTICK) j++;
        if (j - i >= 3) {
          this.fence = !this.fence;
          this.inlineCode = false;
        } else if (!this.fence) {
          this.inlineCode = !this.inlineCode;
        }
        i = j;
        continue;
      }
      if (!this.fence && !this.inlineCode) {
        if (c === CH_QUOTE) this.quote = !this.quote;
        else if (c === CH_LEFT_DOUBLE_QUOTE) this.quote = true;
        else if (c === CH_RIGHT_DOUBLE_QUOTE) this.quote = false;
        else if (!this.quote) {
          if (c === CH_LBRACE || c === CH_LBRACKET) this.depth++;
          else if ((c === CH_RBRACE || c === CH_RBRACKET) && this.depth > 0) this.depth--;
        }
      }
      i++;
    }
    return out === null ? null : out + tok.slice(copied, n);
  }

  /**
   * Scans the whole tokens and whitespace text[start, end) (see `TokenSink.tokens`): the same as `token` on
   * each token and `newline` on each line break, in one pass without a slice per token. Returns the run with
   * the replacements `visit` chose, or null when there are none.
   */
  scanTokens(text: string, start: number, end: number, visit: CandidateVisitor): string | null {
    let out: string | null = null;
    let copied = start;
    let i = this.plainTokens(text, start, end);
    while (i < end) {
      // a token that is not plain starts at i
      let e = i + 1;
      while (e < end) {
        const d = text.charCodeAt(e);
        // printable ASCII (most characters) is never whitespace: one comparison pair
        if ((d <= 32 || d >= 0x80) && isWhitespace(d)) break;
        e++;
      }
      if (e - i < MAX_HELD_CHARS) {
        const replaced = this.token(text, i, e, false, visit);
        if (replaced !== null) {
          out = (out ?? '') + text.slice(copied, i) + replaced;
          copied = e;
        }
      } else {
        // as the segmenter feeds a token too long to hold: in pieces, none of them marked
        let p = i;
        for (; e - p >= MAX_HELD_CHARS; p += MAX_HELD_CHARS) this.token(text, p, p + MAX_HELD_CHARS, true, visit);
        if (p < e) this.token(text, p, e, true, visit);
      }
      i = this.plainTokens(text, e, end);
    }
    return out === null ? null : out + text.slice(copied, end);
  }

  /**
   * Walks whitespace and plain tokens from `start` (at whitespace or a token's start) in one pass, without a
   * call per token or word, and returns where the first token that is not plain starts (or `end`). A plain
   * token is the common one: ASCII letters and punctuation that changes no state (no code, quote, bracket or
   * block-quote mark), no lexicon word, shorter than `MAX_HELD_CHARS`. As none of its words can be a
   * candidate, all `token` would do with it is count its words and move the context past them; that is done
   * here, line breaks as `newline`.
   */
  private plainTokens(text: string, start: number, end: number): number {
    let words = 0;
    // the last two words so far: [bs, be) then [ps, pe)
    let bs = 0;
    let be = 0;
    let ps = 0;
    let pe = 0;
    // the same as of the last whole token: what is kept when the next token turns out not to be plain
    let keptWords = 0;
    let keptBs = 0;
    let keptBe = 0;
    let keptPs = 0;
    let keptPe = 0;
    /** Start of the token being walked, or -1 between tokens. */
    let tokenStart = -1;
    let i = start;
    for (;;) {
      const c = i < end ? text.charCodeAt(i) : 32;
      if (isLetter(c)) {
        if (tokenStart < 0) tokenStart = i;
        const from = i;
        let last = c;
        for (i++; i < end; i++) {
          const d = text.charCodeAt(i);
          if (!isLetter(d)) break;
          last = d;
        }
        if (mayBeLexiconWord(c, last, i - from) && lookupWord(text, from, i) !== undefined) break;
        words++;
        bs = ps;
        be = pe;
        ps = from;
        pe = i;
        continue;
      }
      if (c === 32 || isWhitespace(c)) {
        if (tokenStart >= 0) {
          if (i - tokenStart >= MAX_HELD_CHARS) break;
          tokenStart = -1;
          this.lineStart = false;
          keptWords = words;
          keptBs = bs;
          keptBe = be;
          keptPs = ps;
          keptPe = pe;
        }
        if (i >= end) break;
        if (c === 10) this.newline();
        i++;
        continue;
      }
      if (tokenStart < 0) tokenStart = i;
      if (c >= 128 || STATEFUL[c] === 1) break;
      i++;
    }
    this.words += keptWords;
    const context = this.context;
    if (keptWords >= 2) {
      context.before = text;
      context.bs = keptBs;
      context.be = keptBe;
    } else if (keptWords === 1) {
      context.before = context.prev;
      context.bs = context.ps;
      context.be = context.pe;
    }
    if (keptWords >= 1) {
      context.prev = text;
      context.ps = keptPs;
      context.pe = keptPe;
    }
    return tokenStart >= 0 ? tokenStart : end;
  }

  private shiftContext(text: string, start: number, end: number): void {
    const c = this.context;
    c.before = c.prev;
    c.bs = c.ps;
    c.be = c.pe;
    c.prev = text;
    c.ps = start;
    c.pe = end;
  }

  private contextIsArticle(): boolean {
    const { prev, ps, pe } = this.context;
    const len = pe - ps;
    if (len < 1 || len > 2) return false;
    if ((prev.charCodeAt(ps) | 0x20) !== 97) return false;
    return len === 1 || (prev.charCodeAt(ps + 1) | 0x20) === 110;
  }
}
