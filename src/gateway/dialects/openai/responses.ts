// POST /v1/responses: request checks, reasoning items, usage, JSON and SSE (typed events).
import type { ChatMessage } from '../../../events/types.ts';
import { COLON, COMMA, findKeyWithValue, OPEN_OBJECT, QUOTE, scalarEnd, skipSpace } from '../../json-scan.ts';
import { jsonStringContent, jsonStringEnd, readJsonString } from '../../json-string.ts';
import { formatEvent, parseEventObject, SseEventRewriter } from '../../sse.ts';
import { SseEventPicker } from '../../sse-picker.ts';
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

/**
 * Marks the output_text parts of a message item (or a single part) with a fresh rewriter each; a text already
 * marked as it streamed is looked up in `marked` (original → marked) instead of being marked again.
 */
function markItem(item: Body, text: TextRewriterFactory, marked?: ReadonlyMap<string, string>): void {
  const parts = item.type === 'message' && Array.isArray(item.content) ? (item.content as Body[]) : item.type === 'output_text' ? [item] : [];
  for (const part of parts) {
    if (part.type === 'output_text' && typeof part.text === 'string') part.text = marked?.get(part.text) ?? rewriteWhole(part.text, text);
  }
}

function markResponse(response: Body, text: TextRewriterFactory, marked?: ReadonlyMap<string, string>): void {
  if (Array.isArray(response.output)) for (const item of response.output as Body[]) markItem(item, text, marked);
}

/** A content part whose text is streaming: its rewriter, and the text so far before and after marking. */
interface StreamedPart {
  rewriter: TextRewriter;
  original: string;
  marked: string;
}

function transformJson(body: Body, visibility: ReasoningVisibility, text?: TextRewriterFactory): UsageRecord {
  const usage = emptyUsage();
  readResponseUsage(body, usage);
  rewriteOutput(body, visibility);
  if (text) markResponse(body, text);
  return usage;
}

const TERMINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

class ResponsesStreamTransform extends SseEventRewriter implements StreamTransform {
  readonly usage = emptyUsage();
  /** Answer-text rewriters per (item, content part), when the response is marked. */
  private readonly parts = new Map<string, StreamedPart>();
  /**
   * Texts marked as they streamed, original → marked: the done, item and terminal events repeat the whole
   * text, which would otherwise be marked again for each (the same result: see TextRewriter).
   */
  private readonly markedTexts = new Map<string, string>();
  private readonly deltaReader = new TextDeltaReader();

  constructor(
    private readonly visibility: ReasoningVisibility,
    private readonly text: TextRewriterFactory | undefined,
  ) {
    super();
  }

  protected rewrite(event: string | null, data: string | null, raw: string): string {
    const type = event ?? '';
    const terminal = TERMINAL_EVENTS.has(type);
    if (this.text && data !== null && TEXT_EVENTS.has(type)) return this.markText(type, data, raw);
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
        if (this.text) markResponse(response, this.text, this.markedTexts);
      }
      return this.visibility === 'full' && !this.text ? raw : formatEvent(JSON.stringify(obj), event);
    }
    const item = obj.item as Body | undefined;
    if (!item || item.type !== 'reasoning') return raw;
    if (this.visibility === 'none') return '';
    stripRawReasoning(item);
    return formatEvent(JSON.stringify(obj), event);
  }

  /**
   * Marks answer text: deltas through the part's streaming rewriter; its held-back tail goes out as one more
   * delta just before the part's `done`; whole texts in done and item events are marked the same way (the
   * terminal response event is marked in `rewrite`).
   */
  private markText(type: string, data: string, raw: string): string {
    if (type === 'response.output_text.delta') {
      const delta = this.deltaReader.read(data);
      if (delta !== null) return this.markDeltaInPlace(delta, data, raw);
    }
    let obj: Body;
    try {
      obj = JSON.parse(data) as Body;
    } catch {
      return raw;
    }
    const key = partKeyOf(obj);
    if (type === 'response.output_text.delta' && typeof obj.delta === 'string') {
      const part = this.partFor(key);
      const marked = part.rewriter.push(obj.delta);
      part.original += obj.delta;
      part.marked += marked;
      obj.delta = marked;
      return formatEvent(JSON.stringify(obj), type);
    }
    if (type === 'response.output_text.done') {
      let out = '';
      const part = this.partFor(key);
      const tail = part.rewriter.end();
      this.parts.delete(key);
      this.markedTexts.set(part.original, part.marked + tail);
      if (tail) {
        const delta = { type: 'response.output_text.delta', item_id: obj.item_id, output_index: obj.output_index, content_index: obj.content_index, delta: tail, logprobs: [] };
        out += formatEvent(JSON.stringify(delta), 'response.output_text.delta');
      }
      if (typeof obj.text === 'string') obj.text = this.markedTexts.get(obj.text) ?? rewriteWhole(obj.text, this.text!);
      return out + formatEvent(JSON.stringify(obj), type);
    }
    if (type === 'response.content_part.done' && obj.part && typeof obj.part === 'object') markItem(obj.part as Body, this.text!, this.markedTexts);
    if (type === 'response.output_item.done' && obj.item && typeof obj.item === 'object') {
      const item = obj.item as Body;
      if (item.type === 'reasoning' && this.visibility !== 'full') {
        if (this.visibility === 'none') return '';
        stripRawReasoning(item);
      }
      markItem(item, this.text!, this.markedTexts);
    }
    return formatEvent(JSON.stringify(obj), type);
  }

  /** A text delta marked by editing its JSON text: the rest of the event goes out as the upstream wrote it. */
  private markDeltaInPlace(delta: TextDeltaSpans, data: string, raw: string): string {
    const original = readJsonString(data, delta.start, delta.end);
    const part = this.partFor(delta.partKey);
    const marked = part.rewriter.push(original);
    part.original += original;
    part.marked += marked;
    if (marked === original) return raw;
    // the literal's quotes stay where they are
    return formatEvent(data.slice(0, delta.start + 1) + jsonStringContent(marked) + data.slice(delta.end - 1), 'response.output_text.delta');
  }

  private partFor(key: string): StreamedPart {
    let part = this.parts.get(key);
    if (!part) this.parts.set(key, (part = { rewriter: this.text!(), original: '', marked: '' }));
    return part;
  }
}

