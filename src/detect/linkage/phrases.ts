// Boundary phrases: the first and the last sentence of a prompt (lower-cased, digits masked), hashed. A
// campaign that paraphrases its harvest still wraps each task in a handful of openers and closers ("Working
// on a practice set.", "Go slowly and write out all the reasoning."): the task in between differs on every
// request, so MinHash over the whole prompt does not see them, but the same few boundary sentences recur in
// every account of the campaign. Sentences shorter than MIN_WORDS ("Thanks.") are shared by strangers and
// are skipped; rarity weighting (evidence-index.ts) takes care of common longer ones.

/** Words a boundary sentence needs to count. */
export const MIN_WORDS = 4;
/** Characters looked at from each end of the prompt. */
const SPAN = 160;

/** Kinds of UTF-16 code units, one table lookup per character instead of a chain of comparisons. */
const WHITESPACE = 1;
/** . ! ? : newline, and the CJK full stop, question and exclamation marks */
const SENTENCE_END = 2;
const KIND = (() => {
  const t = new Uint8Array(0x10000);
  for (const c of [32, 9, 13, 10]) t[c]! |= WHITESPACE;
  for (const c of [46, 33, 63, 58, 10, 0x3002, 0xff1f, 0xff01]) t[c]! |= SENTENCE_END;
  return t;
})();

/** FNV-1a of text[from, to) lower-cased, digits as '0', runs of whitespace as one space; 0 when too short. */
function sentenceHash(text: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  let words = 0;
  let inWord = false;
  let lastSpace = true;
  for (let i = from; i < to; i++) {
    let c = text.charCodeAt(i);
    if ((KIND[c]! & WHITESPACE) !== 0) {
      inWord = false;
      if (lastSpace) continue;
      lastSpace = true;
      c = 32;
    } else {
      lastSpace = false;
      if (!inWord) {
        inWord = true;
        words++;
      }
      if (c <= 90) {
        if (c >= 65) c += 32;
        else if (c >= 48 && c <= 57) c = 48;
      }
    }
    h ^= c;
    h = Math.imul(h, 0x01000193);
  }
  return words >= MIN_WORDS ? h | 0 : 0;
}

/**
 * Hashes of the first and of the last sentence of `text` (0 where there is none worth keeping, and the last
 * is 0 when it is the first). Looks at SPAN characters from each end only.
 */
export function boundaryPhrases(text: string, out: Int32Array): void {
  out[0] = 0;
  out[1] = 0;
  let start = 0;
  while (start < text.length && text.charCodeAt(start) <= 32) start++;
  let end = text.length;
  while (end > start && text.charCodeAt(end - 1) <= 32) end--;
  if (end <= start) return;
  // first sentence: up to and including the first sentence end within SPAN
  const headLimit = Math.min(end, start + SPAN);
  let firstEnd = -1;
  for (let i = start; i < headLimit; i++) {
    if ((KIND[text.charCodeAt(i)]! & SENTENCE_END) !== 0) {
      firstEnd = i + 1;
      break;
    }
  }
  if (firstEnd > 0) out[0] = sentenceHash(text, start, firstEnd);
  // last sentence: after the last sentence end before the final character, within SPAN of the end
  const tailLimit = Math.max(start, end - SPAN);
  let lastStart = -1;
  for (let i = end - 2; i >= tailLimit; i--) {
    if ((KIND[text.charCodeAt(i)]! & SENTENCE_END) !== 0) {
      lastStart = i + 1;
      break;
    }
  }
  if (lastStart > 0 && lastStart >= firstEnd && firstEnd > 0) out[1] = sentenceHash(text, lastStart, end);
}
