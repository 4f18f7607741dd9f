// POST /v1/chat/completions: request checks, reasoning visibility, usage, JSON and SSE.
import type { ChatMessage } from '../../../events/types.ts';
import { findKeyWithValue, OPEN_OBJECT, QUOTE } from '../../json-scan.ts';
import { skimJson } from '../../json-skim.ts';
import { decodeJsonString, encodeJsonString, hasEscape, jsonStringContent } from '../../json-string.ts';
import { formatEvent, parseEventObject, SseEventRewriter } from '../../sse.ts';
import { SseEventPicker } from '../../sse-picker.ts';
import { ChatChunkReader } from './chat-chunk.ts';
import { ReasoningBuffer, summariseReasoning } from '../../transforms/reasoning-summary.ts';
import type { Endpoint, ParsedRequest, ReasoningVisibility, StreamTransform, StreamUsageReader, TextRewriter, TextRewriterFactory, UsageRecord } from '../types.ts';
import { emptyUsage, rewriteWhole } from '../types.ts';
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

/** Fields in which OpenAI-compatible servers put raw reasoning (DeepSeek, vLLM, OpenRouter styles). */
const REASONING_FIELDS = ['reasoning_content', 'reasoning'] as const;

function parse(raw: unknown): ParsedRequest {
  const body = requireObjectBody(raw);
  const model = requireString(body, 'model');
  const messages = optionalArray(body, 'messages');
  if (!messages || messages.length === 0) throw invalid('messages', "'messages' is required and must be a non-empty array.");
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as Body | null;
    if (!m || typeof m !== 'object' || typeof m.role !== 'string') {
      throw invalid(`messages[${i}].role`, `'messages[${i}]' must be an object with a string 'role'.`);
    }
  }
  const stream = optionalBool(body, 'stream') ?? false;
  const streamOptions = optionalObject(body, 'stream_options');
  const maxCompletion = optionalInt(body, 'max_completion_tokens', 1);
  const maxTokens = optionalInt(body, 'max_tokens', 1);
  const n = optionalInt(body, 'n', 1);
  const logprobs = optionalBool(body, 'logprobs') ?? false;
  const topLogprobs = optionalInt(body, 'top_logprobs', 0);
  const logitBias = optionalObject(body, 'logit_bias');
  const tools = optionalArray(body, 'tools');
  const functions = optionalArray(body, 'functions');

  // Usage is needed to settle the rate-limit reservation, so it is always asked of the upstream;
  // a caller that did not ask for it does not get the extra chunk.
  const callerWantsUsage = streamOptions?.include_usage === true;
  if (stream && !callerWantsUsage) body.stream_options = { ...(streamOptions ?? {}), include_usage: true };

  const parsed: ParsedRequest = {
    model,
    stream,
    hideUsageChunk: stream && !callerWantsUsage,
    modified: stream && !callerWantsUsage,
    features: {
      maxTokens: maxCompletion ?? maxTokens,
      n,
      logprobs,
      topLogprobs,
      logitBias: logitBias !== null && Object.keys(logitBias).length > 0,
      tools: (tools?.length ?? 0) > 0 || (functions?.length ?? 0) > 0,
      reasoningRequested: body.reasoning_effort !== undefined && body.reasoning_effort !== null,
    },
    estimatedInputTokens: estimateTokens(textLength(messages)),
    body,
    applyCaps(caps) {
      if (caps.maxTokens !== undefined || caps.n !== undefined || caps.topLogprobs !== undefined) parsed.modified = true;
      if (caps.maxTokens !== undefined) {
        if (maxCompletion !== null || maxTokens === null) body.max_completion_tokens = caps.maxTokens;
        if (maxTokens !== null) body.max_tokens = caps.maxTokens;
      }
      if (caps.n !== undefined) body.n = caps.n;
      if (caps.topLogprobs !== undefined) body.top_logprobs = caps.topLogprobs;
    },
  };
  return parsed;
}

