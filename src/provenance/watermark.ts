// The watermark: a keyed, meaning-preserving substitution between the two words of each synonym pair.
//
// As in He et al. (AAAI 2022) the mark is lexical and applied to finished text, because a gateway cannot
// change how the model samples. As in CATER (He et al., NeurIPS 2022) the choice is conditional: which
// member of a pair the key prefers depends on the word before it, so across contexts each member keeps
// being used about half of the time and word counts alone do not give the watermark away (an
// unconditional "always say large" mark would be visible in a frequency table, and could be undone by it).
// A student that learns from marked text learns "after these words, that synonym", which the detector
// (detect.ts) measures. At most `maxChangeRate` of the words seen so far are changed, at any point (a
// response is budgeted as at least `minBudgetWords` long, so its opening words can be marked too).
import { pairMember, type LexiconEntry } from './lexicon.ts';
import { keyedMember as importedKeyedMember, type WatermarkSeed } from './keyed-hash.ts';
import { holdsNoCandidate, MarkScanner, type CandidateVisitor } from './scanner.ts';
import type { TokenSink } from './segmenter.ts';

// module-local binding: hot-path calls should not go through a live import binding
const keyedMember = importedKeyedMember;

export interface WatermarkOptions {
  /** Ceiling on changed words / words seen, checked before every change. Default 0.05. */
  maxChangeRate?: number;
  /**
   * The rate applies to max(words seen, this): without it a response's first 20 words could never be
   * changed. Default 40 (two changes allowed from the start at 5 %).
   */
  minBudgetWords?: number;
}

export const DEFAULT_MAX_CHANGE_RATE = 0.05;
export const DEFAULT_MIN_BUDGET_WORDS = 40;

export interface WatermarkStats {
  words: number;
  /** Lexicon words in positions the watermark may touch. */
  candidates: number;
  changes: number;
}

/** Gives a replacement word the letter case of the word it replaces (lower, Capitalised or UPPER). */
export function matchCase(word: string, original: string, start: number, end: number): string {
  const first = original.charCodeAt(start);
  if (first < 65 || first > 90) return word;
  if (end - start > 1) {
    const second = original.charCodeAt(start + 1);
    if (second >= 65 && second <= 90) return word.toUpperCase();
  }
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Token-level watermarking state for one response. */
export class WatermarkSink implements TokenSink {
  private readonly scanner = new MarkScanner();
  private readonly maxChangeRate: number;
  private readonly minBudgetWords: number;
  candidates = 0;
  changes = 0;

  constructor(
    private readonly seed: WatermarkSeed,
    options: WatermarkOptions = {},
  ) {
    this.maxChangeRate = options.maxChangeRate ?? DEFAULT_MAX_CHANGE_RATE;
    this.minBudgetWords = options.minBudgetWords ?? DEFAULT_MIN_BUDGET_WORDS;
  }

  private readonly visit: CandidateVisitor = (token, start, end, entry: LexiconEntry, c) => {
    this.candidates++;
    const preferred = keyedMember(this.seed, c.before, c.bs, c.be, c.prev, c.ps, c.pe, entry.pairId);
    if (preferred === entry.member) return null;
    if (this.changes + 1 > this.maxChangeRate * Math.max(this.scanner.words, this.minBudgetWords)) return null;
    this.changes++;
    return matchCase(pairMember(entry.pairId, preferred), token, start, end);
  };

  token(text: string, start: number, end: number, fragment: boolean): string | null {
    return this.scanner.token(text, start, end, fragment, this.visit);
  }

  newline(): void {
    this.scanner.newline();
  }

  tokens(text: string, start: number, end: number): string | null {
    return this.scanner.scanTokens(text, start, end, this.visit);
  }

  settled(text: string, start: number, end: number): boolean {
    return holdsNoCandidate(text, start, end);
  }

  stats(): WatermarkStats {
    return { words: this.scanner.words, candidates: this.candidates, changes: this.changes };
  }
}

/**
 * Watermarks the whole text text[start, end) in one call, without a stream's segmenter (nothing is held back
 * when the whole text is at hand) or a slice of the text; null when no word changes. The same result as
 * streaming that text through `StreamWatermarker` in any chunks.
 */
export function watermarkRange(text: string, start: number, end: number, seed: WatermarkSeed, options?: WatermarkOptions): string | null {
  return new WatermarkSink(seed, options).tokens(text, start, end);
}

/** Watermarks a whole text; the same result as streaming it through `StreamWatermarker` in any chunks. */
export function watermarkText(text: string, seed: WatermarkSeed, options?: WatermarkOptions): { text: string; stats: WatermarkStats } {
  const sink = new WatermarkSink(seed, options);
  return { text: sink.tokens(text, 0, text.length) ?? text, stats: sink.stats() };
}
