// What an enforcement action changes in a request: suspend and verify refuse it; degrade hides reasoning, caps
// max_tokens and refuses logprobs and n > 1; throttle lowers the limits (see the scopes in runtime.ts).
import type { EnforcementConfig } from '../config/schema.ts';
import type { AccountEnforcement } from '../enforce/types.ts';
import { DgError, ERRORS } from '../errors.ts';
import type { GateCaps, RequestedFeatures } from '../policy/gates.ts';
import type { ReasoningVisibility } from './dialects/types.ts';

export function refuseIfBlocked(e: AccountEnforcement, config: EnforcementConfig): void {
  if (e.kind === 'suspend') throw new DgError(ERRORS.ACCOUNT_SUSPENDED, 'This account is suspended. Contact support to appeal.');
  if (e.kind === 'verify') {
    throw new DgError(ERRORS.VERIFICATION_REQUIRED, `Further verification is required for this account: ${config.verification_url} (reason: ${e.reasonCode}).`);
  }
}

/** The tier's caps, tightened by the degrade settings; throws for features a degraded account may not use. */
export function degradeCaps(features: RequestedFeatures, caps: GateCaps, config: EnforcementConfig): GateCaps {
  if (features.logprobs || (features.topLogprobs ?? 0) > 0) {
    throw new DgError(ERRORS.FEATURE_NOT_ALLOWED, 'logprobs are not available for this account at present.', { param: 'logprobs' });
  }
  if ((features.n ?? 1) > 1) throw new DgError(ERRORS.FEATURE_NOT_ALLOWED, 'n > 1 is not available for this account at present.', { param: 'n' });
  const ceiling = config.degrade.max_tokens;
  const current = caps.maxTokens ?? features.maxTokens;
  return current !== null && current <= ceiling ? caps : { ...caps, maxTokens: ceiling };
}

const ORDER: Record<ReasoningVisibility, number> = { full: 2, summary: 1, none: 0 };

export function stricterVisibility(a: ReasoningVisibility, b: ReasoningVisibility): ReasoningVisibility {
  return ORDER[a] <= ORDER[b] ? a : b;
}
