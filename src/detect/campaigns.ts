// Campaigns: communities whose pooled behaviour is flagged. A community's features are those of one big
// account (its members' counters summed, after aligning their clocks) plus its evidence families, size and
// its members' mean own risk; its own fitted head (`campaign_head`) scores them, so forty accounts that each
// send a few harmless-looking coercion prompts score as the harvest they are together, while a campus NAT or
// an enterprise, whose pooled counters are those of many ordinary users, does not. Campaign ids stay stable
// across recomputations by matching members.
import { AccountState, C } from './account-state.ts';
import type { Community } from './linkage/communities.ts';
import { ACCOUNT_FAMILIES, describeValue } from './linkage/values.ts';
import { addScaled, decayFactor } from './sketches/decayed-counter.ts';
import { HLL_REGISTERS, hllMerge } from './sketches/hll.ts';
import { CAMPAIGN_FEATURE_NAMES, Scorer, round } from './scoring.ts';
import { computeFeatures, FEATURE_NAMES } from './signals/index.ts';
import type { DetectorParams, FlaggedVerdict, SignalValue } from './types.ts';

export interface CampaignState {
  id: string;
  kind: FlaggedVerdict;
  /** account indexes, ascending */
  members: number[];
  risk: number;
  firstSeen: string;
  firstSeenMs: number;
  firstFlaggedAt: string;
  evidence: { type: string; detail: string }[];
  signals: SignalValue[];
}

/** Evidence lines kept per campaign. */
const EVIDENCE_LINES = 12;

export class CampaignTracker {
  current: CampaignState[] = [];
  nextId = 1;
  private readonly features = new Float64Array(CAMPAIGN_FEATURE_NAMES.length);

  /**
   * Scores `communities` at event time `tsMs` (`ts` its string) and replaces the current campaigns with the
   * flagged ones; returns, per account index, the campaign it now belongs to.
   */
  update(communities: Community[], accounts: AccountState[], tsMs: number, ts: string, scorer: Scorer, params: DetectorParams): Map<number, CampaignState> {
    const previous = new Map(this.current.map((c) => [c.id, c]));
    const taken = new Set<string>();
    const next: CampaignState[] = [];
    for (const community of communities) {
      const { firstSeenMs, firstSeen } = pooledFeatures(community, accounts, tsMs, params, this.features);
      const s = scorer.scoreCampaign(this.features);
      if (s.risk < params.thresholds.campaign) continue;
      const id = this.matchId(community.members, accounts, previous, taken);
      taken.add(id);
      const before = previous.get(id);
      next.push({
        id,
        kind: s.cls,
        members: community.members,
        risk: round(s.risk),
        firstSeen: before && before.firstSeenMs <= firstSeenMs ? before.firstSeen : firstSeen,
        firstSeenMs: Math.min(firstSeenMs, before?.firstSeenMs ?? Infinity),
        firstFlaggedAt: before ? before.firstFlaggedAt : ts,
        evidence: community.evidence.slice(0, EVIDENCE_LINES).map((e) => ({
          type: e.kind,
          detail: `${describeValue(e.key, params.linkage.creation_burst_hours, params.linkage.activity_bucket_minutes)} shared by ${e.holders} accounts of this campaign (${e.count} overall, weight ${round(e.weight, 2)})`,
        })),
        signals: scorer.explainCampaign(this.features),
      });
    }
    this.current = next;
    const campaignOf = new Map<number, CampaignState>();
    for (const c of next) for (const m of c.members) campaignOf.set(m, c);
    return campaignOf;
  }

  /** The previous campaign id most of these members had (if they were a large part of it), else a new id. */
  private matchId(members: number[], accounts: AccountState[], previous: Map<string, CampaignState>, taken: Set<string>): string {
    const overlap = new Map<string, number>();
    for (const m of members) {
      const id = accounts[m]!.campaignId;
      if (id !== null && previous.has(id) && !taken.has(id)) overlap.set(id, (overlap.get(id) ?? 0) + 1);
    }
    let best: string | null = null;
    let bestCount = 0;
    for (const [id, count] of overlap) {
      const size = Math.min(members.length, previous.get(id)!.members.length);
      if (2 * count < size) continue;
      if (count > bestCount || (count === bestCount && best !== null && id < best)) {
        best = id;
        bestCount = count;
      }
    }
    return best ?? `camp_${this.nextId++}`;
  }
}

/**
 * Fills `out` (CAMPAIGN_FEATURE_NAMES) with `community`'s features at `tsMs`: its members' counters summed
 * (each decayed to `tsMs`), end-user sketches merged and contexts averaged, then its evidence families, size
 * and its members' mean own risk (`AccountState.ownRisk`). Returns when the community was first seen.
 */
export function pooledFeatures(community: Community, accounts: readonly AccountState[], tsMs: number, params: DetectorParams, out: Float64Array): { firstSeenMs: number; firstSeen: string } {
  const halfLifeMs = params.decay_half_life_hours * 3_600_000;
  const members: AccountState[] = [];
  for (const i of community.members) members.push(accounts[i]!);
  const counters = new Float64Array(C.size);
  const users = new Uint8Array(HLL_REGISTERS);
  let firstSeenMs = Infinity;
  let firstSeen = '';
  let risk = 0;
  for (const a of members) {
    addScaled(counters, a.counters, decayFactor(tsMs - a.lastTsMs, halfLifeMs));
    hllMerge(users, a.users);
    risk += a.ownRisk;
    if (a.firstTsMs < firstSeenMs) {
      firstSeenMs = a.firstTsMs;
      firstSeen = a.firstTs;
    }
  }
  computeFeatures({ counters, users, metas: members.map((a) => a.meta), atMs: tsMs }, params.shrinkage, out);
  let holderFamilies = 0;
  for (const f of community.families) if (ACCOUNT_FAMILIES.has(f)) holderFamilies++;
  const at = FEATURE_NAMES.length;
  out[at] = community.families.size;
  out[at + 1] = holderFamilies;
  out[at + 2] = Math.log2(Math.max(1, members.length));
  out[at + 3] = members.length > 0 ? risk / members.length : 0;
  return { firstSeenMs, firstSeen };
}
