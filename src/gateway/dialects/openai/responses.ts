// POST /v1/responses: request checks, reasoning items, usage, JSON and SSE (typed events).
import type { ChatMessage } from '../../../events/types.ts';
import { formatEvent, SseSplitter } from '../../sse.ts';
import type { Endpoint, ParsedRequest, ReasoningVisibility, StreamTransform, UsageRecord } from '../types.ts';
import { emptyUsage } from '../types.ts';
import {
  type Body,
  contentText,
  estimateTokens,
  invalid,
  optionalArray,
  optionalBool,
  optionalInt,
  optionalObject,
  requireObjectBody,
  requireString,
  textLength,
  toNumberOrNull,
} from '../validate.ts';

const LOGPROBS_INCLUDE = 'message.output_text.logprobs';

function parse(raw: unknown): ParsedRequest {
  const body = requireObjectBody(raw);
  const model = requireString(body, 'model');
  const input = body.input;
  if (input !== undefined && typeof input !== 'string' && !Array.isArray(input)) {
    throw invalid('input', "'input' must be a string or an array of input items.");
  }
  if (input === undefined && body.previous_response_id === undefined && body.prompt === undefined) {
    throw invalid('input', "'input' is required.");
  }
  const stream = optionalBool(body, 'stream') ?? false;
  const maxOutput = optionalInt(body, 'max_output_tokens', 1);
  const topLogprobs = optionalInt(body, 'top_logprobs', 0);
  const include = optionalArray(body, 'include');
  const tools = optionalArray(body, 'tools');
  optionalObject(body, 'reasoning');
  const parsed: ParsedRequest = {
    model,
    stream,
    modified: false,
    features: {
      maxTokens: maxOutput,
      n: null,
      logprobs: include?.includes(LOGPROBS_INCLUDE) === true || (topLogprobs ?? 0) > 0,
      topLogprobs,
      logitBias: false,
      tools: (tools?.length ?? 0) > 0,
      reasoningRequested: body.reasoning !== undefined && body.reasoning !== null,
    },
    estimatedInputTokens: estimateTokens(textLength(input) + textLength(body.instructions)),
    body,
    applyCaps(caps) {
      if (caps.maxTokens !== undefined) body.max_output_tokens = caps.maxTokens;
      if (caps.topLogprobs !== undefined) body.top_logprobs = caps.topLogprobs;
      if (caps.maxTokens !== undefined || caps.topLogprobs !== undefined) parsed.modified = true;
    },
  };
  return parsed;
}

function readResponseUsage(response: Body, into: UsageRecord): void {
  const u = response.usage as Body | undefined;
  if (u && typeof u === 'object') {
    const output = toNumberOrNull(u.output_tokens);
    const details = u.output_tokens_details as Body | undefined;
    const reasoning = details ? toNumberOrNull(details.reasoning_tokens) : null;
    into.inputTokens = toNumberOrNull(u.input_tokens);
    into.reasoningTokens = reasoning;
    into.outputTokens = output === null ? null : output - (reasoning ?? 0);
  }
  into.finishReason = finishReasonOf(response);
}

function finishReasonOf(response: Body): string | null {
  if (response.status === 'completed') {
    const output = Array.isArray(response.output) ? (response.output as Body[]) : [];
    return output.some((item) => item.type === 'function_call') ? 'tool_calls' : 'stop';
  }
  if (response.status === 'incomplete') {
    const reason = (response.incomplete_details as Body | undefined)?.reason;
    return reason === 'content_filter' ? 'content_filter' : 'length';
  }
  return typeof response.status === 'string' ? response.status : null;
}

/** Applies reasoning visibility to a response's output items: summary keeps only the provider's summary. */
function rewriteOutput(response: Body, visibility: ReasoningVisibility): void {
  if (visibility === 'full' || !Array.isArray(response.output)) return;
  const output = response.output as Body[];
  if (visibility === 'none') {
    response.output = output.filter((item) => item.type !== 'reasoning');
    return;
  }
  for (const item of output) if (item.type === 'reasoning') stripRawReasoning(item);
}

function stripRawReasoning(item: Body): void {
  delete item.content;
  delete item.encrypted_content;
}

function transformJson(body: Body, visibility: ReasoningVisibility): UsageRecord {
  const usage = emptyUsage();
  readResponseUsage(body, usage);
  rewriteOutput(body, visibility);
  return usage;
}

const TERMINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

class ResponsesStreamTransform implements StreamTransform {
  readonly usage = emptyUsage();
  private readonly splitter = new SseSplitter();
  constructor(private readonly visibility: ReasoningVisibility) {}

  push(chunk: string): string {
    let out = '';
    for (const ev of this.splitter.push(chunk)) out += this.rewrite(ev.event, ev.data, ev.raw);
    return out;
  }

  end(): string {
    const ev = this.splitter.flush();
    return ev ? this.rewrite(ev.event, ev.data, ev.raw) : '';
  }

  private rewrite(event: string | null, data: string | null, raw: string): string {
    const type = event ?? '';
    const terminal = TERMINAL_EVENTS.has(type);
    if (this.visibility === 'full' && !terminal) return raw;
    // Raw reasoning text is never shown below `full`; summaries only at `summary`.
    if (type.startsWith('response.reasoning_text.')) return '';
    if (this.visibility === 'none' && type.startsWith('response.reasoning_summary')) return '';
    const isItemEvent = type === 'response.output_item.added' || type === 'response.output_item.done';
    if (!terminal && !isItemEvent) return raw;
    if (data === null) return raw;
    let obj: Body;
    try {
      obj = JSON.parse(data) as Body;
    } catch {
      return raw;
    }
    if (terminal) {
      const response = obj.response as Body | undefined;
      if (response) {
        readResponseUsage(response, this.usage);
        rewriteOutput(response, this.visibility);
      }
      return this.visibility === 'full' ? raw : formatEvent(JSON.stringify(obj), event);
    }
    const item = obj.item as Body | undefined;
    if (!item || item.type !== 'reasoning') return raw;
    if (this.visibility === 'none') return '';
    stripRawReasoning(item);
    return formatEvent(JSON.stringify(obj), event);
  }
}

function toLogMessages(body: Body): ChatMessage[] {
  const out: ChatMessage[] = [];
  if (typeof body.instructions === 'string') out.push({ role: 'system', content: body.instructions });
  const input = body.input;
  if (typeof input === 'string') out.push({ role: 'user', content: input });
  else if (Array.isArray(input)) {
    for (const item of input as Body[]) {
      if (!item || typeof item !== 'object') continue;
      if (typeof item.role === 'string') out.push({ role: item.role, content: contentText(item.content) });
      else if (item.type === 'function_call_output') out.push({ role: 'tool', content: String(item.output ?? '') });
    }
  }
  return out;
}

export const responses: Endpoint = {
  method: 'POST',
  path: '/v1/responses',
  upstreamPath: '/v1/responses',
  parse,
  transformJson,
  createStreamTransform: (visibility) => new ResponsesStreamTransform(visibility),
  toLogMessages,
};
