// The detection engine's contract: what `analyze`, `eval`, the fitting script and (later) the gateway code against.
// The Detector class itself lives in detector.ts; these are the shapes it takes and returns.

export type Verdict = 'benign' | 'suspicious' | 'distillation' | 'extraction' | 'jailbreak';
/** The verdicts that are acted on. */
export type FlaggedVerdict = 'distillation' | 'extraction' | 'jailbreak';
export const FLAGGED_VERDICTS: readonly FlaggedVerdict[] = ['distillation', 'extraction', 'jailbreak'];

export function isFlagged(v: Verdict): v is FlaggedVerdict {
  return v === 'distillation' || v === 'extraction' || v === 'jailbreak';
}

/** One signal behind a verdict: its feature value and its contribution to the winning class's log-odds. */
export interface SignalValue {
  name: string;
  value: number;
  contribution: number;
}

/** Emitted by `ingest` when an account's verdict or campaign changes. */
export interface Decision {
  account_id: string;
  /** ts of the event at which the change happened */
  ts: string;
  verdict: Verdict;
  risk: number;
  campaign_id: string | null;
  reason: string;
  /** What the account is suspected of: a flagged verdict's class, else the class whose score gives the risk (optional: added later). */
  suspected?: FlaggedVerdict;
}

/** Report v1 "accounts" entry. */
export interface AccountResult {
  account_id: string;
  verdict: Verdict;
  risk: number;
  campaign_id: string | null;
  first_flagged_at: string | null;
  signals: SignalValue[];
}

/** Report v1 "campaigns" entry. */
export interface CampaignResult {
  campaign_id: string;
  kind: FlaggedVerdict;
  accounts: string[];
  risk: number;
  first_seen: string;
  first_flagged_at: string | null;
  evidence: { type: string; detail: string }[];
}

/** One logistic head: log-odds = bias + Σ weights[feature] · feature value. */
export interface HeadParams {
  bias: number;
  weights: Record<string, number>;
}

/** Fitted and tunable parameters (src/detect/params.json is the shipped, fitted set). */
export interface DetectorParams {
  version: 1;
  /** How the values were obtained (e.g. "initial" or the fitting run's id and held-out score). */
  provenance?: string;
  thresholds: {
    /** risk at or above which an account is `suspicious` */
    suspicious: number;
    /** risk at or above which an account is flagged with its strongest class */
    flagged: number;
    /** pooled campaign risk at or above which a community is reported and flags its members */
    campaign: number;
  };
  /** One head per flagged class; risk = max over heads of sigmoid(log-odds). */
  heads: Record<FlaggedVerdict, HeadParams>;
  /**
   * A second distillation head for established accounts only (`account_new` ≤ `max_account_new`), fitted on
   * those accounts alone: an old verified account laundering a harvest, or a sleeper, is a handful among
   * thousands of new proxy accounts, and one head over all of them learns "new and unverified" and leaves
   * the old ones unseen. Scored like the class heads (risk = max over the heads that apply); absent = none.
   */
  established_head?: HeadParams & { max_account_new: number };
  /**
   * A community's head: weights over its pooled features and the community's own (CAMPAIGN_FEATURE_NAMES in
   * scoring.ts: evidence families, size, members' own risk); campaign risk = sigmoid(log-odds). The kind is
   * the class head strongest on the pooled features.
   */
  campaign_head: HeadParams;
  /**
   * An account's own score flags it only once it has sent this many requests (decayed count); before, a
   * risk above the flag threshold marks it `suspicious`. A first request is one sample of everything: no
   * head can tell an odd first question from an attack, and the engine would act on it. Campaigns still
   * flag members from their first request.
   */
  min_own_requests: number;
  /** Pseudo-count of the prior in every share (so 2 hits in 2 requests is not a 100 % share). */
  shrinkage: number;
  /** Half-life of the per-account counters, in hours of event time. */
  decay_half_life_hours: number;
  minhash: {
    /** slots per signature (multiple of bands) */
    k: number;
    bands: number;
    /** words per shingle */
    shingle: number;
    /** shingles hashed per prompt at most (a prefix sample keeps cost flat on long prompts) */
    max_shingles: number;
    /** recent signatures kept per account for near-duplicate detection */
    ring: number;
    /** estimated Jaccard at or above which two prompts are near-duplicates */
    near_dup: number;
  };
  release: {
    /** a model first seen this long after the stream starts counts as a new release */
    warmup_hours: number;
    /** adopting a release within this many hours of its first sighting is a fast pivot */
    fast_hours: number;
  };
  linkage: {
    /** base weight of each evidence kind (multiplied by the value's rarity) */
    kind_weights: Record<string, number>;
    /** an account joins a campaign only with evidence of at least this many independent kinds (families) ... */
    min_kinds: number;
    /** ... or at least this much evidence weight (summed over families, strongest value per family) */
    strong_weight: number;
    /** a family counts toward min_kinds only when its strongest value weighs at least this much */
    min_family_weight: number;
    /** values held by more than this share of all accounts (and more than common_floor accounts) carry no evidence */
    max_value_share: number;
    common_floor: number;
    /** members remembered per value (beyond, the value counts as common) */
    max_value_members: number;
    /** distinct template keys remembered per account */
    templates_per_account: number;
    /** a template key links an account only once it repeats this many times in that account */
    template_min_repeats: number;
    /** prompts shorter than this many tokens make no template keys (short prompts are shared by strangers) */
    template_min_tokens: number;
    /** an account whose own risk is below this does not join a campaign */
    member_min_own_risk: number;
    /** share of each of two communities that must hold binding values shared with the other for them to merge */
    merge_min_share: number;
    /** communities whose shared binding values come from this many distinct creation bursts (or cards) merge */
    merge_min_bursts: number;
    /** share of the smaller side running a client the larger side runs that counts as one more independent fact */
    merge_tooling_share: number;
    /** two groups merge (by either rule above) only when at least this share of the smaller one holds a binding
     * value that two or more accounts of the other hold too */
    merge_min_cover: number;
    /** ... asked only when the smaller one has at least this many accounts made in a burst (a fragment of a
     * handful can hold a small burst of its actor alone) */
    merge_cover_min_accounts: number;
    min_campaign_size: number;
    louvain_resolution: number;
    /** a suspicious account outside any holder group stays in its content community when the boundary phrases it
     * shares there weigh this much (each phrase: its weight × the share of its other holders inside) */
    content_bind_min_weight: number;
    /** Louvain resolution of the content graph (suspicious accounts and their phrases) */
    content_louvain_resolution: number;
    /** phrases held by more accounts than this do not bind (they are a genre, not a campaign's wrapper) */
    content_bind_max_holders: number;
    /** recompute communities after at least this many events ... */
    recompute_min_events: number;
    /** ... and at least this many events per graph edge of the previous run (bounds amortised cost) ... */
    recompute_events_per_edge: number;
    /** ... or when this much event time has passed (with at least recompute_min_events / 10 events and a quarter of the per-edge quota) */
    recompute_max_minutes: number;
    creation_burst_hours: number;
    /** accounts that must share a creation-time bucket before it counts as a burst */
    burst_min_accounts: number;
    activity_bucket_minutes: number;
  };
}