export function readChatUsage(usage: unknown, into: UsageRecord): void {
  if (!usage || typeof usage !== 'object') return;
  const u = usage as Body;
  const completion = toNumberOrNull(u.completion_tokens);
  const details = u.completion_tokens_details as Body | undefined;
  const reasoning = details ? toNumberOrNull(details.reasoning_tokens) : null;
  into.inputTokens = toNumberOrNull(u.prompt_tokens);
  into.reasoningTokens = reasoning;
  into.outputTokens = completion === null ? null : completion - (reasoning ?? 0);
}

/** Applies the caller's reasoning visibility to one message or delta object. */
function rewriteReasoning(holder: Body, visibility: ReasoningVisibility): void {
  for (const field of REASONING_FIELDS) {
    const v = holder[field];
    if (v === undefined) continue;
    if (visibility === 'none' || typeof v !== 'string') delete holder[field];
    else holder[field] = summariseReasoning(v);
  }
}

function transformJson(body: Body, visibility: ReasoningVisibility, text?: TextRewriterFactory): UsageRecord {
  const usage = emptyUsage();
  readChatUsage(body.usage, usage);
  const choices = Array.isArray(body.choices) ? (body.choices as Body[]) : [];
  for (const choice of choices) {
    if (usage.finishReason === null && typeof choice.finish_reason === 'string') usage.finishReason = choice.finish_reason;
    const message = choice.message as Body | undefined;
    if (!message || typeof message !== 'object') continue;
    if (visibility !== 'full') rewriteReasoning(message, visibility);
    if (text && typeof message.content === 'string') message.content = rewriteWhole(message.content, text);
  }
  return usage;
}

/**
 * Reads usage and finish reason from the answer's text and marks each `choices[i].message.content` in place
 * (decode the one string, rewrite it, splice its new JSON back), so the rest of the answer goes out as the
 * upstream wrote it. Reasoning visibility other than `full` edits objects: that case takes transformJson.
 */
function rewriteJsonText(json: string, visibility: ReasoningVisibility, text?: TextRewriterFactory): { usage: UsageRecord; json: string } | null {
  if (visibility !== 'full') return null;
  const usage = emptyUsage();
  let usageStart = -1;
  let usageEnd = -1;
  /** [start, end) pairs of the answer strings to mark, in text order */
  const contents: number[] = [];
  const wellFormed = skimJson(json, (path, start, end) => {
    if (path.length === 1) {
      if (path[0] === 'usage') {
        usageStart = start;
        usageEnd = end;
      }
      return;
    }
    if (path[0] !== 'choices' || typeof path[1] !== 'number' || json.charCodeAt(start) !== QUOTE /* a string */) return;
    if (path.length === 3 && path[2] === 'finish_reason') {
      if (usage.finishReason === null) usage.finishReason = JSON.parse(json.slice(start, end)) as string;
    } else if (text && path.length === 4 && path[2] === 'message' && path[3] === 'content') {
      contents.push(start, end);
    }
  });
  if (!wellFormed) return null;
  if (usageStart >= 0) readChatUsage(JSON.parse(json.slice(usageStart, usageEnd)), usage);
  if (contents.length === 0) return { usage, json };
  let out = '';
  let copied = 0;
  for (let i = 0; i < contents.length; i += 2) {
    const [start, end] = [contents[i], contents[i + 1]];
    // most answers are one paragraph or more without quotes or backslashes: their text is the literal's,
    // marked where it stands
    const plain = !hasEscape(json, start, end);
    const marked = plain && text!.whole ? text!.whole(json, start + 1, end - 1) : markDecoded(decodeJsonString(json, start, end, plain), text!);
    if (marked === null) continue;
    // a canary appended at the end may hold characters to escape
    out += json.slice(copied, start + 1) + jsonStringContent(marked);
    copied = end - 1;
  }
  // nothing changed: the same string, so the caller sends the upstream's bytes
  return { usage, json: copied === 0 ? json : out + json.slice(copied) };
}

