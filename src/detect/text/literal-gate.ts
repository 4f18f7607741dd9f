// An exact prefilter for a set of regexes: one pass over a text finds which of them can match at all, i.e.
// which have one of their required literals (required-literals.ts) in the text, compared case-insensitively.
// The content patterns are large case-insensitive alternations that cost about a microsecond each per
// prompt even when nothing matches (almost always); the pass costs a few table lookups per character for
// all of them together, and a regex then runs only on the texts that hold one of its literals. A pattern
// whose literals cannot be derived is always a candidate, so the gate never changes a result.
import { FOLD, foldString, requiredLiterals } from './required-literals.ts';

/**
 * A literal of WINDOW or more characters is found by the hash of one WINDOW-character window of it, the one
 * least common in the texts the gate has seen (at first: made of the rarest characters), so that few texts hold
 * it without the literal and few candidates need comparing; a literal of SHORT to WINDOW - 1 characters (CJK
 * words) by its second character. A one-character literal gates nothing.
 */
const WINDOW = 4;
const SHORT = 2;
/** Shifting the int32 by 32 / WINDOW bits per character drops a character once it is WINDOW characters old. */
const WINDOW_SHIFT = 32 / WINDOW;

/**
 * A pseudo-random value per case class, indexed by code unit: the rolling hash's input, so that characters of
 * one case class hash alike.
 */
const MIX: Int32Array = (() => {
  const byClass = new Int32Array(0x10000);
  let x = 0x2545f491;
  for (let c = 0; c < byClass.length; c++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    byClass[c] = x & 0xffff;
  }
  const mix = new Int32Array(0x10000);
  for (let c = 0; c < mix.length; c++) mix[c] = byClass[FOLD[c]!]!;
  return mix;
})();

/**
 * Texts whose windows the gate counts before it keys its literals again (LiteralGate.tune): which windows are
 * common depends on the traffic, and a literal keyed by a common one is compared at every occurrence of it.
 */
const TUNING_TEXTS = 2_000;

/** The 16-bit table key of a window value. */
function keyOf(window: number): number {
  return Math.imul(window, 0x9e3779b1) >>> 16;
}

/**
 * A second 16-bit hash of a window value, independent of its key: a window of the text whose key some literal's
 * window has is compared only if its tag is one of the literals' windows' tags too. Most windows of common
 * text that share a key with a literal's window (a Korean literal's with an English word's) differ in the tag.
 */
function tagOf(window: number): number {
  return Math.imul(window, 0x85ebca6b) >>> 16;
}

/** One bit per 16-bit value: 8 KB, stays in the L1 cache where a table of 64 Ki entries would not. */
function newBitSet(): Int32Array {
  return new Int32Array(0x10000 >>> 5);
}

/** The window value after the characters units[from..from + WINDOW). */
function windowAt(units: Uint16Array, from: number): number {
  let w = 0;
  for (let i = from; i < from + WINDOW; i++) w = (w << WINDOW_SHIFT) ^ MIX[units[i]!]!;
  return w;
}

/**
 * How common a folded character is in prompts, roughly (higher: more common): space and the most frequent
 * English letters first. Only steers which window of a literal is the key; any window gives the same result.
 */
function commonness(unit: number): number {
  if (unit === 32) return 30;
  const i = 'ETAOINSRHLDCUMFPGWYBVKXJQZ'.indexOf(String.fromCharCode(unit));
  if (i >= 0) return 26 - i;
  return unit < 128 ? 5 : 1;
}

/**
 * The offset of the window of `units` that is least common: by `keyCounts` (how often texts held a window of
 * each key) when given, and by its characters' commonness (the tie-break, and all there is before counts).
 */
function rarestWindow(units: Uint16Array, keyCounts: Uint32Array | null): number {
  let best = 0;
  let bestScore = Infinity;
  for (let from = 0; from + WINDOW <= units.length; from++) {
    let score = 0;
    for (let i = from; i < from + WINDOW; i++) score += commonness(units[i]!);
    if (keyCounts !== null) score += keyCounts[keyOf(windowAt(units, from))]! * 1_000;
    if (score < bestScore) {
      bestScore = score;
      best = from;
    }
  }
  return best;
}

interface Literal {
  /** folded code units */
  units: Uint16Array;
  /** where the key window starts (the text position of a candidate minus this is where the literal would start) */
  offset: number;
  /** the pattern bit it stands for */
  bit: number;
}

/** Literals grouped by a 16-bit key (a bucket's literals share it). */
class LiteralTable {
  /** key → bucket number + 1 (0: no literal has this key) */
  readonly slots = new Uint16Array(0x10000);
  /** one bit per key that has a bucket (`slots` is 128 KB) */
  readonly used = newBitSet();
  readonly buckets: Literal[][] = [];

  add(key: number, lit: Literal): void {
    let b = this.slots[key]!;
    if (b === 0) {
      this.buckets.push([]);
      b = this.slots[key] = this.buckets.length;
      this.used[key >>> 5]! |= 1 << (key & 31);
    }
    this.buckets[b - 1]!.push(lit);
  }

  clear(): void {
    this.slots.fill(0);
    this.used.fill(0);
    this.buckets.length = 0;
  }
}

