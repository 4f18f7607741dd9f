// A fast, fixed upstream for the benchmarks: an OpenAI-style chat completion as one JSON body, or as an SSE
// stream of 20 chunks whose last one carries the usage (as with `stream_options.include_usage`).
// Every byte it sends is serialised once at start-up, so the upstream costs the same for every target.
// Run alone: `node --import tsx bench/upstream.ts [--port N]` prints `{"listening":"http://127.0.0.1:N"}`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

const MODEL = 'gpt-4o-mini-2024-07-18';
const CREATED = 1_764_200_000;
const COMPLETION_ID = 'chatcmpl-bench0000000000000000000000';
const FINGERPRINT = 'fp_bench00001';

/** About 150 tokens of prose, the size of a typical short answer. */
const ANSWER =
  'Rate limits per account slow a single client down, but they do little against an operator who spreads the ' +
  'same workload over thousands of accounts. A better defence looks at behaviour: how narrow and repetitive ' +
  'the prompts are, whether they coerce the model into writing out its full reasoning, how regular the timing ' +
  'is, and which accounts share payment details, network blocks or prompt templates. Linking those accounts ' +
  'into one campaign lets the provider act on the whole network at once, while heavy legitimate users with ' +
  'broad, varied traffic keep working without interruption. Evidence for each decision should be kept so ' +
  'that an analyst can review it and undo a mistake.';

export const USAGE = {
  prompt_tokens: 58,
  completion_tokens: 152,
  total_tokens: 210,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};

/** Number of `data:` chunks in a streamed response, not counting the `[DONE]` sentinel. */
export const STREAM_CHUNKS = 20;

export const JSON_RESPONSE = Buffer.from(
  JSON.stringify({
    id: COMPLETION_ID,
    object: 'chat.completion',
    created: CREATED,
    model: MODEL,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: ANSWER, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: USAGE,
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
  }),
);

function chunk(choices: unknown[], usage: unknown = null): string {
  const body = {
    id: COMPLETION_ID,
    object: 'chat.completion.chunk',
    created: CREATED,
    model: MODEL,
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
    choices,
    usage,
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

/** Splits the answer into `parts` pieces of near-equal length on word boundaries. */
function splitAnswer(parts: number): string[] {
  const words = ANSWER.split(/(?<= )/);
  const out: string[] = [];
  for (let i = 0; i < parts; i++) {
    out.push(words.slice(Math.floor((i * words.length) / parts), Math.floor(((i + 1) * words.length) / parts)).join(''));
  }
  return out;
}

/** role chunk, content chunks, finish chunk, usage chunk: STREAM_CHUNKS in all, then `[DONE]`. */
export const SSE_CHUNKS: readonly Buffer[] = (() => {
  const contentParts = splitAnswer(STREAM_CHUNKS - 3);
  const events = [
    chunk([{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }]),
    ...contentParts.map((text) => chunk([{ index: 0, delta: { content: text }, logprobs: null, finish_reason: null }])),
    chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]),
    chunk([], USAGE),
    'data: [DONE]\n\n',
  ];
  if (events.length !== STREAM_CHUNKS + 1) throw new Error(`SSE fixture has ${events.length - 1} chunks`);
  return events.map((e) => Buffer.from(e));
})();

const MODELS_RESPONSE = Buffer.from(
  JSON.stringify({ object: 'list', data: [{ id: MODEL, object: 'model', created: CREATED, owned_by: 'bench' }] }),
);

const JSON_HEADERS = { 'content-type': 'application/json', 'content-length': String(JSON_RESPONSE.length) };
const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

/** Writes the SSE chunks one event-loop turn apart, so a proxy sees them arrive one by one as from a model. */
function streamChunks(res: ServerResponse): void {
  res.writeHead(200, SSE_HEADERS);
  let next = 0;
  const writeNext = (): void => {
    if (res.destroyed) return;
    res.write(SSE_CHUNKS[next++]);
    if (next < SSE_CHUNKS.length) setImmediate(writeNext);
    else res.end();
  };
  writeNext();
}

function sendError(res: ServerResponse, status: number, message: string): void {
  const body = JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function handleChat(req: IncomingMessage, res: ServerResponse): void {
  const parts: Buffer[] = [];
  req.on('data', (b: Buffer) => parts.push(b));
  req.on('end', () => {
    let stream: unknown;
    try {
      stream = (JSON.parse(Buffer.concat(parts).toString('utf8')) as { stream?: unknown }).stream;
    } catch {
      sendError(res, 400, 'request body is not JSON');
      return;
    }
    if (stream === true) streamChunks(res);
    else {
      res.writeHead(200, JSON_HEADERS);
      res.end(JSON_RESPONSE);
    }
  });
}

/** Serves POST …/chat/completions (with or without a /v1 prefix) and GET …/models. */
export function createUpstreamServer(): Server {
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (req.method === 'POST' && url.endsWith('/chat/completions')) handleChat(req, res);
    else if (req.method === 'GET' && url.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': MODELS_RESPONSE.length });
      res.end(MODELS_RESPONSE);
    } else {
      req.resume();
      sendError(res, 404, `no route for ${req.method} ${url}`);
    }
  });
  // Proxies keep pooled connections open between requests; do not close them under them.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  return server;
}

export async function startUpstream(port = 0, host = '127.0.0.1'): Promise<{ server: Server; url: string }> {
  const server = createUpstreamServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return { server, url: `http://${host}:${bound}` };
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { server, url } = await startUpstream(Number(argValue('--port') ?? 0));
  process.stdout.write(`${JSON.stringify({ listening: url })}\n`);
  const stop = (): void => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