/** The rewritten `original`, or null when it is unchanged. */
function markDecoded(original: string, text: TextRewriterFactory): string | null {
  const marked = rewriteWhole(original, text);
  return marked === original ? null : marked;
}

/** Searched for in streamed chunks (see findKeyWithValue): `usage` with an object, `finish_reason` with a string. */
const USAGE_KEY = 'usage"';
const FINISH_REASON_KEY = 'finish_reason"';

/** Where a chunk's text may hold a usage object (its key's index), or -1. */
function usageObjectAt(text: string, from: number): number {
  return findKeyWithValue(text, USAGE_KEY, OPEN_OBJECT, from);
}

/** Where a chunk's text may hold a finish reason (its key's index), or -1. */
function finishReasonAt(text: string, from: number): number {
  return findKeyWithValue(text, FINISH_REASON_KEY, QUOTE, from);
}

/** Reads a streamed chunk's usage and, while none is known, a finish reason; returns its choices. */
function readChunkOutcome(chunk: Body, into: UsageRecord): Body[] {
  readChatUsage(chunk.usage, into);
  const choices = Array.isArray(chunk.choices) ? (chunk.choices as Body[]) : [];
  for (const c of choices) {
    if (into.finishReason === null && typeof c.finish_reason === 'string') into.finishReason = c.finish_reason;
  }
  return choices;
}

/** Whether text[start, end) is the literal null (compared in place: startsWith costs more). */
function isNull(text: string, start: number, end: number): boolean {
  return end - start === 4 && text.charCodeAt(start) === 0x6e && text.charCodeAt(start + 1) === 0x75 && text.charCodeAt(start + 2) === 0x6c && text.charCodeAt(start + 3) === 0x6c;
}

class ChatStreamTransform extends SseEventRewriter implements StreamTransform {
  readonly usage = emptyUsage();
  /** Reasoning held per choice index until its answer starts (summary mode). */
  private readonly buffers = new Map<number, ReasoningBuffer>();
  /** Choices whose reasoning is held and whose summary is not sent yet. */
  private pendingSummaries = 0;

  /** Answer-text rewriters per choice index (provenance marks), when the response is marked. */
  private readonly rewriters = new Map<number, TextRewriter>();
  private readonly chunkReader = new ChatChunkReader();
  /** Some answer text so far came with JSON escapes (so a rewriter may hold some of it back). */
  private escapedText = false;
  private lastIndex = -1;
  private lastRewriter: TextRewriter | null = null;

  constructor(
    private readonly visibility: ReasoningVisibility,
    private readonly hideUsageChunk: boolean,
    private readonly text: TextRewriterFactory | undefined,
  ) {
    super();
  }

