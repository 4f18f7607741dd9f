// Puts the watermark test and the canary hits together into one result: what `provenance scan` and
// `provenance test` print and what the evidence report shows.
import { CanaryMatcher, type Canary, type CanaryHit } from './canaries.ts';
import { CorpusObserver, detectWatermark, type WatermarkDetection } from './detect.ts';
import type { WatermarkKey } from './keys.ts';

export interface ProvenanceResult {
  version: 1;
  kind: 'scan' | 'test';
  generated_at: string;
  /** the watermark test's p-value (Bonferroni over keys) */
  p_value: number;
  log10_p_value: number;
  test: string;
  tokens_scored: number;
  effect_size: WatermarkDetection['effect_size'];
  /** number of canary hits */
  canary_hits: number;
  canaries_checked: number;
  canary_hit_list: CanaryHit[];
  /** campaigns whose canaries were hit or whose key gave the best score with p < 0.01 */
  implicated_campaigns: string[];
  watermark: WatermarkDetection;
  source: Record<string, unknown>;
  /** the opening of up to ten samples that carried a canary */
  excerpts: string[];
}

/** Collects samples one by one (as they arrive from a probe or a file). */
export class EvidenceCollector {
  private readonly observer = new CorpusObserver();
  private readonly matcher: CanaryMatcher;
  private readonly excerpts: string[] = [];

  constructor(
    private readonly keys: readonly WatermarkKey[],
    private readonly canaries: readonly Canary[],
  ) {
    this.matcher = new CanaryMatcher(canaries);
  }

  /** Adds one sample; returns how many new de-duplicated observations it brought. */
  add(text: string): number {
    const before = this.observer.distinct;
    const sampleIndex = this.observer.samples;
    this.observer.addSample(text);
    const hits = this.matcher.scan(text, sampleIndex);
    if (hits.length > 0 && this.excerpts.length < 10) this.excerpts.push(text.slice(0, 600));
    return this.observer.distinct - before;
  }

  result(kind: 'scan' | 'test', source: Record<string, unknown>, now = new Date()): ProvenanceResult {
    const watermark = detectWatermark(this.observer, this.keys);
    const implicated = new Set(this.matcher.hits.map((h) => h.campaign_id));
    const bestKey = watermark.keys.find((k) => k.key_id === watermark.best_key);
    if (bestKey?.campaign_id && watermark.p_value < 0.01) implicated.add(bestKey.campaign_id);
    return {
      version: 1,
      kind,
      generated_at: now.toISOString(),
      p_value: watermark.p_value,
      log10_p_value: watermark.log10_p_value,
      test: watermark.test,
      tokens_scored: watermark.tokens_scored,
      effect_size: watermark.effect_size,
      canary_hits: this.matcher.hits.length,
      canaries_checked: this.canaries.length,
      canary_hit_list: this.matcher.hits,
      implicated_campaigns: [...implicated].sort(),
      watermark,
      source,
      excerpts: this.excerpts,
    };
  }
}
