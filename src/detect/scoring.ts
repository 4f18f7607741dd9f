// Account (and campaign) scoring: one logistic head per flagged class over the feature vector; risk is the
// strongest head's probability, and the verdict follows from risk and the thresholds. Contributions
// (weight × value) say which signals pushed the winning head. A community is scored by its own head
// (`campaign_head`, fitted on the pooled features of communities the engine forms), over the pooled features
// plus what only a group has: its evidence families, size and its members' own risk.
import { FEATURE_NAMES } from './signals/index.ts';
import { FLAGGED_VERDICTS, type DetectorParams, type FlaggedVerdict, type SignalValue, type Verdict } from './types.ts';

/** Features only a community has, appended to the pooled account features (CAMPAIGN_FEATURE_NAMES). */
export const CAMPAIGN_EXTRA_FEATURES = [
  'campaign_families', // independent families of shared evidence (payment, network, identity, tooling, content, timing)
  'campaign_holder_families', // of those, families about the holder (payment, network, identity)
  'campaign_size_log2', // log2 of the number of members
  'campaign_member_risk', // mean of the members' own risk
] as const;

export const CAMPAIGN_FEATURE_NAMES: readonly string[] = [...FEATURE_NAMES, ...CAMPAIGN_EXTRA_FEATURES];

/** Slot of `account_new` (context family), the established-account head's gate. */
const ACCOUNT_NEW = FEATURE_NAMES.indexOf('account_new');

export interface Score {
  cls: FlaggedVerdict;
  risk: number;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export class Scorer {
  private readonly weights: Float64Array[];
  private readonly biases: number[];
  private readonly params: DetectorParams;
  private readonly campaignWeights: Float64Array;
  private readonly campaignBias: number;
  /** the established-account distillation head (types.ts `established_head`), or null */
  private readonly established: { weights: Float64Array; bias: number; maxAccountNew: number } | null;

  constructor(params: DetectorParams) {
    this.params = params;
    this.weights = FLAGGED_VERDICTS.map((cls) => {
      const w = new Float64Array(FEATURE_NAMES.length);
      const given = params.heads[cls].weights;
      FEATURE_NAMES.forEach((name, i) => {
        w[i] = given[name] ?? 0;
      });
      return w;
    });
    this.biases = FLAGGED_VERDICTS.map((cls) => params.heads[cls].bias);
    this.campaignWeights = Float64Array.from(CAMPAIGN_FEATURE_NAMES, (name) => params.campaign_head.weights[name] ?? 0);
    this.campaignBias = params.campaign_head.bias;
    const est = params.established_head;
    this.established = est
      ? { weights: Float64Array.from(FEATURE_NAMES, (name) => est.weights[name] ?? 0), bias: est.bias, maxAccountNew: est.max_account_new }
      : null;
  }

  /** Log-odds of the established-account head, or -Infinity when it does not apply to `f`. */
  private establishedLogit(f: Float64Array): number {
    const est = this.established;
    if (!est || !(f[ACCOUNT_NEW]! <= est.maxAccountNew)) return -Infinity;
    let z = est.bias;
    for (let i = 0; i < est.weights.length; i++) z += est.weights[i]! * f[i]!;
    return z;
  }

  /** Log-odds of head `h` for `f`, plus `extra`. */
  private logit(h: number, f: Float64Array): number {
    const w = this.weights[h]!;
    let z = this.biases[h]!;
    for (let i = 0; i < w.length; i++) z += w[i]! * f[i]!;
    return z;
  }

  /** The strongest head. */
  score(f: Float64Array): Score {
    let best = 0;
    let bestZ = -Infinity;
    for (let h = 0; h < this.weights.length; h++) {
      const z = this.logit(h, f);
      if (z > bestZ) {
        bestZ = z;
        best = h;
      }
    }
    const est = this.establishedLogit(f);
    if (est > bestZ) return { cls: 'distillation', risk: sigmoid(est) };
    return { cls: FLAGGED_VERDICTS[best]!, risk: sigmoid(bestZ) };
  }

  /**
   * A community: `f` holds CAMPAIGN_FEATURE_NAMES (pooled account features first). Risk from the campaign
   * head; the kind is the class head strongest on the pooled features.
   */
  scoreCampaign(f: Float64Array): Score {
    const { cls } = this.score(f);
    const w = this.campaignWeights;
    let z = this.campaignBias;
    for (let i = 0; i < w.length; i++) z += w[i]! * f[i]!;
    return { cls, risk: sigmoid(z) };
  }

  /** Signals of the campaign head on `f` (CAMPAIGN_FEATURE_NAMES), strongest contribution first. */
  explainCampaign(f: Float64Array, limit = 8): SignalValue[] {
    return contributions(this.campaignWeights, f, CAMPAIGN_FEATURE_NAMES, limit);
  }

  /** `requests`: the account's (decayed) request count, for its own score; a campaign's verdict omits it. */
  verdictOf(s: Score, requests = Infinity): Verdict {
    // the count is decayed: the third of three requests sent within minutes counts as 3, not 2.9999
    if (s.risk >= this.params.thresholds.flagged) return requests > this.params.min_own_requests - 0.5 ? s.cls : 'suspicious';
    if (s.risk >= this.params.thresholds.suspicious) return 'suspicious';
    return 'benign';
  }

  /** Signals of head `cls` on `f`, strongest contribution first, zero contributions left out. */
  explain(f: Float64Array, cls: FlaggedVerdict, limit = 8): SignalValue[] {
    const h = FLAGGED_VERDICTS.indexOf(cls);
    // a distillation score may come from the established-account head: explain the head that gave it
    if (cls === 'distillation' && this.establishedLogit(f) > this.logit(h, f)) return contributions(this.established!.weights, f, FEATURE_NAMES, limit);
    return contributions(this.weights[h]!, f, FEATURE_NAMES, limit);
  }
}

function contributions(w: Float64Array, f: Float64Array, names: readonly string[], limit: number): SignalValue[] {
  const out: SignalValue[] = [];
  for (let i = 0; i < w.length; i++) {
    const contribution = w[i]! * f[i]!;
    if (contribution !== 0) out.push({ name: names[i]!, value: round(f[i]!), contribution: round(contribution) });
  }
  out.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || (a.name < b.name ? -1 : 1));
  return out.slice(0, limit);
}

export function round(x: number, digits = 4): number {
  const m = 10 ** digits;
  return Math.round(x * m) / m;
}
