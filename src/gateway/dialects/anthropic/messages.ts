// POST /v1/messages: request checks, thinking-block visibility, usage, JSON and SSE.
import type { ChatMessage } from '../../../events/types.ts';
import { QUOTE } from '../../json-scan.ts';
import { skimJson } from '../../json-skim.ts';
import { jsonStringContent, readJsonString } from '../../json-string.ts';
import { formatEvent, parseEventObject, SseEventRewriter } from '../../sse.ts';
import { SseEventPicker } from '../../sse-picker.ts';
import { StringFrame } from '../../string-frame.ts';
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

const STOP_REASONS: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
  pause_turn: 'stop',
};

/** Anthropic does not report thinking tokens apart; they are estimated from the thinking text (≈ 4 chars a token). */
function thinkingTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

function parse(raw: unknown): ParsedRequest {
  const body = requireObjectBody(raw);
  const model = requireString(body, 'model');
  const maxTokens = optionalInt(body, 'max_tokens', 1);
  if (maxTokens === null) throw invalid('max_tokens', 'max_tokens: Field required');
  const messages = optionalArray(body, 'messages');
  if (!messages || messages.length === 0) throw invalid('messages', 'messages: Field required (a non-empty array)');
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as Body | null;
    if (!m || typeof m !== 'object' || (m.role !== 'user' && m.role !== 'assistant')) {
      throw invalid(`messages.${i}.role`, `messages.${i}.role: Input should be 'user' or 'assistant'`);
    }
  }
  const stream = optionalBool(body, 'stream') ?? false;
  const tools = optionalArray(body, 'tools');
  const thinking = optionalObject(body, 'thinking');
  const parsed: ParsedRequest = {
    model,
    stream,
    modified: false,
    features: {
      maxTokens,
      n: null,
      logprobs: false,
      topLogprobs: null,
      logitBias: false,
      tools: (tools?.length ?? 0) > 0,
      reasoningRequested: thinking !== null && thinking.type === 'enabled',
    },
    estimatedInputTokens: estimateTokens(textLength(messages) + textLength(body.system)),
    body,
    applyCaps(caps) {
      if (caps.maxTokens === undefined) return;
      parsed.modified = true;
      body.max_tokens = caps.maxTokens;
      // The thinking budget must stay below max_tokens or the upstream refuses the request.
      if (thinking && typeof thinking.budget_tokens === 'number' && thinking.budget_tokens >= caps.maxTokens) {
        body.thinking = { ...thinking, budget_tokens: Math.max(1, caps.maxTokens - 1) };
      }
    },
  };
  return parsed;
}

function mapStopReason(reason: unknown): string | null {
  return typeof reason === 'string' ? (STOP_REASONS[reason] ?? reason) : null;
}

function settleOutput(usage: UsageRecord, totalOutput: number | null, thinkingChars: number): void {
  usage.reasoningTokens = thinkingChars > 0 ? thinkingTokens(thinkingChars) : usage.reasoningTokens;
  usage.outputTokens = totalOutput === null ? null : Math.max(0, totalOutput - (usage.reasoningTokens ?? 0));
}

function transformJson(body: Body, visibility: ReasoningVisibility, text?: TextRewriterFactory): UsageRecord {
  const usage = emptyUsage();
  const u = body.usage as Body | undefined;
  usage.inputTokens = u ? toNumberOrNull(u.input_tokens) : null;
  usage.finishReason = mapStopReason(body.stop_reason);
  const content = Array.isArray(body.content) ? (body.content as Body[]) : [];
  let thinkingChars = 0;
  for (const block of content) if (block.type === 'thinking' && typeof block.thinking === 'string') thinkingChars += block.thinking.length;
  settleOutput(usage, u ? toNumberOrNull(u.output_tokens) : null, thinkingChars);
  if (visibility === 'none') {
    body.content = content.filter((b) => b.type !== 'thinking' && b.type !== 'redacted_thinking');
  } else if (visibility === 'summary') {
    body.content = content.filter((b) => b.type !== 'redacted_thinking');
    for (const block of body.content as Body[]) {
      if (block.type !== 'thinking') continue;
      block.thinking = summariseReasoning(String(block.thinking ?? ''));
      // The signature covers the raw thinking; it cannot be passed back once the text changed.
      delete block.signature;
    }
  }
  if (text) for (const block of body.content as Body[]) if (block.type === 'text' && typeof block.text === 'string') block.text = rewriteWhole(block.text, text);
  return usage;
}

