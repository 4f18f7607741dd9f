// Rebuilds one logged event (log format v1) as the HTTP request its client sent, in the dialect of its endpoint:
// OpenAI Chat Completions and Responses take a Bearer key, Anthropic Messages an x-api-key. The event's params are
// already in that dialect (simulate writes them so); only the conversation needs reshaping: the system prompt is a
// message in the log, `system` for Anthropic and `instructions` for Responses.
import type { ChatMessage, LogEventV1 } from '../events/types.ts';

export const REPLAY_TS_HEADER = 'x-distillguard-replay-ts';
export const ACTION_HEADER = 'x-distillguard-action';
export { REPLAY_USAGE_HEADER } from '../gateway/demo-upstream.ts';
import { REPLAY_USAGE_HEADER } from '../gateway/demo-upstream.ts';
export const ANTHROPIC_VERSION = '2023-06-01';
/** Anthropic requires max_tokens; a log written by another gateway may not have recorded it. */
const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

export type ReplayDialect = 'openai-chat' | 'openai-responses' | 'anthropic-messages';

export interface ReplayRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export function dialectOf(endpoint: string): ReplayDialect {
  if (endpoint === '/v1/messages') return 'anthropic-messages';
  if (endpoint === '/v1/responses') return 'openai-responses';
  // /v1/chat/completions, and anything older (/v1/completions), is sent as a chat completion.
  return 'openai-chat';
}

export function buildReplayRequest(event: LogEventV1, secret: string): ReplayRequest {
  const dialect = dialectOf(event.endpoint);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    [REPLAY_TS_HEADER]: event.ts,
    // The gateway believes X-Forwarded-For only from a trusted proxy (server.trusted_proxies); replay configs
    // trust loopback so the detector sees each event's own address, as linkage needs.
    'x-forwarded-for': event.client.ip,
  };
  // the logged answer's size: a gateway in replay mode in front of its demo upstream answers with this usage, so
  // the detector sees the traffic's real output and reasoning shares (the demo's own answers are one sentence)
  const output = event.response.output_tokens;
  if (typeof output === 'number' && output > 0) headers[REPLAY_USAGE_HEADER] = `output=${output},reasoning=${event.response.reasoning_tokens ?? 0}`;
  if (event.client.user_agent) headers['user-agent'] = event.client.user_agent;
  if (event.client.ja4) headers['x-ja4'] = event.client.ja4;
  const { system, turns } = splitSystem(event.messages);
  let payload: Record<string, unknown>;
  let path: string;
  if (dialect === 'anthropic-messages') {
    path = '/v1/messages';
    headers['x-api-key'] = secret;
    headers['anthropic-version'] = ANTHROPIC_VERSION;
    payload = { model: event.model, ...event.params, messages: anthropicTurns(turns) };
    if (system !== null) payload.system = system;
    if (typeof payload.max_tokens !== 'number') payload.max_tokens = ANTHROPIC_DEFAULT_MAX_TOKENS;
  } else if (dialect === 'openai-responses') {
    path = '/v1/responses';
    headers.authorization = `Bearer ${secret}`;
    payload = { model: event.model, ...event.params, input: turns.map((m) => ({ role: m.role, content: m.content })) };
    if (system !== null) payload.instructions = system;
  } else {
    path = '/v1/chat/completions';
    headers.authorization = `Bearer ${secret}`;
    payload = { model: event.model, ...event.params, messages: event.messages.map((m) => ({ role: m.role, content: m.content })) };
  }
  return { path, headers, body: JSON.stringify(payload) };
}

function splitSystem(messages: readonly ChatMessage[]): { system: string | null; turns: ChatMessage[] } {
  const system: string[] = [];
  const turns: ChatMessage[] = [];
  for (const m of messages) {
    if (m.role === 'system' || m.role === 'developer') system.push(m.content);
    else turns.push(m);
  }
  return { system: system.length > 0 ? system.join('\n') : null, turns };
}

/** Anthropic knows only user and assistant turns; tool results and the like are sent as the user's. */
function anthropicTurns(turns: readonly ChatMessage[]): { role: 'user' | 'assistant'; content: string }[] {
  const out = turns.map((m) => ({ role: m.role === 'assistant' ? ('assistant' as const) : ('user' as const), content: m.content }));
  if (out.length === 0) out.push({ role: 'user', content: '' });
  return out;
}
