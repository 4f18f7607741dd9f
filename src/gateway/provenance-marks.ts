// Which responses carry provenance marks, and with which key: the keyed watermark (all traffic, flagged
// accounts, or chosen campaigns, keyed per campaign when the account belongs to one so a leak can be
// attributed) and, for chosen campaigns, a canary planted at the end of the answer.
import type { GatewayConfig } from '../config/schema.ts';
import { canarySuffix, createCanary, CANARY_KINDS, loadCanaries, recordCanary, type Canary } from '../provenance/canaries.ts';
import { ensureCampaignKey, keyFor, loadOrCreateKeys, type KeysFile } from '../provenance/keys.ts';
import type { WatermarkSeed } from '../provenance/keyed-hash.ts';
import { StreamWatermarker } from '../provenance/stream-watermark.ts';
import { watermarkRange } from '../provenance/watermark.ts';
import type { TextRewriter, TextRewriterFactory } from './dialects/types.ts';

export interface MarkingContext {
  /** The detector flagged the account (or an action is in force on it). */
  isFlagged(accountId: string): boolean;
  /** The account's campaign, as the detector or an analyst set it. */
  campaignOf(accountId: string): string | null;
}

export class ProvenanceMarks {
  private keys: KeysFile;
  private readonly seeds = new Map<string, WatermarkSeed>();
  /** Rewriter factories by campaign ('' for none): watermark (and the campaign's canary, if any), canary only. */
  private readonly watermarkFactories = new Map<string, TextRewriterFactory>();
  private readonly canaryFactories = new Map<string, TextRewriterFactory>();
  private readonly canaries = new Map<string, Canary>();
  private readonly watermarkCampaigns: Set<string>;
  private readonly canaryCampaigns: Set<string>;

  constructor(
    private readonly dataDir: string,
    private readonly settings: GatewayConfig['provenance'],
    private readonly context: MarkingContext,
  ) {
    this.keys = loadOrCreateKeys(dataDir);
    this.watermarkCampaigns = new Set(settings.watermark_campaigns);
    this.canaryCampaigns = new Set(settings.canary_campaigns);
    for (const c of loadCanaries(dataDir)) if (!this.canaries.has(c.campaign_id)) this.canaries.set(c.campaign_id, c);
  }

  /** The text rewriter for a response to this caller, or undefined when it is not marked. */
  factoryFor(caller: { accountId: string; groupId: string | null }): TextRewriterFactory | undefined {
    const policy = this.settings.watermark;
    if (policy === 'off' && this.watermarkCampaigns.size === 0 && this.canaryCampaigns.size === 0) return undefined;
    const accountId = caller.accountId;
    // An analyst's group is a campaign too; otherwise the one the detector found.
    const campaign = caller.groupId ?? this.context.campaignOf(accountId);
    const watermark =
      policy === 'all' ||
      (policy === 'flagged' && this.context.isFlagged(accountId)) ||
      (campaign !== null && this.watermarkCampaigns.has(campaign));
    const canary = campaign !== null && this.canaryCampaigns.has(campaign) ? this.canaryFor(campaign) : null;
    if (!watermark && !canary) return undefined;
    // one factory per campaign and kind of marking, made once: a response's marks depend on nothing else
    const made = watermark ? this.watermarkFactories : this.canaryFactories;
    const id = campaign ?? '';
    let factory = made.get(id);
    if (!factory) {
      factory = markingFactory(watermark ? this.seedFor(campaign) : null, canary ? canarySuffix(canary) : '');
      made.set(id, factory);
    }
    return factory;
  }

  /** The campaign's own key when the account is in one (created on first use), else the provider's. */
  private seedFor(campaign: string | null): WatermarkSeed {
    const id = campaign ?? '';
    let seed = this.seeds.get(id);
    if (!seed) {
      if (campaign !== null && !this.keys.campaigns[campaign]) {
        ensureCampaignKey(this.dataDir, campaign);
        this.keys = loadOrCreateKeys(this.dataDir);
      }
      seed = keyFor(this.keys, campaign).seed;
      this.seeds.set(id, seed);
    }
    return seed;
  }

  /** One canary per campaign, created and recorded (campaign, time) the first time it is planted. */
  private canaryFor(campaign: string): Canary {
    let canary = this.canaries.get(campaign);
    if (!canary) {
      canary = createCanary(campaign, CANARY_KINDS[this.canaries.size % CANARY_KINDS.length]);
      recordCanary(this.dataDir, canary);
      this.canaries.set(campaign, canary);
    }
    return canary;
  }
}

/** One response's marks as it streams: the watermark (when keyed) on every delta, the canary after the text. */
class MarkingRewriter implements TextRewriter {
  readonly keepsCharacters = true;
  private readonly marker: StreamWatermarker | null;

  constructor(
    seed: WatermarkSeed | null,
    private readonly suffix: string,
  ) {
    this.marker = seed ? new StreamWatermarker(seed) : null;
  }

  push(delta: string): string {
    return this.marker ? this.marker.push(delta) : delta;
  }

  end(): string {
    return (this.marker ? this.marker.end() : '') + this.suffix;
  }
}

/**
 * The rewriters marking with `seed` (none: no watermark) and appending `suffix` (a canary, or ''); a whole text
 * (a JSON answer) is marked in one call without a rewriter.
 */
export function markingFactory(seed: WatermarkSeed | null, suffix: string): TextRewriterFactory {
  const factory: TextRewriterFactory = () => new MarkingRewriter(seed, suffix);
  factory.whole = (text, start, end) => {
    const marked = seed ? watermarkRange(text, start, end, seed) : null;
    return suffix === '' ? marked : (marked ?? text.slice(start, end)) + suffix;
  };
  return factory;
}
