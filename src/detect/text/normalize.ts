// Prompt text → token hashes, with the variable parts of a template masked, in one pass and without
// allocating substrings: numbers become NUM, quoted spans QUOTE, capitalised words inside a sentence NAME.
// What stays is the template ("Explain NAME. Show all of your reasoning."), so prompts generated from one
// template hash alike even when their topics differ. Chinese, Japanese and Korean have no spaces: each of
// their characters is a token, so word shingles over them become character n-grams.
import type { ChatMessage } from '../../events/types.ts';

export const NUM_TOKEN = 0x6e756d21; // (all three below 2^31: valid int32)
export const QUOTE_TOKEN = 0x71756f74;
export const NAME_TOKEN = 0x6e616d65;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** A quoted span longer than this is probably not a slot of a template: its words are kept. */
const MAX_QUOTE = 200;

function isCjk(c: number): boolean {
  return (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af) || (c >= 0xf900 && c <= 0xfaff);
}

function isWordChar(c: number): boolean {
  if (c >= 97 && c <= 122) return true; // a-z
  if (c >= 65 && c <= 90) return true; // A-Z
  if (c >= 48 && c <= 57) return true; // 0-9
  if (c === 39 || c === 95) return true; // ' _
  // Latin-1 letters, Latin extended, Greek, Cyrillic and other alphabetic scripts (not punctuation blocks)
  return c >= 0xc0 && c < 0x2000 && c !== 0xd7 && c !== 0xf7;
}

function closingQuote(c: number): number {
  switch (c) {
    case 34: return 34; // "
    case 0x201c: return 0x201d; // “ ”
    case 0xab: return 0xbb; // « »
    case 0x300c: return 0x300d; // 「 」
    case 0x300e: return 0x300f; // 『 』
    case 96: return 96; // `
    default: return -1;
  }
}

/** Character classes of every UTF-16 code unit, from the predicates above (one table lookup per character). */
const WORD = 1;
const CJK = 2;
const QUOTE = 4;
const SENTENCE_END = 8;
const CLASS = (() => {
  const t = new Uint8Array(0x10000);
  for (let c = 0; c < t.length; c++) {
    if (isWordChar(c)) t[c]! |= WORD;
    if (isCjk(c)) t[c]! |= CJK;
    if (closingQuote(c) >= 0) t[c]! |= QUOTE;
    if (c === 46 || c === 33 || c === 63 || c === 10 || c === 58 || c === 0x3002) t[c]! |= SENTENCE_END;
  }
  return t;
})();

/**
 * Writes the masked token hashes of `text` (at most `maxChars` from its start) into `out`; returns how many.
 * `out.length` bounds the number of tokens.
 */
export function tokenHashes(text: string, maxChars: number, out: Int32Array): number {
  const end = Math.min(text.length, maxChars);
  const cap = out.length;
  let n = 0;
  let sentenceStart = true;
  let i = 0;
  while (i < end && n < cap) {
    const c = text.charCodeAt(i);
    const k = CLASS[c]!;
    if ((k & WORD) === 0) {
      if ((k & QUOTE) !== 0) {
        const j = text.indexOf(String.fromCharCode(closingQuote(c)), i + 1);
        if (j > i && j - i <= MAX_QUOTE) {
          out[n++] = QUOTE_TOKEN;
          i = j + 1;
          sentenceStart = false;
          continue;
        }
      } else if ((k & CJK) !== 0) {
        out[n++] = Math.imul(FNV_OFFSET ^ c, FNV_PRIME);
      } else if ((k & SENTENCE_END) !== 0) {
        sentenceStart = true;
      }
      i++;
      continue;
    }
    // a word: hash lowercased, note digits and capitalisation
    const capital = c >= 65 && c <= 90;
    let h = FNV_OFFSET;
    let digits = false;
    let len = 0;
    while (i < end) {
      let d = text.charCodeAt(i);
      if ((CLASS[d]! & WORD) === 0) break;
      if (d >= 65 && d <= 90) d += 32;
      else if (d >= 48 && d <= 57) digits = true;
      h = Math.imul(h ^ d, FNV_PRIME);
      i++;
      len++;
    }
    if (digits) out[n++] = NUM_TOKEN;
    else if (capital && !sentenceStart && len > 1) out[n++] = NAME_TOKEN;
    else out[n++] = h;
    sentenceStart = false;
  }
  return n;
}

/** The hash `tokenHashes` gives a plain lowercase word (for lexicons). */
export function wordHash(word: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), FNV_PRIME);
  return h;
}

/** The text of the last user message (the part of a conversation the caller wrote last), or ''. */
export function lastUserText(messages: ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role === 'user' && typeof m.content === 'string') return m.content;
  }
  return '';
}

/** The system prompt, or ''. */
export function systemText(messages: ChatMessage[]): string {
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if ((m.role === 'system' || m.role === 'developer') && typeof m.content === 'string') return m.content;
  }
  return '';
}

/**
 * The part of a text that content patterns scan: instructions sit at the start or the end of a prompt,
 * so long texts are cut to their head and tail (keeps the regex cost flat on long RAG contexts).
 *
 * The cut text is joined into one flat string: `head + '\n' + tail` would be a V8 cons string, and a few of
 * those among the flat strings JSON.parse makes leave the optimized code of every loop that reads texts with
 * `charCodeAt` (the literal gate, the phrase hashes) slower on all of them (docs/analyze.md, Speed).
 */
export function scanWindow(text: string, headChars: number, tailChars: number): string {
  if (text.length <= headChars + tailChars) return text;
  return [text.slice(0, headChars), text.slice(text.length - tailChars)].join('\n');
}
