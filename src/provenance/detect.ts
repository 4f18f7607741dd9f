// Scores a corpus for the watermark with a test whose p-value is exact.
//
// Each candidate word (a lexicon word in a prose position, see scanner.ts) is an observation
// (two context words, synonym pair, member used). Under H0 (the text owes nothing to our key) the key's
// preferred member for a (context, pair) is a fair coin independent of the text, so the observation
// matches it with probability exactly 1/2. Repeated (context, pair) observations share one coin, so, as
// Sander et al. (2024, "Watermarking makes language models radioactive") do, each (context, pair) is
// scored once. Its member is the one the text used most often in that context; a context where the text
// used both members equally often shows no preference and is left out. Both rules look at the text only,
// so they keep the null exact, and the majority reads a student's preference more reliably than a single
// sampled occurrence does (a tie only adds a coin flip to the count). The number of matches among n
// de-duplicated observations is then Binomial(n, 1/2) under H0, and the p-value is its exact upper tail. With several keys (provider and
// per-campaign), the reported p-value is Bonferroni-corrected over the keys.
import { binomialUpperTailHalf } from './binomial.ts';
import { keyedMember } from './keyed-hash.ts';
import type { WatermarkKey } from './keys.ts';
import { MarkScanner, type CandidateVisitor } from './scanner.ts';
import { TokenSegmenter, type TokenSink } from './segmenter.ts';

export const WATERMARK_TEST =
  'one-sided exact binomial test, H0: P(match) = 1/2, over de-duplicated (two previous words, synonym pair) observations (member used most; ties left out); Bonferroni over keys';

export interface Observation {
  /** the two previous words, lower case ('' at the start of a sample) */
  before: string;
  prev: string;
  pairId: number;
  member: 0 | 1;
}

interface ContextTally {
  before: string;
  prev: string;
  pairId: number;
  uses: [number, number];
}

/** Collects de-duplicated observations from samples of text. */
export class CorpusObserver {
  private readonly tallies = new Map<string, ContextTally>();
  words = 0;
  candidates = 0;
  samples = 0;

  /** Distinct (context, pair) keys seen so far. */
  get distinct(): number {
    return this.tallies.size;
  }

  get duplicates(): number {
    return this.candidates - this.tallies.size;
  }

  /** Distinct (context, pair) keys where both members were used equally often (left out of the test). */
  get ties(): number {
    let n = 0;
    for (const t of this.tallies.values()) if (t.uses[0] === t.uses[1]) n++;
    return n;
  }

  /** One observation per distinct (context, pair) with a majority: the member used most there. */
  get observations(): Observation[] {
    const out: Observation[] = [];
    for (const t of this.tallies.values()) {
      if (t.uses[0] === t.uses[1]) continue;
      out.push({ before: t.before, prev: t.prev, pairId: t.pairId, member: t.uses[0] > t.uses[1] ? 0 : 1 });
    }
    return out;
  }

  addSample(text: string): void {
    const scanner = new MarkScanner();
    const visit: CandidateVisitor = (_tok, _start, _end, entry, c) => {
      this.candidates++;
      const before = c.before.slice(c.bs, c.be).toLowerCase();
      const prev = c.prev.slice(c.ps, c.pe).toLowerCase();
      const dedupKey = `${entry.pairId} ${before} ${prev}`;
      const tally = this.tallies.get(dedupKey);
      if (tally) tally.uses[entry.member]++;
      else {
        const uses: [number, number] = [0, 0];
        uses[entry.member] = 1;
        this.tallies.set(dedupKey, { before, prev, pairId: entry.pairId, uses });
      }
      return null;
    };
    const sink: TokenSink = {
      token: (text, start, end, fragment) => scanner.token(text, start, end, fragment, visit),
      newline: () => scanner.newline(),
    };
    const segmenter = new TokenSegmenter(sink);
    segmenter.push(text);
    segmenter.end();
    this.words += scanner.words;
    this.samples++;
  }
}

export interface KeyScore {
  key_id: string;
  scope: 'provider' | 'campaign';
  campaign_id: string | null;
  tokens_scored: number;
  matches: number;
  match_rate: number;
  z: number;
  p_value: number;
  log10_p_value: number;
}

export function scoreKey(observations: readonly Observation[], key: WatermarkKey): KeyScore {
  let matches = 0;
  for (const o of observations) {
    if (keyedMember(key.seed, o.before, 0, o.before.length, o.prev, 0, o.prev.length, o.pairId) === o.member) matches++;
  }
  const n = observations.length;
  const tail = binomialUpperTailHalf(matches, n);
  return {
    key_id: key.id,
    scope: key.scope,
    campaign_id: key.campaignId,
    tokens_scored: n,
    matches,
    match_rate: n === 0 ? 0 : matches / n,
    z: n === 0 ? 0 : (matches - n / 2) / Math.sqrt(n / 4),
    p_value: tail.p,
    log10_p_value: tail.log10p,
  };
}

export interface WatermarkDetection {
  test: string;
  /** Bonferroni-corrected over `keys` */
  p_value: number;
  log10_p_value: number;
  tokens_scored: number;
  matches: number;
  match_rate: number;
  /** match rate minus the 1/2 expected under H0, and Cohen's h of the same difference */
  effect_size: { excess_match_rate: number; cohens_h: number };
  z: number;
  best_key: string | null;
  keys: KeyScore[];
  samples: number;
  words_scanned: number;
  candidates_seen: number;
  duplicates_skipped: number;
  /** distinct (context, pair) keys left out because both members were used equally often there */
  ties_skipped: number;
}

export function detectWatermark(observer: CorpusObserver, keys: readonly WatermarkKey[]): WatermarkDetection {
  const observations = observer.observations;
  const scores = keys.map((k) => scoreKey(observations, k));
  let best: KeyScore | null = null;
  for (const s of scores) if (best === null || s.log10_p_value < best.log10_p_value) best = s;
  const m = Math.max(1, keys.length);
  const log10p = best === null ? 0 : Math.min(0, best.log10_p_value + Math.log10(m));
  const rate = best?.match_rate ?? 0;
  return {
    test: WATERMARK_TEST,
    p_value: Math.pow(10, log10p),
    log10_p_value: log10p,
    tokens_scored: observations.length,
    matches: best?.matches ?? 0,
    match_rate: rate,
    effect_size: {
      excess_match_rate: best && best.tokens_scored > 0 ? rate - 0.5 : 0,
      cohens_h: best && best.tokens_scored > 0 ? 2 * Math.asin(Math.sqrt(rate)) - 2 * Math.asin(Math.sqrt(0.5)) : 0,
    },
    z: best?.z ?? 0,
    best_key: best?.key_id ?? null,
    keys: scores,
    samples: observer.samples,
    words_scanned: observer.words,
    candidates_seen: observer.candidates,
    duplicates_skipped: observer.duplicates,
    ties_skipped: observer.ties,
  };
}

/** Convenience: observe every sample and score against the keys. */
export function scoreCorpus(samples: Iterable<string>, keys: readonly WatermarkKey[]): WatermarkDetection {
  const observer = new CorpusObserver();
  for (const s of samples) observer.addSample(s);
  return detectWatermark(observer, keys);
}
