// Campaigns: communities whose pooled behaviour is flagged. A campaign is scored like one big account (its
// members' counters summed, after aligning their clocks), plus a little for independent kinds of evidence
// and size, so forty accounts that each send a few harmless-looking coercion prompts score as the harvest
// they are together. Campaign ids stay stable across recomputations by matching members.
import { AccountState, C } from './account-state.ts';
import type { Community } from './linkage/communities.ts';
import { ACCOUNT_FAMILIES, describeValue } from './linkage/values.ts';
import { addScaled, decayFactor } from './sketches/decayed-counter.ts';
import { HLL_REGISTERS, hllMerge } from './sketches/hll.ts';
import { Scorer, round } from './scoring.ts';
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
  private readonly features = new Float64Array(FEATURE_NAMES.length);

  /**
   * Scores `communities` at event time `tsMs` (`ts` its string) and replaces the current campaigns with the
   * flagged ones; returns, per account index, the campaign it now belongs to.
   */
  update(communities: Community[], accounts: AccountState[], tsMs: number, ts: string, scorer: Scorer, params: DetectorParams): Map<number, CampaignState> {
    const previous = new Map(this.current.map((c) => [c.id, c]));
    const taken = new Set<string>();
    const next: CampaignState[] = [];
    const halfLifeMs = params.decay_half_life_hours * 3_600_000;
    for (const community of communities) {
      const members = community.members.map((i) => accounts[i]!);
      const counters = new Float64Array(C.size);
      const users = new Uint8Array(HLL_REGISTERS);
      let firstSeenMs = Infinity;
      let firstSeen = '';
      for (const a of members) {
        addScaled(counters, a.counters, decayFactor(tsMs - a.lastTsMs, halfLifeMs));
        hllMerge(users, a.users);
        if (a.firstTsMs < firstSeenMs) {
          firstSeenMs = a.firstTsMs;
          firstSeen = a.firstTs;
        }
      }
      computeFeatures({ counters, users, metas: members.map((a) => a.meta), atMs: tsMs }, params.shrinkage, this.features);
      let holderFamilies = 0;
      for (const f of community.families) if (ACCOUNT_FAMILIES.has(f)) holderFamilies++;
      // one holder family (one network, one card) is how a NAT or an enterprise looks: it must earn its flag
      const bonus =
        params.linkage.kind_logit_bonus * Math.max(0, community.families.size - 1) +
        params.linkage.size_logit_bonus * Math.max(0, Math.log2(members.length / 2)) -
        (holderFamilies < 2 ? params.linkage.single_family_logit_penalty : 0);
      const s = scorer.score(this.features, bonus);
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
        signals: scorer.explain(this.features, s.cls),
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
