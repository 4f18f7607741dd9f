// The watermark's word list: pairs of words that can replace each other in (nearly) every context.
//
// Built by hand for this project (Apache-2.0 like the rest of the code) rather than taken from WordNet:
// WordNet synsets are grouped by *sense*, so a word like "hard" shares a synset with "difficult" in one
// sense and with "solid" in another; substituting without word-sense disambiguation changes meaning.
// Each pair below was chosen so that both members
//   - have the same part of speech and inflection (plural with plural, past with past),
//   - are interchangeable in ordinary prose whatever the sense (no "hard/difficult", no noun/verb clashes),
//   - have similar everyday frequency, so a keyed 50/50 choice keeps word frequencies close to natural
//     (the CATER concern: a watermark must not be visible as a shift in word counts).
// A word belongs to one pair at most; pairs are identified by their position in this list, which is
// therefore append-only (reordering would change every key's choices).

export const SYNONYM_PAIRS: ReadonlyArray<readonly [string, string]> = [
  // adverbs
  ['quickly', 'rapidly'],
  ['usually', 'typically'],
  ['often', 'frequently'],
  ['perhaps', 'maybe'],
  ['roughly', 'approximately'],
  ['nearly', 'almost'],
  ['completely', 'entirely'],
  ['mainly', 'primarily'],
  ['especially', 'particularly'],
  ['certainly', 'definitely'],
  ['clearly', 'plainly'],
  ['basically', 'essentially'],
  ['currently', 'presently'],
  ['immediately', 'instantly'],
  ['rarely', 'seldom'],
  ['significantly', 'substantially'],
  ['slightly', 'somewhat'],
  ['gradually', 'slowly'],
  ['totally', 'utterly'],
  ['carefully', 'cautiously'],
  ['honestly', 'frankly'],
  ['additionally', 'moreover'],
  ['consequently', 'therefore'],
  ['eventually', 'ultimately'],
  ['precisely', 'exactly'],
  ['sometimes', 'occasionally'],
  ['fairly', 'reasonably'],
  ['extremely', 'exceedingly'],
  ['incredibly', 'remarkably'],
  ['thus', 'hence'],
  ['widely', 'broadly'],
  // adjectives
  ['big', 'large'],
  ['huge', 'massive'],
  ['enormous', 'immense'],
  ['difficult', 'challenging'],
  ['complex', 'complicated'],
  ['helpful', 'useful'],
  ['careful', 'cautious'],
  ['dangerous', 'hazardous'],
  ['reliable', 'dependable'],
  ['accurate', 'precise'],
  ['rapid', 'swift'],
  ['obvious', 'evident'],
  ['essential', 'vital'],
  ['main', 'primary'],
  ['sufficient', 'adequate'],
  ['modern', 'contemporary'],
  ['beautiful', 'lovely'],
  ['strange', 'peculiar'],
  ['smart', 'clever'],
  ['brave', 'courageous'],
  ['simple', 'straightforward'],
  ['unusual', 'uncommon'],
  ['distinct', 'different'],
  ['robust', 'resilient'],
  ['thorough', 'comprehensive'],
  ['quiet', 'silent'],
  ['powerful', 'potent'],
  ['fascinating', 'intriguing'],
  ['genuine', 'authentic'],
  ['appropriate', 'suitable'],
  ['fundamental', 'basic'],
  ['important', 'significant'],
  ['amazing', 'remarkable'],
  // verbs, one inflected form per pair
  ['begins', 'starts'],
  ['began', 'started'],
  ['helps', 'assists'],
  ['helped', 'assisted'],
  ['demonstrates', 'illustrates'],
  ['demonstrated', 'illustrated'],
  ['obtain', 'acquire'],
  ['obtained', 'acquired'],
  ['bought', 'purchased'],
  ['attempted', 'tried'],
  ['examine', 'inspect'],
  ['examined', 'inspected'],
  ['reveal', 'disclose'],
  ['revealed', 'disclosed'],
  ['constructed', 'built'],
  ['reduced', 'decreased'],
  ['suggests', 'indicates'],
  ['seems', 'appears'],
  ['seemed', 'appeared'],
  ['replied', 'responded'],
  ['closed', 'shut'],
  ['understand', 'comprehend'],
  ['allows', 'permits'],
  ['produces', 'generates'],
  ['produced', 'generated'],
  ['contains', 'includes'],
  ['assume', 'suppose'],
  ['explore', 'investigate'],
  ['choose', 'select'],
  // nouns
  ['example', 'instance'],
  ['examples', 'instances'],
  ['method', 'technique'],
  ['methods', 'techniques'],
  ['error', 'mistake'],
  ['errors', 'mistakes'],
  ['idea', 'notion'],
  ['ideas', 'notions'],
  ['amount', 'quantity'],
  ['goals', 'objectives'],
  ['path', 'route'],
  ['kids', 'children'],
  ['students', 'learners'],
  ['cars', 'vehicles'],
  ['films', 'movies'],
  ['buyers', 'purchasers'],
  ['area', 'region'],
  ['areas', 'regions'],
  ['topics', 'subjects'],
  ['aspect', 'facet'],
  ['aspects', 'facets'],
];

import { foldedHash as importedFoldedHash } from './keyed-hash.ts';

// module-local binding: hot-path calls should not go through a live import binding
const foldedHash = importedFoldedHash;