export class LiteralGate {
  /** patterns that are candidates for every text (no usable literal: none derived, or a one-character one) */
  private readonly always: number;
  private readonly gated: number;
  /** the literals of WINDOW or more characters, each keyed by one of its windows in `long` */
  private readonly longLiterals: Literal[] = [];
  private readonly long = new LiteralTable();
  /** one bit per tag (tagOf) of the long literals' key windows */
  private readonly longTags = newBitSet();
  /** how many windows of each key the first TUNING_TEXTS texts held (fields that never change type or object:
   * replacing one would send the optimized candidates() back to be compiled again) */
  private readonly keyCounts = new Uint32Array(0x10000);
  private countedTexts = 0;
  /** literals shorter than WINDOW by their second character (folded); `shortByUnit` maps code units to buckets */
  private readonly short = new LiteralTable();
  private readonly shortByUnit = new Uint16Array(0x10000);
  /** below this code unit no short literal has its second character (skips the lookup on ASCII text) */
  private readonly shortFrom: number;

  constructor(patterns: readonly RegExp[]) {
    if (patterns.length > 30) throw new RangeError('LiteralGate: at most 30 patterns');
    let always = 0;
    patterns.forEach((re, i) => {
      const bit = 1 << i;
      const literals = requiredLiterals(re);
      if (literals === null || literals.some((l) => l.length < SHORT)) {
        always |= bit;
        return;
      }
      for (const text of literals) {
        const units = Uint16Array.from(foldString(text), (ch) => ch.charCodeAt(0));
        if (units.length >= WINDOW) this.longLiterals.push({ units, offset: 0, bit });
        else this.short.add(units[1]!, { units, offset: 1, bit });
      }
    });
    this.keyLongLiterals(null);
    let shortFrom = 0x10000;
    for (let c = 0; c < 0x10000; c++) {
      const slot = this.short.slots[FOLD[c]!]!;
      this.shortByUnit[c] = slot;
      if (slot !== 0 && c < shortFrom) shortFrom = c;
    }
    this.shortFrom = shortFrom;
    this.always = always;
    this.gated = ((1 << patterns.length) - 1) & ~always;
  }

  /**
   * Keys every long literal by its least common window (rarestWindow) and builds the table. Any window finds the
   * literal, so the keys change only how often a text's window must be compared, never the candidates.
   */
  private keyLongLiterals(keyCounts: Uint32Array | null): void {
    // rebuilt in place: the optimized candidates() holds the tables as constants, and new ones would send it
    // back to be compiled again
    const table = this.long;
    const tags = this.longTags;
    table.clear();
    tags.fill(0);
    for (const lit of this.longLiterals) {
      lit.offset = rarestWindow(lit.units, keyCounts);
      const window = windowAt(lit.units, lit.offset);
      table.add(keyOf(window), lit);
      const tag = tagOf(window);
      tags[tag >>> 5]! |= 1 << (tag & 31);
    }
  }

  /** Counts the windows of `text` by key; after TUNING_TEXTS texts, keys the long literals by the counts. */
  private count(text: string): void {
    const keyCounts = this.keyCounts;
    let w = 0;
    for (let i = 0; i < text.length; i++) {
      w = (w << WINDOW_SHIFT) ^ MIX[text.charCodeAt(i)]!;
      if (i >= WINDOW - 1) keyCounts[keyOf(w)]!++;
    }
    if (++this.countedTexts === TUNING_TEXTS) this.keyLongLiterals(keyCounts);
  }

  /** Bit i set: patterns[i] may match `text`; clear: it cannot (none of its required literals occurs). */
  candidates(text: string): number {
    let found = this.always;
    const gated = this.gated;
    if (gated === 0) return found;
    if (this.countedTexts < TUNING_TEXTS) this.count(text);
    const used = this.long.used;
    const tags = this.longTags;
    const shortFrom = this.shortFrom;
    const n = text.length;
    let w = 0;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      w = (w << WINDOW_SHIFT) ^ MIX[c]!;
      const key = keyOf(w);
      if ((used[key >>> 5]! & (1 << (key & 31))) !== 0 && i >= WINDOW - 1) {
        const tag = tagOf(w);
        if ((tags[tag >>> 5]! & (1 << (tag & 31))) !== 0) {
          found |= verify(this.long, key, text, i - (WINDOW - 1), found);
          if ((found & gated) === gated) break;
        }
      }
      if (c >= shortFrom && this.shortByUnit[c] !== 0 && i >= 1) {
        found |= verify(this.short, FOLD[c]!, text, i, found);
        if ((found & gated) === gated) break;
      }
    }
    return found;
  }
}

/** The bits of the literals under `key` (of patterns not yet found) whose window starts in `text` at `at`. */
function verify(table: LiteralTable, key: number, text: string, at: number, found: number): number {
  const bucket = table.buckets[table.slots[key]! - 1]!;
  let bits = 0;
  for (let k = 0; k < bucket.length; k++) {
    const lit = bucket[k]!;
    if (((found | bits) & lit.bit) !== 0) continue;
    const units = lit.units;
    const start = at - lit.offset;
    if (start < 0 || start + units.length > text.length) continue;
    let j = 0;
    while (j < units.length && FOLD[text.charCodeAt(start + j)] === units[j]) j++;
    if (j === units.length) bits |= lit.bit;
  }
  return bits;
}
