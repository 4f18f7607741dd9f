// Everything the engine remembers about one account: a fixed-size vector of decayed counters (what the
// signals count), a ring of recent MinHash signatures, an end-user HyperLogLog, a few linkage values and its
// current verdict. Nothing here grows with the number of events (sizes are documented in docs/detector.md).
import type { AccountRecordV1, VerificationTier } from '../events/types.ts';
import type { FlaggedVerdict, Verdict } from './types.ts';
import { HLL_REGISTERS } from './sketches/hll.ts';
import { APP_USE_CASE, DATA_USE_CASE } from './signals/context.ts';

export const TOPICS = 10;
export const TEMPLATE_SLOTS = 64;
/**
 * The table's first BAND_SLOTS slots hold LSH band keys, the rest boundary-phrase keys: eight band keys per
 * prompt, written before its phrases, evicted a phrase seen once before it could repeat (a crew member's second
 * crafted prompt overwrote the first one's opening with one of its own band keys), so phrases keep slots of
 * their own.
 */
export const BAND_SLOTS = 48;
export const PHRASE_SLOTS = TEMPLATE_SLOTS - BAND_SLOTS;
export const HOURS = 24;

/** Slots of the counter vector. Every slot is additive, so a campaign's counters are the sum of its members'. */
export const C = {
  requests: 0,
  cot: 1,
  cotFullTrace: 2,
  grader: 3,
  jailbreak: 4,
  injection: 5,
  systemPrompt: 6,
  logprobs: 7,
  logitBias: 8,
  tinyMaxTokens: 9,
  singleTokenOutput: 10,
  contentFilter: 11,
  sigCompared: 12,
  nearDup: 13,
  distN: 14,
  distSum: 15,
  distSum2: 16,
  distSum3: 17,
  distSum4: 18,
  tokN: 19,
  inTok: 20,
  outTok: 21,
  reasTok: 22,
  maxTokN: 23,
  logMaxTok: 24,
  multiCompletion: 25,
  gapN: 26,
  gapSum: 27,
  gapSum2: 28,
  topicN: 29,
  topic0: 30,
  hour0: 30 + TOPICS,
  releaseAdopted: 30 + TOPICS + HOURS,
  releaseFast: 31 + TOPICS + HOURS,
  // behaviour shift (signals/shift.ts): a faster-decaying recent window and a baseline frozen after the
  // account's first hours of activity (its hours of day: after its first day)
  recentRequests: 32 + TOPICS + HOURS,
  recentHours: 33 + TOPICS + HOURS,
  recentCot: 34 + TOPICS + HOURS,
  recentReasTok: 35 + TOPICS + HOURS,
  recentOutTok: 36 + TOPICS + HOURS,
  baseFrozen: 37 + TOPICS + HOURS,
  baseRequests: 38 + TOPICS + HOURS,
  baseHours: 39 + TOPICS + HOURS,
  baseCot: 40 + TOPICS + HOURS,
  baseReasTok: 41 + TOPICS + HOURS,
  baseOutTok: 42 + TOPICS + HOURS,
  recentMulti: 43 + TOPICS + HOURS,
  baseMulti: 44 + TOPICS + HOURS,
  recentOffHours: 45 + TOPICS + HOURS,
  /** requests per hour of day (UTC) on the account's first day: the hours it was active then */
  baseHour0: 46 + TOPICS + HOURS,
  harmfulRequest: 46 + TOPICS + 2 * HOURS,
  recentFullTrace: 47 + TOPICS + 2 * HOURS,
  baseFullTrace: 48 + TOPICS + 2 * HOURS,
  size: 49 + TOPICS + 2 * HOURS,
} as const;

/** What accounts.jsonl says about an account, reduced to what the context signals read. */
export interface AccountMeta {
  tier: VerificationTier | null;
  createdAtMs: number | null;
  useCase: string | null;
  /** the declared use case names a product serving others / describes producing data (matched once) */
  appUseCase: boolean;
  dataUseCase: boolean;
}

export function metaFromRecord(rec: AccountRecordV1): AccountMeta {
  const created = rec.created_at ? Date.parse(rec.created_at) : NaN;
  return {
    tier: rec.verification ?? null,
    createdAtMs: Number.isFinite(created) ? created : null,
    useCase: rec.declared_use_case ?? null,
    appUseCase: rec.declared_use_case ? APP_USE_CASE.test(rec.declared_use_case) : false,
    dataUseCase: rec.declared_use_case ? DATA_USE_CASE.test(rec.declared_use_case) : false,
  };
}

export class AccountState {
  readonly id: string;
  /** dense index, used as the node id in the linkage graph */
  readonly idx: number;
  meta: AccountMeta = { tier: null, createdAtMs: null, useCase: null, appUseCase: false, dataUseCase: false };
  readonly counters = new Float64Array(C.size);
  readonly users = new Uint8Array(HLL_REGISTERS);
  /** ring of the last `ringSize` signatures, k slots each */
  readonly ring: Int32Array;
  ringNext = 0;
  ringFill = 0;
  firstTsMs = NaN;
  firstTs = '';
  /** ts of the latest event (the counters' clock) */
  lastTsMs = NaN;
  /**
   * Recently seen template (LSH band) keys, and boundary-phrase keys, in a direct-mapped table (see BAND_SLOTS):
   * a key that comes back while still in its slot has repeated. Noise keys overwrite each other; a template's
   * keys recur and stick. O(1), no Map.
   */
  readonly templateKeys = new Int32Array(TEMPLATE_SLOTS);
  readonly templateCounts = new Uint8Array(TEMPLATE_SLOTS);
  /** linkage values this account has registered (bounded per kind) */
  readonly values = new Set<string>();
  readonly valuesPerKind = new Map<string, number>();
  /** models used so far (bounded by the number of models served) */
  readonly models = new Set<string>();
  /** ASN of the first request (for the ASN-with-creation-burst evidence) */
  firstAsn: number | null = null;
  /** whether accounts.jsonl metadata has been applied */
  hasRecord = false;
  lastIp = '';
  /** hash of the last system prompt head and its pattern flags (a cache: RAG apps resend one long prompt) */
  systemHash = 0;
  systemFlags = -1;
  lastClientTag = '';

  // decision state
  verdict: Verdict = 'benign';
  risk = 0;
  ownRisk = 0;
  ownClass: FlaggedVerdict = 'distillation';
  campaignId: string | null = null;
  firstFlaggedAt: string | null = null;

  constructor(id: string, idx: number, k: number, ringSize: number) {
    this.id = id;
    this.idx = idx;
    this.ring = new Int32Array(k * ringSize);
  }

  /** The latest stored signature's offset in `ring`, or -1. */
  latestSignatureOffset(k: number): number {
    if (this.ringFill === 0) return -1;
    const ringSize = this.ring.length / k;
    return ((this.ringNext - 1 + ringSize) % ringSize) * k;
  }

  pushSignature(sig: Int32Array, k: number): void {
    const ringSize = this.ring.length / k;
    this.ring.set(sig, this.ringNext * k);
    this.ringNext = (this.ringNext + 1) % ringSize;
    if (this.ringFill < ringSize) this.ringFill++;
  }
}
