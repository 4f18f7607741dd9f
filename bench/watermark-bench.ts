// Watermark micro-benchmark (issue 5: "watermarking adds ≤ 10 % CPU to the gateway's handling of a response").
// CPU time per response of the code the gateway runs on an answer, without and with the watermark:
//   - the watermark alone on a 500-word answer (batch, and streamed in ~4-word deltas);
//   - JSON: the chat dialect reading the answer's usage (`rewriteJsonText`), and the same marking it, on that
//     answer and on the gateway bench's own (bench/upstream.ts: 111 words, none of them in the lexicon);
//   - SSE: each dialect's stream transform fed the upstream's bytes as the gateway feeds them (decoded in
//     stream mode), without marks (usage read, chunks forwarded) and with them; for the chat dialect both the
//     gateway bench's 20-chunk stream (bench/upstream.ts) and the 500-word answer in model-like deltas
//     (" word" tokens, cut inside words), for Anthropic messages and OpenAI responses the latter.
// Prints CPU µs per response and what the watermark adds. The gateway's whole handling of a request (HTTP,
// auth, policy, events, socket writes) costs far more than these pieces: `npm run bench -- gateway` measures
// that, and the added µs here are to be read against its CPU µs per request.
//
//   node --import tsx bench/watermark-bench.ts [--quick] [--rounds=N]
import { parseArgs } from 'node:util';
import { messages as anthropicMessages } from '../src/gateway/dialects/anthropic/messages.ts';
import { chatCompletions } from '../src/gateway/dialects/openai/chat.ts';
import { responses as openaiResponses } from '../src/gateway/dialects/openai/responses.ts';
import type { Endpoint, ParsedRequest, TextRewriterFactory } from '../src/gateway/dialects/types.ts';
import { markingFactory } from '../src/gateway/provenance-marks.ts';
import { seedFromSecret } from '../src/provenance/keyed-hash.ts';
import { StreamWatermarker } from '../src/provenance/stream-watermark.ts';
import { watermarkText } from '../src/provenance/watermark.ts';
import { mulberry32 } from '../src/provenance/validation/rng.ts';
import { teacherSample } from '../src/provenance/validation/teacher.ts';
import { JSON_RESPONSE, SSE_CHUNKS } from './upstream.ts';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, rounds: { type: 'string' } }, strict: false });
const rounds = Number(values.rounds ?? (values.quick ? 8 : 30));
const ROUND_MS = 40;

// a 500-word answer in paragraphs, with a code block as real answers often have
const rng = mulberry32(1);
const words: string[] = [];
while (words.length < 500) words.push(...teacherSample(rng, { lexiconShare: 0.12 }).response.split(' '));
const paragraphs: string[] = [];
for (let i = 0; i < 500; i += 100) paragraphs.push(words.slice(i, i + 100).join(' '));
const RESPONSE = `${paragraphs.slice(0, 2).join('\n\n')}\n\n\`\`\`python\nfor item in items:\n    print(item)\n\`\`\`\n\n${paragraphs.slice(2).join('\n\n')}`;
// model-like deltas: a few tokens each, a token being a word with its leading space; every third cut inside a word
const DELTAS: string[] = [];
for (let i = 0, n = 0; i < RESPONSE.length; n++) {
  let end = i + 18;
  while (end < RESPONSE.length && RESPONSE[end] !== ' ') end++;
  if (n % 3 === 2) end -= 2;
  DELTAS.push(RESPONSE.slice(i, Math.max(end, i + 1)));
  i = Math.max(end, i + 1);
}

const seed = seedFromSecret('bench-key');
// the gateway's own rewriters for a response watermarked without a canary
const marks: TextRewriterFactory = markingFactory(seed, '');

