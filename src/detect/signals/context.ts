// Context: verification tier, account age, declared use case, diversity of end users. Why: proxy accounts
// are new, unverified (verification is the cost a hydra avoids), declare vague or data-generation uses, and
// serve one end user (the harvester) however many requests they send. Who shares it: new hobbyists are
// new and unverified too, but send little; resellers, RAG and tutoring apps declare their product and pass
// many distinct params.user ids, which pull their risk down.
import type { VerificationTier } from '../../events/types.ts';
import { hashString } from '../sketches/hash.ts';
import { hllAdd, hllEstimate } from '../sketches/hll.ts';
import type { AccountMeta } from '../account-state.ts';
import type { SignalFamily } from './types.ts';

const MS_PER_DAY = 86_400_000;

/** How little a tier vouches for the account: 1 = anonymous, → 0 = verified organisation. */
const TIER_RISK: Record<VerificationTier, number> = { none: 1, email: 0.8, phone: 0.5, id: 0.15, org: 0.05 };
const UNKNOWN_TIER_RISK = 0.6;

/** Declared uses that name a product serving others (the hard negatives' own descriptions). */
export const APP_USE_CASE = /\b(?:tutor\w*|educat\w*|translat\w*|customer (?:support|service)|chat ?bot|assistant|rag|retrieval|search|knowledge base|resell\w*|rout\w*|gateway|platform|copywrit\w*|evaluat\w*|benchmark\w*|enterprise|internal tool\w*|coding|ide|saas)\b/i;
/** Declared uses that describe producing data (what a harvester may even say). */
export const DATA_USE_CASE = /\b(?:dataset\w*|synthetic data|training data|data generation|distill\w*|fine-?tun\w*|corpus|bulk generation)\b/i;

function tierRisk(m: AccountMeta): number {
  return m.tier ? TIER_RISK[m.tier] ?? UNKNOWN_TIER_RISK : UNKNOWN_TIER_RISK;
}

function newness(m: AccountMeta, atMs: number): number {
  if (m.createdAtMs === null) return 0.5;
  const days = Math.max(0, atMs - m.createdAtMs) / MS_PER_DAY;
  return 1 / (1 + days / 7);
}

export const context: SignalFamily = {
  names: ['tier_unverified', 'account_new', 'use_case_app', 'use_case_data', 'end_user_diversity'],
  params: ['user'],
  observe(view, acc) {
    const user = view.ev.params.user;
    if (typeof user === 'string' && user.length > 0) hllAdd(acc.users, hashString(user));
  },
  fill(src, out, at) {
    let tier = 0;
    let age = 0;
    let app = 0;
    let data = 0;
    const n = src.metas.length;
    for (const m of src.metas) {
      tier += tierRisk(m);
      age += newness(m, src.atMs);
      if (m.appUseCase) app++;
      if (m.dataUseCase) data++;
    }
    out[at] = n ? tier / n : UNKNOWN_TIER_RISK;
    out[at + 1] = n ? age / n : 0.5;
    out[at + 2] = n ? app / n : 0;
    out[at + 3] = n ? data / n : 0;
    out[at + 4] = Math.min(1, Math.log2(1 + hllEstimate(src.users)) / 14);
  },
};
