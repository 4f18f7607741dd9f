// Adversarial suffixes (GCG and its successors): a prose request followed by a run of optimised tokens, a
// jumble of brackets, quotes and code-like fragments on one line. Prose does not end like that, and code or
// data that does (SQL, shell, JSON) comes on lines of its own or opens with code, not with a sentence.

const TAIL = 160;
const HEAD = 50;
/** Shorter texts are not looked at: too little prose and suffix to tell them from a line of code. */
const MIN_LENGTH = TAIL / 2;
/** Share of the head that must be letters and spaces: the prompt opens as a sentence. */
const PROSE_HEAD = 0.9;
const MIN_SYMBOLS = 7;
/** Optimised suffixes leave brackets unclosed or close ones never opened; code and data keep them balanced. */
const MIN_BRACKET_IMBALANCE = 2;

function isLetterOrSpace(c: number): boolean {
  return c === 32 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Whether `text` (a user turn, or its scan window) ends in an adversarial suffix. */
export function hasAdversarialSuffix(text: string): boolean {
  if (text.length < MIN_LENGTH) return false;
  const from = Math.max(0, text.length - TAIL);
  if (text.indexOf('\n', from) >= 0) return false;
  let prose = 0;
  for (let i = 0; i < HEAD; i++) if (isLetterOrSpace(text.charCodeAt(i))) prose++;
  if (prose < PROSE_HEAD * HEAD) return false;
  let symbols = 0;
  let balance = 0;
  for (let i = from; i < text.length; i++) {
    switch (text.charCodeAt(i)) {
      case 40: case 91: case 123: case 60: // ( [ { <
        symbols++; balance++; break;
      case 41: case 93: case 125: case 62: // ) ] } >
        symbols++; balance--; break;
      case 92: case 124: case 94: case 126: case 42: case 36: case 35: case 64: case 96: case 34: case 61: case 59: // \ | ^ ~ * $ # @ ` " = ;
        symbols++; break;
    }
  }
  return symbols >= MIN_SYMBOLS && Math.abs(balance) >= MIN_BRACKET_IMBALANCE;
}