/** Searched for in the stream's bytes (see findKeyWithValue): a `response` key with an object value. */
const RESPONSE_KEY = 'response"';

/**
 * Reads usage and finish reason from a stream that goes out as the upstream sent it (full reasoning, no marks):
 * of the events, only those with a `response` object (created, in progress and the terminal one) are decoded,
 * and only a terminal one is parsed and read, as the transform reads it.
 */
class ResponsesStreamUsage extends SseEventPicker implements StreamUsageReader {
  readonly usage = emptyUsage();

  constructor() {
    super(false);
  }

  protected nextCandidate(text: string, from: number): number {
    return findKeyWithValue(text, RESPONSE_KEY, OPEN_OBJECT, from);
  }

  protected read(event: string | null, data: string | null): boolean {
    if (data === null || !TERMINAL_EVENTS.has(event ?? '')) return false;
    const response = parseEventObject(data)?.response;
    if (response && typeof response === 'object') readResponseUsage(response as Body, this.usage);
    return false;
  }
}

function partKeyOf(event: Body): string {
  return `${String(event.item_id)}:${String(event.content_index)}`;
}

/** Where a text delta event keeps its text, and the key of its content part (as `markText` forms it). */
interface TextDeltaSpans {
  partKey: string;
  /** the `delta` string literal, quotes included */
  start: number;
  end: number;
}

/**
 * Reads a `response.output_text.delta` event without parsing it, when it is laid out as OpenAI sends them:
 * flat members (`type`, `sequence_number`, `item_id`, `output_index`, `content_index`: strings and scalars)
 * before a string `delta`, and members after it as the previous delta event had them (`,"logprobs":[]}`),
 * checked by one parse the first time. Null for anything else: the caller parses the event then, so both ways
 * read the same text and key.
 */
class TextDeltaReader {
  /** the members after `delta` of the last event read, known to parse and not to repeat `delta` */
  private knownAfter = '';

  read(data: string): TextDeltaSpans | null {
    if (data.charCodeAt(0) !== OPEN_OBJECT) return null;
    let itemId: string | null = null;
    let contentIndex: string | null = null;
    let i = skipSpace(data, 1);
    // the flat members before `delta`, read as JSON.parse would (a bracket or anything odd: null)
    for (;;) {
      if (data.charCodeAt(i) !== QUOTE) return null;
      const keyEnd = jsonStringEnd(data, i);
      if (keyEnd < 0) return null;
      const colon = skipSpace(data, keyEnd);
      if (data.charCodeAt(colon) !== COLON) return null;
      const value = skipSpace(data, colon + 1);
      const key = data.slice(i, keyEnd);
      if (key === '"delta"') {
        if (data.charCodeAt(value) !== QUOTE || itemId === null || contentIndex === null) return null;
        const end = jsonStringEnd(data, value);
        if (end < 0 || !this.afterIsKnown(data, end)) return null;
        return { partKey: `${itemId}:${contentIndex}`, start: value, end };
      }
      const valueEnd = data.charCodeAt(value) === QUOTE ? jsonStringEnd(data, value) : scalarEnd(data, value);
      if (valueEnd <= value) return null;
      const scalar = scalarText(data, value, valueEnd);
      if (scalar === null) return null;
      if (key === '"item_id"') itemId = scalar;
      else if (key === '"content_index"') contentIndex = scalar;
      i = skipSpace(data, valueEnd);
      if (data.charCodeAt(i) !== COMMA) return null;
      i = skipSpace(data, i + 1);
    }
  }

  /** Whether what follows the delta literal ending at `end` is the rest of a well-formed object without another `delta`. */
  private afterIsKnown(data: string, end: number): boolean {
    const after = data.slice(end);
    if (after === this.knownAfter) return true;
    let rest: Body;
    try {
      // the members after the literal, behind a placeholder member in its place
      rest = JSON.parse(`{"":0${after}`) as Body;
    } catch {
      return false;
    }
    // a repeated key (however it is escaped): JSON.parse would keep the last one
    if (Object.hasOwn(rest, 'delta')) return false;
    this.knownAfter = after;
    return true;
  }
}

/**
 * String(value) of the JSON string, number, true, false or null text[start, end), as `markText` forms a part's
 * key from the parsed event; null when it is none of these (a malformed event goes the parsing way).
 */
function scalarText(text: string, start: number, end: number): string | null {
  if (text.charCodeAt(start) === QUOTE) return readJsonString(text, start, end); // ended by jsonStringEnd
  const literal = text.slice(start, end);
  if (literal === 'true' || literal === 'false' || literal === 'null') return literal;
  return JSON_NUMBER.test(literal) ? String(Number(literal)) : null;
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Events that carry answer text (marked when provenance marks apply). */
const TEXT_EVENTS = new Set([
  'response.output_text.delta',
  'response.output_text.done',
  'response.content_part.done',
  'response.output_item.done',
]);

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
  createStreamTransform: (visibility, _request, text) => new ResponsesStreamTransform(visibility, text),
  createStreamUsageReader: () => new ResponsesStreamUsage(),
  toLogMessages,
};