/** Where a word sits in the lexicon: its pair and which member it is. */
export interface LexiconEntry {
  readonly word: string;
  readonly pairId: number;
  readonly member: 0 | 1;
  /** The pair mixes a vowel-initial and a consonant-initial word, so it is left alone after "a"/"an". */
  readonly articleSensitive: boolean;
}

const startsWithVowel = (word: string): boolean => /^[aeiou]/.test(word);

function buildIndex(): Map<string, LexiconEntry> {
  const index = new Map<string, LexiconEntry>();
  SYNONYM_PAIRS.forEach(([a, b], pairId) => {
    const articleSensitive = startsWithVowel(a) !== startsWithVowel(b);
    for (const [word, member] of [[a, 0], [b, 1]] as const) {
      if (index.has(word)) throw new Error(`lexicon: "${word}" appears in two pairs`);
      index.set(word, { word, pairId, member, articleSensitive });
    }
  });
  return index;
}

export const LEXICON: ReadonlyMap<string, LexiconEntry> = buildIndex();

const LOOKUP_BASIS = 0x2f1a3b5d;
// Keyed by a hash of the folded word, so looking a word up in the text allocates nothing.
const byHash = new Map<number, LexiconEntry[]>();
for (const entry of LEXICON.values()) {
  const h = foldedHash(entry.word, 0, entry.word.length, LOOKUP_BASIS);
  const bucket = byHash.get(h);
  if (bucket) bucket.push(entry);
  else byHash.set(h, [entry]);
}

// (first letter, last letter, length) triples that occur in the lexicon, as one bit per length in a word per
// letter pair (2.7 KB, small enough to stay in cache between requests): one read rejects nearly every other
// word (about 3 % of the triples are set), so most words of a response never reach the hash and the map.
const LENGTHS_BY_ENDS = new Uint32Array(26 * 26);
for (const word of LEXICON.keys()) LENGTHS_BY_ENDS[(word.charCodeAt(0) - 97) * 26 + word.charCodeAt(word.length - 1) - 97] |= 1 << Math.min(word.length, 31);

/**
 * Whether a word of `length` letters from `first` to `last` (char codes of ASCII letters, any case) may be a
 * lexicon word: `lookupWord`'s first test alone, for a caller that has the letters at hand.
 */
export function mayBeLexiconWord(first: number, last: number, length: number): boolean {
  if (length < LEXICON_MIN_LENGTH || length > LEXICON_MAX_LENGTH) return false;
  const f = (first | 0x20) - 97;
  const l = (last | 0x20) - 97;
  return f >= 0 && f <= 25 && l >= 0 && l <= 25 && ((LENGTHS_BY_ENDS[f * 26 + l] >>> length) & 1) === 1;
}

/** The lexicon entry for the ASCII word text[start, end) in any letter case, if it has one. */
export function lookupWord(text: string, start: number, end: number): LexiconEntry | undefined {
  const length = end - start;
  if (!mayBeLexiconWord(text.charCodeAt(start), text.charCodeAt(end - 1), length)) return undefined;
  const bucket = byHash.get(foldedHash(text, start, end, LOOKUP_BASIS));
  if (bucket === undefined) return undefined;
  for (const entry of bucket) {
    if (entry.word.length === length && equalsFolded(text, start, entry.word)) return entry;
  }
  return undefined;
}

// Every lexicon word's beginnings (the word itself included) with their length, hashed into a 64 Kbit table
// (8 KB): a streamed token whose last letters start no lexicon word can be sent before it ends. A collision
// (about 3 % of the bits are set) only holds a token back.
const PREFIX_BASIS = 0x5bd1e995;
const PREFIX_BITS = 1 << 16;
const prefixBit = (hash: number, length: number): number => ((hash ^ Math.imul(length, 0x9e3779b1)) >>> 0) & (PREFIX_BITS - 1);
const PREFIXES = new Uint32Array(PREFIX_BITS / 32);
for (const word of LEXICON.keys()) {
  for (let length = 1; length <= word.length; length++) {
    const bit = prefixBit(foldedHash(word, 0, length, PREFIX_BASIS), length);
    PREFIXES[bit >>> 5] |= 1 << (bit & 31);
  }
}

/** Whether the ASCII letters text[start, end) are the beginning of a lexicon word (in any letter case), or may be. */
export function mayBeginWord(text: string, start: number, end: number): boolean {
  const length = end - start;
  if (length > LEXICON_MAX_LENGTH) return false;
  const bit = prefixBit(foldedHash(text, start, end, PREFIX_BASIS), length);
  return ((PREFIXES[bit >>> 5] >>> (bit & 31)) & 1) === 1;
}

function equalsFolded(text: string, start: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    let c = text.charCodeAt(start + i);
    if (c >= 65 && c <= 90) c |= 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

let minLen = Infinity;
let maxLen = 0;
for (const word of LEXICON.keys()) {
  minLen = Math.min(minLen, word.length);
  maxLen = Math.max(maxLen, word.length);
}
/** Word-length bounds, so most words are rejected before any string is allocated. */
export const LEXICON_MIN_LENGTH = minLen;
export const LEXICON_MAX_LENGTH = maxLen;

/** The word standing for member `member` of pair `pairId`. */
export function pairMember(pairId: number, member: 0 | 1): string {
  return SYNONYM_PAIRS[pairId][member];
}