  protected rewrite(_event: string | null, data: string | null, raw: string): string {
    if (data === null || data === '[DONE]') return raw;
    // A chunk matters here when it carries reasoning, or when a held summary is due before its answer.
    const touchesReasoning =
      this.visibility !== 'full' && (this.pendingSummaries > 0 || data.includes('"reasoning_content"') || data.includes('"reasoning"'));
    // A marked answer's chunks are read in one pass that finds usage, finish and text together.
    if (this.text !== undefined && !touchesReasoning) {
      const marked = this.markInPlace(data, raw);
      if (marked !== null) return marked;
    }
    const hasUsage = usageObjectAt(data, 0) >= 0;
    const hasFinish = finishReasonAt(data, 0) >= 0;
    const touchesText = this.text !== undefined && (hasFinish || data.includes('"content"'));
    // Most chunks need nothing: forward their bytes as they came.
    if (!touchesReasoning && !touchesText && !hasUsage && !hasFinish) return raw;
    const obj = parseEventObject(data);
    if (obj === null) return raw;
    const choices = readChunkOutcome(obj, this.usage);
    if (hasUsage && this.hideUsageChunk && choices.length === 0) return '';
    if (touchesText) this.rewriteText(choices);
    if (!touchesReasoning) return touchesText ? formatEvent(JSON.stringify(obj)) : raw;
    let prefix = '';
    let keep = false;
    for (const c of choices) {
      const index = typeof c.index === 'number' ? c.index : 0;
      const delta = c.delta as Body | undefined;
      if (!delta) {
        keep = true;
        continue;
      }
      for (const field of REASONING_FIELDS) {
        const v = delta[field];
        if (v === undefined) continue;
        if (this.visibility === 'summary' && typeof v === 'string' && v.length > 0) {
          const buffer = this.bufferFor(index);
          if (buffer.isEmpty) this.pendingSummaries++;
          buffer.add(v);
        }
        delete delta[field];
      }
      const answerStarted = delta.content !== undefined || delta.tool_calls !== undefined || c.finish_reason != null;
      if (answerStarted) prefix += this.summaryChunk(obj, index);
      if (Object.keys(delta).some((k) => k !== 'role') || c.finish_reason != null || c.logprobs != null) keep = true;
    }
    if (!keep && choices.length > 0) return prefix;
    return prefix + formatEvent(JSON.stringify(obj));
  }

  /**
   * Reads usage and marks the answer text of one chunk by editing its JSON text: each choice's `delta.content`
   * is decoded, passed through the choice's rewriter and spliced back, and a choice's held-back tail goes into
   * its finishing chunk; the rest of the chunk goes out as the upstream wrote it, and a chunk whose text came
   * out unchanged goes out as it came. The same text and state as parsing the chunk and `rewriteText`, at a
   * fraction of the cost. Null (nothing done) when the chunk is not well-formed JSON or is unusual: the
   * parsing path decides then.
   */
  private markInPlace(data: string, raw: string): string | null {
    const chunk = this.chunkReader;
    if (!chunk.read(data)) return null;
    const hasUsage = chunk.usageStart >= 0;
    if (hasUsage) readChatUsage(JSON.parse(data.slice(chunk.usageStart, chunk.usageEnd)), this.usage);
    const choices = chunk.choices;
    const count = chunk.choiceCount;
    for (let k = 0; k < count; k++) {
      const c = choices[k];
      if (this.usage.finishReason === null && c.finishStart >= 0 && data.charCodeAt(c.finishStart) === QUOTE) {
        this.usage.finishReason = JSON.parse(data.slice(c.finishStart, c.finishEnd)) as string;
      }
    }
    if (hasUsage && this.hideUsageChunk && count === 0) return '';
    let out = '';
    let copied = 0;
    for (let k = 0; k < count; k++) {
      const c = choices[k];
      if (c.deltaStart < 0) continue;
      const rewriter = this.rewriterFor(c.index);
      const original = c.contentStart >= 0 ? decodeJsonString(data, c.contentStart, c.contentEnd, c.contentPlain) : null;
      if (original !== null && !c.contentPlain) this.escapedText = true;
      let content = original === null ? null : rewriter.push(original);
      const finished = c.finishStart >= 0 && !isNull(data, c.finishStart, c.finishEnd);
      if (finished) {
        const tail = rewriter.end();
        if (tail) content = (content ?? '') + tail;
      }
      // unchanged text keeps the upstream's bytes (and escapes)
      if (content === null || content === original) continue;
      // text made only of characters that needed no escapes needs none (a check would flatten the string)
      const plain = rewriter.keepsCharacters === true && !this.escapedText && !finished;
      if (c.contentStart >= 0) {
        // the literal's quotes stay where they are
        out += data.slice(copied, c.contentStart + 1) + (plain ? content : jsonStringContent(content));
        copied = c.contentEnd - 1;
      } else {
        // a finishing chunk without content carries the held-back tail in a content field of its own
        const at = c.deltaStart + 1;
        out += data.slice(copied, at) + '"content":' + encodeJsonString(content) + (c.deltaEmpty ? '' : ',');
        copied = at;
      }
    }
    return copied === 0 ? raw : formatEvent(out + data.slice(copied));
  }

