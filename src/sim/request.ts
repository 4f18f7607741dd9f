// Turns what an actor asks for into one log-format-v1 event: the params as its SDK would send them, what the
// gateway's tier gates would answer, and a response (tokens, finish reason, latency) a model would plausibly give.
import type { ChatMessage, LogEventV1, VerificationTier } from '../events/types.ts';
import type { Address, ClientIdentity } from './net.ts';
import type { Rng } from './rng.ts';
import { isoMs } from './time.ts';
import type { TimedEvent } from './world.ts';

export type Endpoint = '/v1/chat/completions' | '/v1/messages' | '/v1/responses';
export type Effort = 'low' | 'medium' | 'high';

/** Who sends: fixed per account except the address, which proxies rotate. */
export interface Caller {
  accountId: string;
  orgId: string | null;
  keyIds: readonly string[];
  tier: VerificationTier;
  endpoint: Endpoint;
  client: ClientIdentity;
  address: (rng: Rng) => Address;
  rng: Rng;
}

export interface RequestSpec {
  model: string;
  messages: ChatMessage[];
  maxTokens?: number;
  effort?: Effort;
  /** Extra params as sent (temperature, n, logprobs, tools, user, ...). */
  params?: Record<string, unknown>;
  /** Median visible output tokens of a successful answer. */
  outputMedian: number;
  /** Multiplies reasoning and output when the prompt coerces full reasoning. */
  verbosity?: number;
  /** Share of requests failing with 429/5xx for this actor. */
  errorRate?: number;
}

const EFFORT_REASONING: Record<Effort, number> = { low: 180, medium: 700, high: 2200 };
const REASONS_BY_DEFAULT = new Set(['frontier-large', 'frontier-large-2']);
const MS_PER_TOKEN: Record<string, number> = { 'frontier-mini': 6, 'frontier-large': 17, 'frontier-large-2': 15 };

function estimateTokens(messages: readonly ChatMessage[]): number {
  let tokens = 3;
  for (const m of messages) {
    tokens += 4;
    let latin = 0;
    const s = m.content;
    for (let i = 0; i < s.length; i++) {
      if (s.charCodeAt(i) >= 0x2e80) tokens++;
      else latin++;
    }
    tokens += Math.ceil(latin / 4);
  }
  return tokens;
}

/** The gateway's default tier gates (config/defaults): which requests a tier rejects with 403. */
function rejectedByTier(tier: VerificationTier, params: Record<string, unknown>): boolean {
  const high = tier === 'id' || tier === 'org';
  if (params.logprobs === true && tier === 'none') return true;
  if (typeof params.top_logprobs === 'number' && params.top_logprobs > 0 && tier === 'none') return true;
  if (params.logit_bias !== undefined && !high) return true;
  const n = typeof params.n === 'number' ? params.n : 1;
  const nMax = tier === 'none' ? 1 : tier === 'email' ? 2 : tier === 'phone' ? 4 : tier === 'id' ? 8 : 16;
  return n > nMax;
}

function requestParams(endpoint: Endpoint, spec: RequestSpec): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  if (spec.maxTokens !== undefined) {
    if (endpoint === '/v1/responses') params.max_output_tokens = spec.maxTokens;
    else params.max_tokens = spec.maxTokens;
  }
  if (spec.effort !== undefined) {
    if (endpoint === '/v1/messages') params.thinking = { type: 'enabled', budget_tokens: EFFORT_REASONING[spec.effort] * 4 };
    else if (endpoint === '/v1/responses') params.reasoning = { effort: spec.effort };
    else params.reasoning_effort = spec.effort;
  }
  if (spec.params) Object.assign(params, spec.params);
  return params;
}

export function buildEvent(c: Caller, t: number, spec: RequestSpec): TimedEvent {
  const rng = c.rng;
  const params = requestParams(c.endpoint, spec);
  const addr = c.address(rng);
  const inputTokens = estimateTokens(spec.messages);
  let status = 200;
  if (rejectedByTier(c.tier, params)) status = 403;
  else if (spec.errorRate !== undefined && rng.chance(spec.errorRate)) status = rng.weighted([429, 500, 502, 400], [70, 10, 12, 8]);

  const response: LogEventV1['response'] = { status };
  if (status === 200) {
    const verbosity = spec.verbosity ?? 1;
    // Large models reason by default (at a modest budget) even when the caller sets no effort.
    const effort = spec.effort ?? (REASONS_BY_DEFAULT.has(spec.model) && (spec.maxTokens ?? 1024) > 16 ? 'low' : undefined);
    const reasoning = effort !== undefined ? Math.round(rng.lognormal(EFFORT_REASONING[effort] * verbosity, 0.55)) : 0;
    const cap = spec.maxTokens ?? 16_384;
    let output = Math.max(1, Math.round(rng.lognormal(spec.outputMedian * verbosity, 0.6)));
    const n = typeof params.n === 'number' ? params.n : 1;
    const hitCap = output >= cap;
    if (hitCap) output = cap;
    output *= n;
    const finish = hitCap ? 'length' : params.tools !== undefined && rng.chance(0.55) ? 'tool_calls' : rng.chance(0.003) ? 'content_filter' : 'stop';
    response.input_tokens = inputTokens;
    response.output_tokens = output;
    response.reasoning_tokens = reasoning;
    response.finish_reason = finish;
    const perToken = MS_PER_TOKEN[spec.model] ?? 12;
    response.latency_ms = Math.round(rng.lognormal(420, 0.35) + (output + reasoning) * perToken * rng.range(0.8, 1.25));
  } else {
    response.input_tokens = status === 403 || status === 400 || status === 429 ? null : inputTokens;
    response.latency_ms = status === 502 ? rng.int(2000, 30000) : rng.int(3, 60);
  }
  const event: LogEventV1 = {
    ts: isoMs(t),
    request_id: `req_${rng.hex(20)}`,
    account_id: c.accountId,
    org_id: c.orgId,
    key_id: c.keyIds.length === 1 ? c.keyIds[0] : rng.pick(c.keyIds),
    client: { ip: addr.ip, asn: addr.asn, user_agent: c.client.userAgent, ja4: c.client.ja4 },
    endpoint: c.endpoint,
    model: spec.model,
    params,
    messages: spec.messages,
    response,
  };
  return { t, event };
}
