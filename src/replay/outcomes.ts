// Counting what a replay achieved: each answered request is served in full, degraded or blocked, and the token
// numbers that count are the ones the log recorded (the demo upstream's own numbers mean nothing).
//   served in full (2xx, action not degrade)  output and reasoning delivered
//   degraded       (2xx, action degrade)      output delivered, reasoning withheld
//   blocked        (any non-2xx)              both withheld

export const ACTIONS = ['none', 'throttle', 'degrade', 'verify', 'suspend'] as const;
export type ReplayAction = (typeof ACTIONS)[number];
export type Outcome = 'served_full' | 'degraded' | 'blocked';

export interface OutcomeCounters {
  requests: number;
  served_full: number;
  degraded: number;
  blocked: number;
  output_tokens_delivered: number;
  output_tokens_withheld: number;
  reasoning_tokens_delivered: number;
  reasoning_tokens_withheld: number;
  actions: Record<ReplayAction, number>;
}

export function emptyCounters(): OutcomeCounters {
  return {
    requests: 0,
    served_full: 0,
    degraded: 0,
    blocked: 0,
    output_tokens_delivered: 0,
    output_tokens_withheld: 0,
    reasoning_tokens_delivered: 0,
    reasoning_tokens_withheld: 0,
    actions: { none: 0, throttle: 0, degrade: 0, verify: 0, suspend: 0 },
  };
}

/** The action header's value; absent or unknown (a gateway not in replay mode) counts as none. */
export function parseAction(header: string | string[] | undefined): ReplayAction {
  const v = Array.isArray(header) ? header[0] : header;
  return (ACTIONS as readonly string[]).includes(v ?? '') ? (v as ReplayAction) : 'none';
}

export function classifyOutcome(status: number, action: ReplayAction): Outcome {
  if (status < 200 || status >= 300) return 'blocked';
  return action === 'degrade' ? 'degraded' : 'served_full';
}

/** One answered request's contribution, from the logged token numbers. */
export interface RequestOutcome {
  outcome: Outcome;
  action: ReplayAction;
  outputTokens: number;
  reasoningTokens: number;
}

export function addOutcome(into: OutcomeCounters, r: RequestOutcome): void {
  into.requests++;
  into[r.outcome]++;
  into.actions[r.action]++;
  if (r.outcome === 'served_full') {
    into.output_tokens_delivered += r.outputTokens;
    into.reasoning_tokens_delivered += r.reasoningTokens;
  } else if (r.outcome === 'degraded') {
    into.output_tokens_delivered += r.outputTokens;
    into.reasoning_tokens_withheld += r.reasoningTokens;
  } else {
    into.output_tokens_withheld += r.outputTokens;
    into.reasoning_tokens_withheld += r.reasoningTokens;
  }
}

export function mergeCounters(into: OutcomeCounters, from: OutcomeCounters): void {
  into.requests += from.requests;
  into.served_full += from.served_full;
  into.degraded += from.degraded;
  into.blocked += from.blocked;
  into.output_tokens_delivered += from.output_tokens_delivered;
  into.output_tokens_withheld += from.output_tokens_withheld;
  into.reasoning_tokens_delivered += from.reasoning_tokens_delivered;
  into.reasoning_tokens_withheld += from.reasoning_tokens_withheld;
  for (const a of ACTIONS) into.actions[a] += from.actions[a];
}
