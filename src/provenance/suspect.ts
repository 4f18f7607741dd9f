// Probes a suspect OpenAI-compatible model over HTTP (/v1/chat/completions) with the planner's prompts and
// feeds its answers to an EvidenceCollector.
import type { Canary } from './canaries.ts';
import { PROVENANCE_ERRORS, ProvenanceError } from './errors.ts';
import { EvidenceCollector, type ProvenanceResult } from './evidence.ts';
import type { WatermarkKey } from './keys.ts';
import { ProbePlanner, type ProbePrompt } from './probe.ts';

export interface SuspectProbeOptions {
  endpoint: string;
  model: string;
  apiKey?: string;
  queries: number;
  keys: readonly WatermarkKey[];
  canaries: readonly Canary[];
  /** parallel requests (default 4) */
  concurrency?: number;
  maxTokens?: number;
  /** sampling temperature asked of the suspect (default 0.7: varied answers, learned preferences still visible) */
  temperature?: number;
  requestTimeoutMs?: number;
  onAnswer?: (done: number, total: number) => void;
}

/** The chat-completions URL for a base URL given with or without /v1 (or already complete). */
export function chatCompletionsUrl(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ProvenanceError(PROVENANCE_ERRORS.INPUT_INVALID, `--endpoint is not a URL: ${endpoint}`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  if (path.endsWith('/chat/completions')) return url.toString();
  url.pathname = path.endsWith('/v1') ? `${path}/chat/completions` : `${path}/v1/chat/completions`;
  return url.toString();
}

async function ask(url: string, options: SuspectProbeOptions, prompt: ProbePrompt): Promise<string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  const res = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      model: options.model,
      messages: [{ role: 'user', content: prompt.text }],
      max_tokens: options.maxTokens ?? 600,
      temperature: options.temperature ?? 0.7,
    }),
    signal: AbortSignal.timeout(options.requestTimeoutMs ?? 120_000),
  });
  const body = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${body.slice(0, 200)}`);
  const parsed = JSON.parse(body) as { choices?: Array<{ message?: { content?: unknown } }> };
  const content = parsed.choices?.[0]?.message?.content;
  if (typeof content !== 'string') throw new Error('the answer has no choices[0].message.content string');
  return content;
}

export async function probeSuspect(options: SuspectProbeOptions): Promise<ProvenanceResult> {
  const url = chatCompletionsUrl(options.endpoint);
  const planner = new ProbePlanner(options.canaries, { queries: options.queries });
  const collector = new EvidenceCollector(options.keys, options.canaries);
  let answered = 0;
  let failed = 0;
  let lastError = '';
  const worker = async (): Promise<void> => {
    for (let prompt = planner.next(); prompt !== null; prompt = planner.next()) {
      try {
        const text = await ask(url, options, prompt);
        planner.record(prompt, collector.add(text));
        answered++;
      } catch (err) {
        failed++;
        lastError = (err as Error).message;
      }
      options.onAnswer?.(answered + failed, options.queries);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  if (answered === 0) {
    throw new ProvenanceError(PROVENANCE_ERRORS.PROBE_FAILED, `no probe got an answer from ${url} (${failed} failed; last error: ${lastError})`);
  }
  return collector.result('test', {
    endpoint: url,
    model: options.model,
    queries_sent: answered + failed,
    queries_answered: answered,
    queries_failed: failed,
    temperature: options.temperature ?? 0.7,
    probe_yields: planner.yields(),
  });
}
