// The shape every API dialect folder fills: the same small set of parts, so adding a provider
// means copying a folder, not reading the gateway.
import type { DgError } from '../../errors.ts';
import type { ChatMessage } from '../../events/types.ts';
import type { RequestedFeatures } from '../../policy/gates.ts';

export type DialectName = 'openai' | 'anthropic';
export type ReasoningVisibility = 'full' | 'summary' | 'none';

/** Token usage and outcome read from the upstream response (JSON or the stream's final events). */
export interface UsageRecord {
  inputTokens: number | null;
  /** Visible output tokens (reasoning excluded). */
  outputTokens: number | null;
  reasoningTokens: number | null;
  finishReason: string | null;
}

export function emptyUsage(): UsageRecord {
  return { inputTokens: null, outputTokens: null, reasoningTokens: null, finishReason: null };
}

export interface ParsedRequest {
  model: string;
  stream: boolean;
  /** What the request asks of the features that tiers gate. */
  features: RequestedFeatures;
  /** Tokens the prompt will likely cost (for reserving rate-limit budget before the upstream says). */
  estimatedInputTokens: number;
  /** Lowers parameters to the tier's ceilings, in this dialect's field names. */
  applyCaps(caps: { maxTokens?: number; n?: number; topLogprobs?: number }): void;
  /** The body to forward (mutated by applyCaps). */
  body: Record<string, unknown>;
  /** True once the body differs from what the caller sent (then it is serialised again before forwarding). */
  modified: boolean;
  /** The gateway asked the upstream for streamed usage that the caller did not ask for; drop that chunk. */
  hideUsageChunk?: boolean;
}

/** Rewrites a streamed response event by event and reads usage from it. */
export interface StreamTransform {
  /** Returns the text to send for this chunk of upstream bytes ('' to send nothing yet). */
  push(chunk: string): string;
  /** Returns what is left to send when the upstream ends. */
  end(): string;
  readonly usage: UsageRecord;
}

/**
 * Reads usage from a streamed response whose events go out unchanged (some may be left out), from its bytes as
 * they arrive.
 */
export interface StreamUsageReader {
  /** Reads the next bytes; returns what to send now: the same Buffer, or bytes as latin1 text. */
  push(chunk: Buffer): Buffer | string;
  /** The stream ended: returns what is left to send (latin1 text). */
  end(): string;
  readonly usage: UsageRecord;
}

/**
 * Rewrites the visible answer text of one output (a choice, a content block): fed each text delta in order,
 * it returns what to send now; `end` returns what it held back. Provenance marks use it (watermark, canaries).
 * What it makes of a whole text does not depend on how the text was cut into deltas: a JSON answer is marked
 * whole, and a streamed one's events that repeat the whole text reuse what its deltas became.
 */
export interface TextRewriter {
  push(delta: string): string;
  end(): string;
  /**
   * `push` returns only characters it was given (some held back for later) with some words replaced by
   * ASCII words, so text that needed no JSON escapes still needs none (the watermark): a stream edited in
   * place can then skip checking its output.
   */
  readonly keepsCharacters?: boolean;
}
export interface TextRewriterFactory {
  /** A fresh rewriter for one output. */
  (): TextRewriter;
  /**
   * Optional: what a fresh rewriter makes of the whole text text[start, end), or null when that is the text
   * unchanged; the same result as `push` then `end`, without a stream's state or a slice of the text (a JSON
   * answer's text is marked where it stands in the answer).
   */
  whole?(text: string, start: number, end: number): string | null;
}

/** Rewrites a whole text with a fresh rewriter (the JSON case). */
export function rewriteWhole(text: string, factory: TextRewriterFactory): string {
  if (factory.whole) return factory.whole(text, 0, text.length) ?? text;
  const r = factory();
  return r.push(text) + r.end();
}

/** One endpoint that a dialect serves. */
export interface Endpoint {
  method: 'GET' | 'POST';
  path: string;
  /** Path to call on the upstream (usually the same). */
  upstreamPath: string;
  /** Parses and validates a body; throws DgError naming the parameter. Absent for bodiless GETs. */
  parse?(body: unknown): ParsedRequest;
  /** Transforms a complete JSON response in place, returning its usage. */
  transformJson?(body: Record<string, unknown>, reasoning: ReasoningVisibility, text?: TextRewriterFactory): UsageRecord;
  /**
   * The fast path for a complete JSON response: reads its usage and marks its answer text by editing the
   * text in place, without parsing the whole answer into objects. Returns the text to send (the same string
   * when nothing changed), or null when it cannot handle the case (then `transformJson` does).
   */
  rewriteJsonText?(json: string, reasoning: ReasoningVisibility, text?: TextRewriterFactory): { usage: UsageRecord; json: string } | null;
  /** Creates a transform for one streamed response. */
  createStreamTransform?(reasoning: ReasoningVisibility, request: ParsedRequest, text?: TextRewriterFactory): StreamTransform;
  /**
   * For a streamed response whose events go out unchanged (full reasoning, no marks): reads its usage from the
   * bytes, a cheaper way than the transform's, which decodes every chunk. Absent: the transform reads it.
   */
  createStreamUsageReader?(request: ParsedRequest): StreamUsageReader;
  /** The conversation as log format v1 messages (system prompt as a system message). */
  toLogMessages?(body: Record<string, unknown>): ChatMessage[];
}

export interface Dialect {
  name: DialectName;
  endpoints: Endpoint[];
  /** The caller's API key from the request headers, or null. */
  apiKey(headers: Record<string, string | string[] | undefined>): string | null;
  /** Headers to send upstream for authentication (the provider's key, never the caller's). */
  upstreamAuthHeaders(apiKey: string | undefined): Record<string, string>;
  /** Request headers passed upstream unchanged (e.g. API versions). */
  forwardedHeaders: readonly string[];
  /** Renders a gateway error as this dialect's error body. */
  errorBody(err: DgError): unknown;
  /** Renders an error that happens after a stream has started, as one SSE event. */
  streamErrorEvent(err: DgError): string;
  /** True when an upstream error body is already in this dialect's shape (then it is relayed as is). */
  isNativeErrorBody(body: unknown): boolean;
}
