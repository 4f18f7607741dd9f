// Capability gates: what a verification tier may ask of the model.
// The features that leak most (logprobs, logit_bias, long or many completions) open up only with
// verification. Everything that depends on the configuration alone is computed once in compileGates,
// so the per-request path is a few comparisons and, when nothing is capped, no allocation.
import { DgError, ERRORS } from '../errors.ts';
import { VERIFICATION_TIERS, type VerificationTier } from '../events/types.ts';
import type { GatewayConfig, TierPolicy } from '../config/schema.ts';

/** What a request asks for, extracted by its dialect. null = the field was not sent. */
export interface RequestedFeatures {
  maxTokens: number | null;
  n: number | null;
  logprobs: boolean;
  topLogprobs: number | null;
  logitBias: boolean;
  tools: boolean;
  reasoningRequested: boolean;
}

export type ReasoningVisibility = TierPolicy['reasoning'];

/** Values the gateway must write into the request before forwarding it (absent = leave as sent). */
export interface GateCaps {
  maxTokens?: number;
  n?: number;
  topLogprobs?: number;
}

export type GateOutcome =
  | { ok: true; caps: GateCaps; reasoning: ReasoningVisibility }
  | { ok: false; error: DgError };

export type TierPolicies = GatewayConfig['tiers'];

export interface CompiledGates {
  apply(features: RequestedFeatures, tier: VerificationTier): GateOutcome;
}

type SwitchName = 'logprobs' | 'logit_bias' | 'tools';
type CeilingName = 'max_tokens' | 'n' | 'top_logprobs';

interface CompiledTier {
  tier: VerificationTier;
  policy: TierPolicy;
  /** Shared, frozen outcome for requests that need no cap: the common case allocates nothing. */
  passThrough: GateOutcome;
  /** Lowest higher tier that allows each switch, or null when none does. */
  switchUnlockedAt: Record<SwitchName, VerificationTier | null>;
}

const NO_CAPS: GateCaps = Object.freeze({});

/** Precomputes per-tier lookups; call once per configuration and keep the result. */
export function compileGates(tiers: TierPolicies): CompiledGates {
  const byTier = new Map<VerificationTier, CompiledTier>();
  VERIFICATION_TIERS.forEach((tier, rank) => {
    const policy = tiers[tier];
    const lowestAbove = (allows: (p: TierPolicy) => boolean): VerificationTier | null =>
      VERIFICATION_TIERS.slice(rank + 1).find((t) => allows(tiers[t])) ?? null;
    byTier.set(tier, {
      tier,
      policy,
      passThrough: Object.freeze({ ok: true as const, caps: NO_CAPS, reasoning: policy.reasoning }),
      switchUnlockedAt: {
        logprobs: lowestAbove((p) => p.logprobs),
        logit_bias: lowestAbove((p) => p.logit_bias),
        tools: lowestAbove((p) => p.tools),
      },
    });
  });

  /** Rejection path only (cold): which higher tier's ceiling admits `value`. */
  const ceilingUnlockedAt = (tier: VerificationTier, name: CeilingName, value: number): VerificationTier | null => {
    const rank = VERIFICATION_TIERS.indexOf(tier);
    return VERIFICATION_TIERS.slice(rank + 1).find((t) => admits(tiers[t][name].max, value)) ?? null;
  };

  return {
    apply(features: RequestedFeatures, tier: VerificationTier): GateOutcome {
      const compiled = byTier.get(tier);
      if (compiled === undefined) {
        return { ok: false, error: new DgError(ERRORS.INTERNAL, `Unknown verification tier '${String(tier)}'.`) };
      }
      const policy = compiled.policy;

      // top_logprobs only makes sense with logprobs, and leaks the same thing, so it is gated with it.
      const wantsLogprobs = features.logprobs || (features.topLogprobs !== null && features.topLogprobs > 0);
      if (wantsLogprobs && !policy.logprobs) {
        return switchDenied(compiled, 'logprobs', features.logprobs ? 'logprobs' : 'top_logprobs');
      }
      if (features.logitBias && !policy.logit_bias) return switchDenied(compiled, 'logit_bias', 'logit_bias');
      if (features.tools && !policy.tools) return switchDenied(compiled, 'tools', 'tools');

      let caps: GateCaps | null = null;

      const maxTokensCeiling = policy.max_tokens.max;
      if (maxTokensCeiling !== null) {
        if (features.maxTokens === null) {
          // Not sent: the upstream's own default could exceed the tier's ceiling, so always send it.
          caps = { maxTokens: maxTokensCeiling };
        } else if (features.maxTokens > maxTokensCeiling) {
          if (policy.max_tokens.over === 'reject') {
            return ceilingDenied(compiled, 'max_tokens', features.maxTokens, ceilingUnlockedAt);
          }
          caps = { maxTokens: maxTokensCeiling };
        }
      }

      const nCeiling = policy.n.max;
      if (nCeiling !== null && features.n !== null && features.n > nCeiling) {
        if (policy.n.over === 'reject') return ceilingDenied(compiled, 'n', features.n, ceilingUnlockedAt);
        caps ??= {};
        caps.n = nCeiling;
      }

      const topCeiling = policy.top_logprobs.max;
      if (topCeiling !== null && features.topLogprobs !== null && features.topLogprobs > topCeiling) {
        if (policy.top_logprobs.over === 'reject') {
          return ceilingDenied(compiled, 'top_logprobs', features.topLogprobs, ceilingUnlockedAt);
        }
        caps ??= {};
        caps.topLogprobs = topCeiling;
      }

      return caps === null ? compiled.passThrough : { ok: true, caps, reasoning: policy.reasoning };
    },
  };
}

// Compiled gates per configuration object, so the one-call form below costs one WeakMap lookup.
const compiledByConfig = new WeakMap<TierPolicies, CompiledGates>();

/** One-call form of compileGates(tiers).apply(...), compiling each tiers object once. */
export function applyTierGates(features: RequestedFeatures, tier: VerificationTier, tiers: TierPolicies): GateOutcome {
  let gates = compiledByConfig.get(tiers);
  if (gates === undefined) {
    gates = compileGates(tiers);
    compiledByConfig.set(tiers, gates);
  }
  return gates.apply(features, tier);
}

function admits(max: number | null, value: number): boolean {
  return max === null || value <= max;
}

function requirement(unlockedAt: VerificationTier | null): string {
  return unlockedAt === null
    ? 'no verification tier allows it.'
    : `it requires tier '${unlockedAt}' or higher.`;
}

function switchDenied(compiled: CompiledTier, feature: SwitchName, param: string): GateOutcome {
  const message =
    `${feature} is not available at verification tier '${compiled.tier}'; ` +
    requirement(compiled.switchUnlockedAt[feature]);
  return { ok: false, error: new DgError(ERRORS.FEATURE_NOT_ALLOWED, message, { param }) };
}

function ceilingDenied(
  compiled: CompiledTier,
  feature: CeilingName,
  value: number,
  unlockedAt: (tier: VerificationTier, name: CeilingName, value: number) => VerificationTier | null,
): GateOutcome {
  const ceiling = compiled.policy[feature].max;
  const message =
    `${feature}=${value} exceeds the ceiling of ${String(ceiling)} at verification tier '${compiled.tier}'; ` +
    requirement(unlockedAt(compiled.tier, feature, value));
  return { ok: false, error: new DgError(ERRORS.FEATURE_NOT_ALLOWED, message, { param: feature }) };
}