  /** The answer-text rewriter of choice `index` (created on first use; the last one used is at hand). */
  private rewriterFor(index: number): TextRewriter {
    if (index === this.lastIndex && this.lastRewriter) return this.lastRewriter;
    let rewriter = this.rewriters.get(index);
    if (!rewriter) this.rewriters.set(index, (rewriter = this.text!()));
    this.lastIndex = index;
    this.lastRewriter = rewriter;
    return rewriter;
  }

  /** Marks the answer text; a choice's held-back tail goes out with its finishing chunk (framing kept). */
  private rewriteText(choices: Body[]): void {
    for (const c of choices) {
      const delta = c.delta as Body | undefined;
      if (!delta) continue;
      const rewriter = this.rewriterFor(typeof c.index === 'number' ? c.index : 0);
      if (typeof delta.content === 'string') delta.content = rewriter.push(delta.content);
      if (c.finish_reason != null) {
        const tail = rewriter.end();
        if (tail) delta.content = (typeof delta.content === 'string' ? delta.content : '') + tail;
      }
    }
  }

  private bufferFor(index: number): ReasoningBuffer {
    let b = this.buffers.get(index);
    if (!b) this.buffers.set(index, (b = new ReasoningBuffer()));
    return b;
  }

  /** One chunk carrying the summary of a choice's reasoning, sent just before its answer. */
  private summaryChunk(template: Body, index: number): string {
    const buffer = this.buffers.get(index);
    if (!buffer || buffer.isEmpty) return '';
    this.pendingSummaries--;
    const summary = buffer.takeSummary();
    const chunk = { ...template, choices: [{ index, delta: { reasoning_content: summary }, finish_reason: null }] };
    delete (chunk as Body).usage;
    return formatEvent(JSON.stringify(chunk));
  }
}

/**
 * Reads usage and finish reason from a stream that goes out as the upstream sent it, but for the usage chunk
 * when the caller did not ask for it: only the chunks that may hold usage or (while none is known) a finish
 * reason are decoded and parsed, the same way the transform reads them.
 */
class ChatStreamUsage extends SseEventPicker implements StreamUsageReader {
  readonly usage = emptyUsage();

  constructor(private readonly hideUsageChunk: boolean) {
    super(hideUsageChunk);
  }

  protected nextCandidate(text: string, from: number): number {
    const usage = usageObjectAt(text, from);
    if (this.usage.finishReason !== null) return usage;
    const finish = finishReasonAt(text, from);
    return finish < 0 || (usage >= 0 && usage < finish) ? usage : finish;
  }

  protected read(_event: string | null, data: string | null): boolean {
    const chunk = data === null ? null : parseEventObject(data);
    if (chunk === null) return false;
    const choices = readChunkOutcome(chunk, this.usage);
    // the usage chunk the gateway asked for on the caller's behalf (as the transform decides)
    return this.hideUsageChunk && choices.length === 0 && usageObjectAt(data!, 0) >= 0;
  }
}

function toLogMessages(body: Body): ChatMessage[] {
  const messages = Array.isArray(body.messages) ? (body.messages as Body[]) : [];
  return messages.map((m) => ({ role: String(m.role), content: contentText(m.content) }));
}

export const chatCompletions: Endpoint = {
  method: 'POST',
  path: '/v1/chat/completions',
  upstreamPath: '/v1/chat/completions',
  parse,
  transformJson,
  rewriteJsonText,
  createStreamTransform: (visibility, request, text) => new ChatStreamTransform(visibility, request.hideUsageChunk === true, text),
  createStreamUsageReader: (request) => new ChatStreamUsage(request.hideUsageChunk === true),
  toLogMessages,
};