/**
 * What a stream says of its usage: input tokens in message_start, output tokens and stop reason in
 * message_delta, and thinking tokens estimated from the thinking deltas' text (settled at the end).
 */
class MessagesUsageReading {
  readonly usage = emptyUsage();
  private totalOutput: number | null = null;
  private thinkingChars = 0;

  /** Reads one event; `data` is its data field. */
  read(event: string | null, data: string): void {
    if (event === 'message_start' || event === 'message_delta') this.readUsage(data);
    else if (event === 'content_block_delta' && data.includes('"thinking_delta"')) this.countThinking(data);
  }

  /** The stream ended: output tokens are the total less the thinking. */
  settle(): void {
    settleOutput(this.usage, this.totalOutput, this.thinkingChars);
  }

  /** A thinking delta read by the transform's own parse. */
  addThinking(chars: number): void {
    this.thinkingChars += chars;
  }

  private readUsage(data: string): void {
    const obj = parseEventObject(data);
    if (!obj) return;
    const message = obj.message as Body | undefined;
    const u = (message?.usage ?? obj.usage) as Body | undefined;
    if (u) {
      if (u.input_tokens !== undefined) this.usage.inputTokens = toNumberOrNull(u.input_tokens) ?? this.usage.inputTokens;
      if (u.output_tokens !== undefined) this.totalOutput = toNumberOrNull(u.output_tokens);
    }
    const delta = obj.delta as Body | undefined;
    if (delta && delta.stop_reason !== undefined) this.usage.finishReason = mapStopReason(delta.stop_reason);
  }

  private countThinking(data: string): void {
    const delta = parseEventObject(data)?.delta as Body | undefined;
    if (delta && typeof delta.thinking === 'string') this.thinkingChars += delta.thinking.length;
  }
}

class MessagesStreamTransform extends SseEventRewriter implements StreamTransform {
  private readonly reading = new MessagesUsageReading();
  readonly usage = this.reading.usage;
  /** Upstream block index → index the caller sees (hidden blocks shift the ones after them). */
  private readonly indexMap = new Map<number, number>();
  private readonly hiddenBlocks = new Set<number>();
  private readonly thinkingBuffers = new Map<number, ReasoningBuffer>();
  private nextIndex = 0;
  /** Answer-text rewriters per upstream text block, when the response is marked. */
  private readonly rewriters = new Map<number, TextRewriter>();
  /** The last text delta read in full, around its text, and its block index. */
  private readonly deltaFrame = new StringFrame();
  private deltaFrameIndex = -1;

  constructor(
    private readonly visibility: ReasoningVisibility,
    private readonly text: TextRewriterFactory | undefined,
  ) {
    super();
  }

  protected override finish(): void {
    this.reading.settle();
  }

  protected rewrite(event: string | null, data: string | null, raw: string): string {
    if (data === null) return raw;
    const full = this.visibility === 'full';
    switch (event) {
      case 'message_start':
      case 'message_delta':
        this.reading.read(event, data);
        return raw;
      case 'content_block_start':
        return full && !this.text ? raw : this.blockStart(data);
      case 'content_block_delta':
        if (full && !(this.text && data.includes('"text_delta"'))) {
          this.reading.read(event, data);
          return raw;
        }
        if (full) {
          const marked = this.markDeltaInPlace(data, raw);
          if (marked !== null) return marked;
        }
        return this.blockDelta(data);
      case 'content_block_stop':
        return full && !this.text ? raw : this.blockStop(data);
      default:
        return raw;
    }
  }

  private blockStart(data: string): string {
    const obj = parseEventObject(data);
    if (!obj || typeof obj.index !== 'number') return formatEvent(data, 'content_block_start');
    const block = obj.content_block as Body | undefined;
    const type = block?.type;
    const hide = this.visibility !== 'full' && (type === 'redacted_thinking' || (type === 'thinking' && this.visibility === 'none'));
    if (hide) {
      this.hiddenBlocks.add(obj.index);
      return '';
    }
    if (type === 'thinking' && this.visibility === 'summary') this.thinkingBuffers.set(obj.index, new ReasoningBuffer());
    if (type === 'text' && this.text) this.rewriters.set(obj.index, this.text());
    const index = this.nextIndex++;
    this.indexMap.set(obj.index, index);
    obj.index = index;
    return formatEvent(JSON.stringify(obj), 'content_block_start');
  }