const sse = (event: string | null, data: unknown): Buffer => Buffer.from(`${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
const chunk = (choices: unknown[], usage: unknown = null) => ({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', system_fingerprint: 'fp', choices, usage });
const CHAT_STREAM: Buffer[] = [
  sse(null, chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }])),
  ...DELTAS.map((d) => sse(null, chunk([{ index: 0, delta: { content: d }, logprobs: null, finish_reason: null }]))),
  sse(null, chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }])),
  sse(null, chunk([], { prompt_tokens: 20, completion_tokens: 650, total_tokens: 670 })),
  Buffer.from('data: [DONE]\n\n'),
];
const ANTHROPIC_STREAM: Buffer[] = [
  sse('message_start', { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null, usage: { input_tokens: 20, output_tokens: 1 } } }),
  sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
  ...DELTAS.map((d) => sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: d } })),
  sse('content_block_stop', { type: 'content_block_stop', index: 0 }),
  sse('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 650 } }),
  sse('message_stop', { type: 'message_stop' }),
];
const message = { id: 'msg_1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: RESPONSE, annotations: [] }] };
const RESPONSES_STREAM: Buffer[] = [
  sse('response.created', { type: 'response.created', response: { id: 'resp_1', status: 'in_progress', output: [] } }),
  sse('response.output_item.added', { type: 'response.output_item.added', output_index: 0, item: { ...message, status: 'in_progress', content: [] } }),
  sse('response.content_part.added', { type: 'response.content_part.added', item_id: 'msg_1', output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }),
  ...DELTAS.map((d, i) => sse('response.output_text.delta', { type: 'response.output_text.delta', sequence_number: i + 3, item_id: 'msg_1', output_index: 0, content_index: 0, delta: d, logprobs: [] })),
  sse('response.output_text.done', { type: 'response.output_text.done', item_id: 'msg_1', output_index: 0, content_index: 0, text: RESPONSE, logprobs: [] }),
  sse('response.content_part.done', { type: 'response.content_part.done', item_id: 'msg_1', output_index: 0, content_index: 0, part: message.content[0] }),
  sse('response.output_item.done', { type: 'response.output_item.done', output_index: 0, item: message }),
  sse('response.completed', { type: 'response.completed', response: { id: 'resp_1', status: 'completed', output: [message], usage: { input_tokens: 20, output_tokens: 650, total_tokens: 670 } } }),
];
const BODY = JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: RESPONSE }, finish_reason: 'stop' }], usage: { prompt_tokens: 20, completion_tokens: 650, total_tokens: 670 } });

/** The gateway bench's JSON answer (bench/upstream.ts: 111 words, none of them in the lexicon), as the gateway decodes it. */
const BENCH_BODY = JSON_RESPONSE.toString('utf8');

const request = { model: 'm', stream: true, hideUsageChunk: false } as unknown as ParsedRequest;
let sink = 0;
/** The gateway's streaming loop: decode each network chunk in stream mode, push it through the transform. */
function stream(endpoint: Endpoint, chunks: readonly Buffer[], text: TextRewriterFactory | undefined): void {
  const transform = endpoint.createStreamTransform!('full', request, text);
  const decoder = new TextDecoder();
  for (const c of chunks) sink += transform.push(decoder.decode(c, { stream: true })).length;
  sink += (transform.push(decoder.decode()) + transform.end()).length;
}

/** [without marks, with marks] per line of the report */
const pairs: [string, () => void, () => void][] = [
  ['json answer (chat)', () => (sink += chatCompletions.rewriteJsonText!(BODY, 'full')!.json.length), () => (sink += chatCompletions.rewriteJsonText!(BODY, 'full', marks)!.json.length)],
  ['json, gateway bench answer', () => (sink += chatCompletions.rewriteJsonText!(BENCH_BODY, 'full')!.json.length), () => (sink += chatCompletions.rewriteJsonText!(BENCH_BODY, 'full', marks)!.json.length)],
  ['sse chat, gateway bench stream', () => stream(chatCompletions, SSE_CHUNKS, undefined), () => stream(chatCompletions, SSE_CHUNKS, marks)],
  ['sse chat, 500 words', () => stream(chatCompletions, CHAT_STREAM, undefined), () => stream(chatCompletions, CHAT_STREAM, marks)],
  ['sse anthropic, 500 words', () => stream(anthropicMessages, ANTHROPIC_STREAM, undefined), () => stream(anthropicMessages, ANTHROPIC_STREAM, marks)],
  ['sse responses, 500 words', () => stream(openaiResponses, RESPONSES_STREAM, undefined), () => stream(openaiResponses, RESPONSES_STREAM, marks)],
];
const alone: [string, () => void][] = [
  ['watermark alone, batch', () => (sink += watermarkText(RESPONSE, seed).text.length)],
  ['watermark alone, streamed', () => {
    const s = new StreamWatermarker(seed);
    for (const d of DELTAS) sink += s.push(d).length;
    sink += s.end().length;
  }],
];

/**
 * CPU µs per call of each case: the cases take turns in short rounds (so that a burst of other work on a
 * shared machine hits them alike), and each gets the median over the rounds and their spread (quartiles).
 */
function measure(cases: [string, () => void][]): Map<string, { median: number; q1: number; q3: number }> {
  for (const [, fn] of cases) for (let i = 0; i < 300; i++) fn(); // warm-up
  const samples = new Map<string, number[]>(cases.map(([name]) => [name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of cases) {
      const start = process.cpuUsage();
      const t0 = performance.now();
      let calls = 0;
      while (performance.now() - t0 < ROUND_MS) {
        for (let i = 0; i < 5; i++) fn();
        calls += 5;
      }
      const cpu = process.cpuUsage(start);
      samples.get(name)!.push((cpu.user + cpu.system) / calls);
    }
  }
  const out = new Map<string, { median: number; q1: number; q3: number }>();
  for (const [name, v] of samples) {
    v.sort((a, b) => a - b);
    out.set(name, { median: v[v.length >> 1], q1: v[v.length >> 2], q3: v[(3 * v.length) >> 2] });
  }
  return out;
}

const stats = watermarkText(RESPONSE, seed).stats;
console.log(`watermark bench: ${stats.words}-word answer, ${DELTAS.length} stream deltas, ${stats.candidates} candidates, ${stats.changes} words changed (${((stats.changes / stats.words) * 100).toFixed(1)} %); ${rounds} rounds of ${ROUND_MS} ms per case`);
const cases: [string, () => void][] = [...alone];
for (const [name, without, withMarks] of pairs) cases.push([`${name}, no marks`, without], [`${name}, marked`, withMarks]);
const results = measure(cases);
const fmt = (x: number) => x.toFixed(1).padStart(7);
for (const [name] of alone) {
  const r = results.get(name)!;
  console.log(`${name.padEnd(34)} ${fmt(r.median)} µs CPU/response (quartiles ${r.q1.toFixed(1)}–${r.q3.toFixed(1)})`);
}
console.log(`${''.padEnd(34)} ${'no marks'.padStart(9)} ${'marked'.padStart(9)} ${'added'.padStart(9)}   µs CPU/response, medians (quartiles of marked)`);
for (const [name] of pairs) {
  const a = results.get(`${name}, no marks`)!;
  const b = results.get(`${name}, marked`)!;
  console.log(`${name.padEnd(34)} ${fmt(a.median)}   ${fmt(b.median)}   ${fmt(b.median - a.median)}   (${b.q1.toFixed(1)}–${b.q3.toFixed(1)})`);
}
if (sink === 42) console.log('');
