// Which configured rule a decision falls under: the first whose verdict, risk and tiers match.
import type { EnforcementConfig } from '../config/schema.ts';
import type { Verdict } from '../detect/types.ts';
import type { VerificationTier } from '../events/types.ts';

export type EnforcementRule = EnforcementConfig['rules'][number];

export function matchRule(
  rules: readonly EnforcementRule[],
  verdict: Verdict,
  risk: number,
  tier: VerificationTier,
): { rule: EnforcementRule; index: number } | null {
  for (let index = 0; index < rules.length; index++) {
    const rule = rules[index]!;
    if (rule.verdict !== verdict || risk < rule.min_risk) continue;
    if (rule.tiers.length > 0 && !rule.tiers.includes(tier)) continue;
    return { rule, index };
  }
  return null;
}
