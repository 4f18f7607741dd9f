// The built-in DEMO upstream: a stand-in model API so `npm start` works with nothing else running.
// It is not a model: it answers every request with a fixed, clearly labelled text built from the
// prompt, in the OpenAI (chat completions, responses) and Anthropic (messages) formats, JSON and SSE,
// with reasoning when asked, and real usage counts. Replace it with `serve --upstream URL`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const DEMO_MODELS = ['demo-small', 'demo-reasoner'];

export interface DemoUpstreamOptions {
  /** Pause between streamed chunks, so streaming is visible in a terminal. */
  chunkDelayMs?: number;
}

type Body = Record<string, any>;

const tokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

function lastUserText(messages: unknown): string {
  if (typeof messages === 'string') return messages;
  if (!Array.isArray(messages)) return '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as Body;
    if (m && m.role === 'user') {
      if (typeof m.content === 'string') return m.content;
      if (Array.isArray(m.content)) return m.content.map((p: Body) => (typeof p?.text === 'string' ? p.text : '')).join('\n');
    }
  }
  return '';
}

function answerFor(prompt: string, maxTokens: number | null): { text: string; truncated: boolean } {
  const quoted = prompt.replace(/\s+/g, ' ').trim().slice(0, 160);
  let text = `This is the distillguard demo upstream, not a real model. You asked: "${quoted}". A real model API behind the gateway would answer here; start the gateway with --upstream URL to use one.`;
  const limit = maxTokens === null ? Infinity : maxTokens * 4;
  const truncated = text.length > limit;
  if (truncated) text = text.slice(0, limit);
  return { text, truncated };
}

/**
 * Replay only (`distillguard replay` through `serve --replay-mode`): the logged answer's size as
 * `output=N,reasoning=M` tokens (visible and reasoning, as log v1 records them). The demo answer is padded or cut to it, so the detector behind the gateway sees
 * the usage the log recorded rather than the demo's one-sentence answers.
 */
export const REPLAY_USAGE_HEADER = 'x-distillguard-replay-usage';

interface RecordedSize {
  /** visible answer tokens (log v1's output_tokens: reasoning excluded) */
  answer: number;
  reasoning: number;
}

function recordedSize(header: string | string[] | undefined): RecordedSize | null {
  const m = typeof header === 'string' ? /^output=(\d+),reasoning=(\d+)$/.exec(header) : null;
  if (!m) return null;
  return { answer: Math.max(1, Number(m[1])), reasoning: Number(m[2]) };
}

/** `text` repeated or cut to exactly `n` tokens of the demo's count (4 characters each). */
function sized(text: string, n: number): string {
  const chars = n * 4;
  return text.length >= chars ? text.slice(0, chars) : (text + ' ').repeat(Math.ceil(chars / (text.length + 1))).slice(0, chars);
}

/** The demo's answer and reasoning for one request: its own, or sized to the logged usage when replaying. */
function demoOutput(prompt: string, maxTokens: number | null, asksReasoning: boolean, recorded: RecordedSize | null): { text: string; truncated: boolean; reasoning: string } {
  const { text, truncated } = answerFor(prompt, maxTokens);
  if (recorded) {
    return { text: sized(text, recorded.answer), truncated, reasoning: recorded.reasoning > 0 ? sized(reasoningFor(prompt), recorded.reasoning) : '' };
  }
  return { text, truncated, reasoning: asksReasoning ? reasoningFor(prompt) : '' };
}

function reasoningFor(prompt: string): string {
  const topic = prompt.replace(/\s+/g, ' ').trim().slice(0, 60);
  return `First, I restate the question about "${topic}". Next, I list what is known and what is asked. Then I work through each step, checking the intermediate results. Finally, I compose a concise answer from the steps above.`;
}

/** Splits text into small pieces for streaming (words with their spaces). */
function pieces(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [text];
}

const sleep = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