  /**
   * Marks a text delta by editing its JSON text: the `delta.text` string is decoded, passed through its block's
   * rewriter and spliced back, the rest goes out as the upstream wrote it (all of it when the text did not
   * change). The next deltas of the block, the same text around another string, are recognised by their frame
   * without a walk. Null when the delta is not plainly a text delta of a marked block whose index stays: the
   * parsing path (`blockDelta`) decides then.
   */
  private markDeltaInPlace(data: string, raw: string): string | null {
    let start = this.deltaFrame.literalStart;
    let end = this.deltaFrame.match(data);
    let index = this.deltaFrameIndex;
    if (end < 0) {
      const found = findTextDelta(data);
      if (!found) return null;
      ({ start, end, index } = found);
      this.deltaFrame.keep(data, start, end);
      this.deltaFrameIndex = index;
    }
    const rewriter = this.rewriters.get(index);
    if (!rewriter || this.hiddenBlocks.has(index) || this.thinkingBuffers.has(index) || (this.indexMap.get(index) ?? index) !== index) return null;
    const original = readJsonString(data, start, end);
    const text = rewriter.push(original);
    if (text === original) return raw;
    // the literal's quotes stay where they are
    return formatEvent(data.slice(0, start + 1) + jsonStringContent(text) + data.slice(end - 1), 'content_block_delta');
  }

  private blockDelta(data: string): string {
    const obj = parseEventObject(data);
    if (!obj || typeof obj.index !== 'number') return formatEvent(data, 'content_block_delta');
    const delta = obj.delta as Body | undefined;
    if (delta?.type === 'thinking_delta' && typeof delta.thinking === 'string') this.reading.addThinking(delta.thinking.length);
    if (this.hiddenBlocks.has(obj.index)) return '';
    const buffer = this.thinkingBuffers.get(obj.index);
    if (buffer) {
      // Summary mode: hold the raw thinking; it is replaced by its summary when the block ends.
      if (delta?.type === 'thinking_delta' && typeof delta.thinking === 'string') buffer.add(delta.thinking);
      return '';
    }
    const rewriter = this.rewriters.get(obj.index);
    if (rewriter && delta?.type === 'text_delta' && typeof delta.text === 'string') delta.text = rewriter.push(delta.text);
    obj.index = this.indexMap.get(obj.index) ?? obj.index;
    return formatEvent(JSON.stringify(obj), 'content_block_delta');
  }

  private blockStop(data: string): string {
    const obj = parseEventObject(data);
    if (!obj || typeof obj.index !== 'number') return formatEvent(data, 'content_block_stop');
    if (this.hiddenBlocks.has(obj.index)) return '';
    const upstreamIndex = obj.index;
    const index = this.indexMap.get(upstreamIndex) ?? upstreamIndex;
    obj.index = index;
    let out = '';
    const buffer = this.thinkingBuffers.get(upstreamIndex);
    if (buffer) {
      const summary = { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: buffer.takeSummary() } };
      out += formatEvent(JSON.stringify(summary), 'content_block_delta');
      this.thinkingBuffers.delete(upstreamIndex);
    }
    const rewriter = this.rewriters.get(upstreamIndex);
    if (rewriter) {
      // The marked text's held-back tail goes out as one more delta before the block ends.
      const tail = rewriter.end();
      this.rewriters.delete(upstreamIndex);
      if (tail) out += formatEvent(JSON.stringify({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: tail } }), 'content_block_delta');
    }
    return out + formatEvent(JSON.stringify(obj), 'content_block_stop');
  }
}

/** Searched for in the stream's bytes: the events that carry usage, by name, and thinking deltas, by type. */
const MESSAGE_EVENT = 'message_';
const THINKING_DELTA = 'thinking_delta"';

