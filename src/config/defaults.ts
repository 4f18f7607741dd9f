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
    // Graduated: the stronger and surer the verdict, the stronger the action; all reversible. Risk floors name the
    // detector's own thresholds, so a refit of the detector moves them with its risk scale.
    rules: [
      // an account's own score flags it: suspend (the campaign with it); flagged only through its campaign: degrade
      { verdict: 'distillation', min_risk: 'flagged', action: 'suspend' },
      { verdict: 'distillation', min_risk: 0, action: 'degrade' },
      { verdict: 'extraction', min_risk: 'flagged', action: 'suspend' },
      { verdict: 'extraction', min_risk: 0, action: 'verify' },
      { verdict: 'jailbreak', min_risk: 0, action: 'throttle' },
      // Attackers often sit at suspicious for hours before they are flagged; benign accounts get there by chance on
      // a first request or two and drop back. So an account suspected of distillation is degraded at once when its
      // own score is at the flag threshold (only its few requests keep it from being flagged), otherwise once it
      // has sent 3 requests while suspicious (in all); either is lifted as soon as the detector clears it (docs/enforcement.md).
      {
        verdict: 'suspicious',
        suspected: ['distillation'],
        min_risk: 'flagged',
        action: 'degrade',
        campaign: false,
        lift_when_cleared: true,
      },
      {
        verdict: 'suspicious',
        suspected: ['distillation'],
        after_requests: 3,
        action: 'degrade',
        campaign: false,
        lift_when_cleared: true,
      },
      { verdict: 'suspicious', min_risk: 0, action: 'observe', campaign: false },
    ],
    // a cleared account keeps a lift_when_cleared action for 5 more requests: attackers hovering around the
    // suspicious threshold come back within them (chosen on training scenarios, docs/enforcement.md)
    lift_after_requests: 5,
  },
} as const;