export async function startDemoUpstream(port = 0, host = '127.0.0.1', opts: DemoUpstreamOptions = {}): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const delay = opts.chunkDelayMs ?? 0;
  const server = createServer((req, res) => {
    handle(req, res, delay).catch((err) => {
      if (!res.headersSent) json(res, 500, { error: { message: String(err), type: 'server_error' } });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const addr = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host}:${addr.port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

async function handle(req: IncomingMessage, res: ServerResponse, delay: number): Promise<void> {
  const url = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && url === '/v1/models') {
    if (req.headers['anthropic-version'] || req.headers['x-api-key']) {
      json(res, 200, { data: DEMO_MODELS.map((id) => ({ type: 'model', id, display_name: id, created_at: '2026-01-01T00:00:00Z' })), has_more: false, first_id: DEMO_MODELS[0], last_id: DEMO_MODELS[DEMO_MODELS.length - 1] });
    } else {
      json(res, 200, { object: 'list', data: DEMO_MODELS.map((id) => ({ id, object: 'model', created: 1767225600, owned_by: 'distillguard-demo' })) });
    }
    return;
  }
  if (req.method !== 'POST') return json(res, 404, { error: { message: 'not found', type: 'invalid_request_error' } });
  const body = await readBody(req);
  const recorded = recordedSize(req.headers[REPLAY_USAGE_HEADER]);
  if (url === '/v1/chat/completions') return chat(body, res, delay, recorded);
  if (url === '/v1/responses') return responses(body, res, delay, recorded);
  if (url === '/v1/messages') return messages(body, res, delay, recorded);
  json(res, 404, { error: { message: `no route ${url}`, type: 'invalid_request_error' } });
}

function sseHead(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
}

async function chat(body: Body, res: ServerResponse, delay: number, recorded: RecordedSize | null): Promise<void> {
  const prompt = lastUserText(body.messages);
  const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? null;
  const { text, truncated, reasoning } = demoOutput(prompt, maxTokens, body.reasoning_effort != null || body.model === 'demo-reasoner', recorded);
  const finish = truncated ? 'length' : 'stop';
  const usage = {
    prompt_tokens: tokens(JSON.stringify(body.messages ?? '')),
    completion_tokens: tokens(text) + (reasoning ? tokens(reasoning) : 0),
    total_tokens: 0,
    completion_tokens_details: { reasoning_tokens: reasoning ? tokens(reasoning) : 0 },
  };
  usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
  const id = 'chatcmpl-demo' + Math.abs(hash(prompt)).toString(36);
  const created = 1767225600;
  if (!body.stream) {
    const message: Body = { role: 'assistant', content: text, refusal: null };
    if (reasoning) message.reasoning_content = reasoning;
    return json(res, 200, { id, object: 'chat.completion', created, model: body.model, choices: [{ index: 0, message, logprobs: null, finish_reason: finish }], usage });
  }
  sseHead(res);
  const includeUsage = body.stream_options?.include_usage === true;
  const chunk = (delta: Body, finishReason: string | null) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], ...(includeUsage ? { usage: null } : {}) })}\n\n`;
  res.write(chunk({ role: 'assistant', content: '' }, null));
  for (const p of reasoning ? pieces(reasoning) : []) {
    await sleep(delay);
    res.write(chunk({ reasoning_content: p }, null));
  }
  for (const p of pieces(text)) {
    await sleep(delay);
    res.write(chunk({ content: p }, null));
  }
  res.write(chunk({}, finish));
  if (includeUsage) res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [], usage })}\n\n`);
  res.end('data: [DONE]\n\n');
}