/** Where a `message_start` or `message_delta` may be named (the event line or its type), or -1. */
function usageEventAt(text: string, from: number): number {
  for (let at = text.indexOf(MESSAGE_EVENT, from); at >= 0; at = text.indexOf(MESSAGE_EVENT, at + 1)) {
    const name = at + MESSAGE_EVENT.length;
    if (text.startsWith('start', name) || text.startsWith('delta', name)) return at;
  }
  return -1;
}

/** Where the string `"thinking_delta"` may be (as `data.includes('"thinking_delta"')` finds it), or -1. */
function thinkingDeltaAt(text: string, from: number): number {
  for (let at = text.indexOf(THINKING_DELTA, from); at >= 0; at = text.indexOf(THINKING_DELTA, at + 1)) {
    if (at > 0 && text.charCodeAt(at - 1) === QUOTE) return at - 1;
  }
  return -1;
}

/**
 * Reads usage from a stream that goes out as the upstream sent it (full thinking, no marks): only the events
 * that may be message_start, message_delta or a thinking delta are decoded and parsed, and read as the
 * transform reads them. A name found inside a text costs a parse, not a wrong answer: the event is read by its
 * `event:` field.
 */
class MessagesStreamUsage extends SseEventPicker implements StreamUsageReader {
  private readonly reading = new MessagesUsageReading();
  readonly usage = this.reading.usage;
  /**
   * The text searched last, from where, and where in it the next of each kind is (-1: none left): a read holding
   * many events is asked once per candidate, and each search goes on from its own last match only.
   */
  private searched = '';
  private searchedFrom = -1;
  private nextUsageEvent = -1;
  private nextThinking = -1;

  constructor() {
    super(false);
  }

  override end(): string {
    const rest = super.end();
    this.reading.settle();
    return rest;
  }

  protected nextCandidate(text: string, from: number): number {
    // a new pass (of this text or another) starts again; the same pass goes on
    if (from <= this.searchedFrom || text !== this.searched) {
      this.searched = text;
      this.nextUsageEvent = usageEventAt(text, from);
      this.nextThinking = thinkingDeltaAt(text, from);
    } else {
      if (this.nextUsageEvent >= 0 && this.nextUsageEvent < from) this.nextUsageEvent = usageEventAt(text, from);
      if (this.nextThinking >= 0 && this.nextThinking < from) this.nextThinking = thinkingDeltaAt(text, from);
    }
    this.searchedFrom = from;
    const [a, b] = [this.nextUsageEvent, this.nextThinking];
    return a < 0 ? b : b < 0 ? a : Math.min(a, b);
  }

  protected read(event: string | null, data: string | null): boolean {
    if (data !== null) this.reading.read(event, data);
    return false;
  }
}

const BLOCK_INDEX = /^(?:0|[1-9][0-9]{0,8})$/;

/** The `delta.text` string literal and the block index of a well-formed `text_delta` event, or null. */
function findTextDelta(data: string): { start: number; end: number; index: number } | null {
  let start = -1;
  let end = -1;
  let index = -1;
  let textDelta = false;
  const wellFormed = skimJson(data, (path, s, e) => {
    if (path.length === 1 && path[0] === 'index') {
      const digits = data.slice(s, e);
      index = BLOCK_INDEX.test(digits) ? Number(digits) : -1;
    } else if (path.length === 2 && path[0] === 'delta') {
      if (path[1] === 'type') textDelta = data.slice(s, e) === '"text_delta"';
      else if (path[1] === 'text' && data.charCodeAt(s) === QUOTE) {
        start = s;
        end = e;
      }
    }
  });
  return wellFormed && textDelta && start >= 0 && index >= 0 ? { start, end, index } : null;
}


function toLogMessages(body: Body): ChatMessage[] {
  const out: ChatMessage[] = [];
  const system = contentText(body.system);
  if (system) out.push({ role: 'system', content: system });
  const messages = Array.isArray(body.messages) ? (body.messages as Body[]) : [];
  for (const m of messages) out.push({ role: String(m.role), content: contentText(m.content) });
  return out;
}

export const messages: Endpoint = {
  method: 'POST',
  path: '/v1/messages',
  upstreamPath: '/v1/messages',
  parse,
  transformJson,
  createStreamTransform: (visibility, _request, text) => new MessagesStreamTransform(visibility, text),
  createStreamUsageReader: () => new MessagesStreamUsage(),
  toLogMessages,
};
