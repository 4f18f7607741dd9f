// Which configured rule a decision falls under: the first whose verdict, risk and tiers match.
import type { EnforcementConfig, RiskFloor } from '../config/schema.ts';
import { isFlagged, type Decision, type DetectorParams, type FlaggedVerdict } from '../detect/types.ts';
import type { VerificationTier } from '../events/types.ts';

export type EnforcementRule = EnforcementConfig['rules'][number];

/** The detector's thresholds a rule's `min_risk` can name. */
export type DetectorThresholds = Pick<DetectorParams['thresholds'], 'suspicious' | 'flagged'>;

/** A rule's risk floor as a number: a named threshold is the detector's own. */
export function riskFloorValue(floor: RiskFloor, thresholds: DetectorThresholds): number {
  return typeof floor === 'number' ? floor : thresholds[floor];
}

export function matchRule(
  rules: readonly EnforcementRule[],
  thresholds: DetectorThresholds,
  decision: Pick<Decision, 'verdict' | 'risk' | 'suspected'>,
  tier: VerificationTier,
): { rule: EnforcementRule; index: number } | null {
  for (let index = 0; index < rules.length; index++) {
    const rule = rules[index]!;
    if (rule.verdict !== decision.verdict || decision.risk < riskFloorValue(rule.min_risk, thresholds)) continue;
    if (rule.tiers.length > 0 && !rule.tiers.includes(tier)) continue;
    if (rule.suspected.length > 0) {
      const suspected = suspectedClass(decision);
      if (suspected === null || !rule.suspected.includes(suspected)) continue;
    }
    return { rule, index };
  }
  return null;
}

/** What the account is suspected of: the decision's `suspected`, else a flagged verdict's own class, else unknown. */
function suspectedClass(decision: Pick<Decision, 'verdict' | 'suspected'>): FlaggedVerdict | null {
  return decision.suspected ?? (isFlagged(decision.verdict) ? decision.verdict : null);
}
