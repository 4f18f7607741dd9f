// Shipped defaults. A user's file is deep-merged over these, so it names only what it changes.
// The tiers climb from anonymous sign-ups (tight limits, no logprobs, no raw reasoning)
// to verified organisations; the features that leak most open up only with verification.

export const DEFAULT_CONFIG = {
  tiers: {
    none: {
      key: { rpm: 60, tpm: 100_000 },
      account: { rpm: 120, tpm: 200_000 },
      max_tokens: { max: 4096, over: 'cap' },
      n: { max: 1, over: 'reject' },
      logprobs: false,
      top_logprobs: { max: 0, over: 'reject' },
      logit_bias: false,
      reasoning: 'none',
      tools: true,
    },
    email: {
      key: { rpm: 200, tpm: 400_000 },
      account: { rpm: 300, tpm: 600_000 },
      max_tokens: { max: 8192, over: 'cap' },
      n: { max: 2, over: 'reject' },
      logprobs: true,
      top_logprobs: { max: 5, over: 'cap' },
      logit_bias: false,
      reasoning: 'summary',
      tools: true,
    },
    phone: {
      key: { rpm: 500, tpm: 1_000_000 },
      account: { rpm: 1000, tpm: 2_000_000 },
      max_tokens: { max: 16_384, over: 'cap' },
      n: { max: 4, over: 'reject' },
      logprobs: true,
      top_logprobs: { max: 5, over: 'cap' },
      logit_bias: false,
      reasoning: 'summary',
      tools: true,
    },
    id: {
      key: { rpm: 2000, tpm: 4_000_000 },
      account: { rpm: 4000, tpm: 8_000_000 },
      max_tokens: { max: 32_768, over: 'cap' },
      n: { max: 8, over: 'reject' },
      logprobs: true,
      top_logprobs: { max: 20, over: 'cap' },
      logit_bias: true,
      reasoning: 'full',
      tools: true,
    },
    org: {
      key: { rpm: 5000, tpm: 10_000_000 },
      account: { rpm: 10_000, tpm: 20_000_000 },
      max_tokens: { max: null, over: 'cap' },
      n: { max: 16, over: 'reject' },
      logprobs: true,
      top_logprobs: { max: 20, over: 'cap' },
      logit_bias: true,
      reasoning: 'full',
      tools: true,
    },
  },
  group: { rpm: 1000, tpm: 2_000_000 },
  enforcement: {
    mode: 'shadow',
    // Graduated: the stronger and surer the verdict, the stronger the action; all reversible.
    rules: [
      { verdict: 'distillation', min_risk: 0.97, action: 'suspend' },
      { verdict: 'distillation', min_risk: 0, action: 'degrade' },
      { verdict: 'extraction', min_risk: 0.97, action: 'suspend' },
      { verdict: 'extraction', min_risk: 0, action: 'verify' },
      { verdict: 'jailbreak', min_risk: 0, action: 'throttle' },
      // suspicious is only observed: with the fitted detector nearly every attacker is flagged, and degrading
      // suspicious unverified accounts cost 3 % of benign requests in the replay (rag apps, casual users, translators)
      { verdict: 'suspicious', min_risk: 0, action: 'observe', campaign: false },
    ],
  },
} as const;