async function responses(body: Body, res: ServerResponse, delay: number, recorded: RecordedSize | null): Promise<void> {
  const prompt = typeof body.input === 'string' ? body.input : lastUserText(body.input);
  const { text, truncated, reasoning } = demoOutput(prompt, body.max_output_tokens ?? null, body.reasoning != null || body.model === 'demo-reasoner', recorded);
  const id = 'resp_demo' + Math.abs(hash(prompt)).toString(36);
  const usage = {
    input_tokens: tokens(JSON.stringify(body.input ?? '')),
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: tokens(text) + (reasoning ? tokens(reasoning) : 0),
    output_tokens_details: { reasoning_tokens: reasoning ? tokens(reasoning) : 0 },
    total_tokens: 0,
  };
  usage.total_tokens = usage.input_tokens + usage.output_tokens;
  const reasoningItem = { id: 'rs_demo', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Restated the question, then worked through it step by step.' }], content: [{ type: 'reasoning_text', text: reasoning }] };
  const messageItem = { id: 'msg_demo', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] };
  const output = reasoning ? [reasoningItem, messageItem] : [messageItem];
  const response = (status: string, out: unknown[], u: unknown) => ({
    id, object: 'response', created_at: 1767225600, status, model: body.model, output: out, usage: u,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null, error: null,
  });
  const finalStatus = truncated ? 'incomplete' : 'completed';
  if (!body.stream) return json(res, 200, response(finalStatus, output, usage));
  sseHead(res);
  let seq = 0;
  const send = (type: string, data: Body) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`);
  send('response.created', { response: response('in_progress', [], null) });
  let index = 0;
  if (reasoning) {
    send('response.output_item.added', { output_index: index, item: { ...reasoningItem, summary: [], content: [] } });
    for (const p of pieces(reasoning)) {
      await sleep(delay);
      send('response.reasoning_text.delta', { item_id: 'rs_demo', output_index: index, content_index: 0, delta: p });
    }
    send('response.reasoning_text.done', { item_id: 'rs_demo', output_index: index, content_index: 0, text: reasoning });
    send('response.reasoning_summary_text.done', { item_id: 'rs_demo', output_index: index, summary_index: 0, text: reasoningItem.summary[0].text });
    send('response.output_item.done', { output_index: index, item: reasoningItem });
    index++;
  }
  send('response.output_item.added', { output_index: index, item: { ...messageItem, status: 'in_progress', content: [] } });
  send('response.content_part.added', { item_id: 'msg_demo', output_index: index, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
  for (const p of pieces(text)) {
    await sleep(delay);
    send('response.output_text.delta', { item_id: 'msg_demo', output_index: index, content_index: 0, delta: p, logprobs: [] });
  }
  send('response.output_text.done', { item_id: 'msg_demo', output_index: index, content_index: 0, text, logprobs: [] });
  send('response.content_part.done', { item_id: 'msg_demo', output_index: index, content_index: 0, part: messageItem.content[0] });
  send('response.output_item.done', { output_index: index, item: messageItem });
  send(truncated ? 'response.incomplete' : 'response.completed', { response: response(finalStatus, output, usage) });
  res.end();
}

async function messages(body: Body, res: ServerResponse, delay: number, recorded: RecordedSize | null): Promise<void> {
  const prompt = lastUserText(body.messages);
  const { text, truncated, reasoning: thinking } = demoOutput(prompt, body.max_tokens ?? null, body.thinking?.type === 'enabled' || body.model === 'demo-reasoner', recorded);
  const stop = truncated ? 'max_tokens' : 'end_turn';
  const inputTokens = tokens(JSON.stringify(body.messages ?? '') + JSON.stringify(body.system ?? ''));
  const outputTokens = tokens(text) + (thinking ? tokens(thinking) : 0);
  const id = 'msg_demo' + Math.abs(hash(prompt)).toString(36);
  const content: Body[] = [];
  if (thinking) content.push({ type: 'thinking', thinking, signature: 'demo-signature' });
  content.push({ type: 'text', text });
  if (!body.stream) {
    return json(res, 200, { id, type: 'message', role: 'assistant', model: body.model, content, stop_reason: stop, stop_sequence: null, usage: { input_tokens: inputTokens, output_tokens: outputTokens } });
  }
  sseHead(res);
  const send = (type: string, data: Body) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  send('message_start', { message: { id, type: 'message', role: 'assistant', model: body.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: inputTokens, output_tokens: 1 } } });
  let index = 0;
  if (thinking) {
    send('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } });
    for (const p of pieces(thinking)) {
      await sleep(delay);
      send('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: p } });
    }
    send('content_block_delta', { index, delta: { type: 'signature_delta', signature: 'demo-signature' } });
    send('content_block_stop', { index });
    index++;
  }
  send('content_block_start', { index, content_block: { type: 'text', text: '' } });
  send('ping', {});
  for (const p of pieces(text)) {
    await sleep(delay);
    send('content_block_delta', { index, delta: { type: 'text_delta', text: p } });
  }
  send('content_block_stop', { index });
  send('message_delta', { delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: outputTokens } });
  send('message_stop', {});
  res.end();
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h | 0;
}
