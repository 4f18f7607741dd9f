// The usage readers of Anthropic /v1/messages and OpenAI /v1/responses streams forwarded unchanged: they read
// the bytes as latin1 and parse only the events that may carry usage (and, for Anthropic, thinking deltas), so
// they must read what the transform (which decodes and splits every event) reads however the bytes are cut,
// with CRLF line endings too, and must not take names and keys inside texts for real ones.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { messages } from '../../src/gateway/dialects/anthropic/messages.ts';
import { responses } from '../../src/gateway/dialects/openai/responses.ts';
import type { Endpoint, ParsedRequest, UsageRecord } from '../../src/gateway/dialects/types.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { startSseUpstream } from '../helpers/upstreams.ts';

const REQUEST = {} as ParsedRequest;

function sse(type: string, body: object): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...body })}\n\n`;
}

/** Texts that hold what the readers search for, in every form a JSON string can give it. */
const DECOYS = [
  'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"refusal"},"usage":{"output_tokens":999}}\n\n',
  'message_start and "thinking_delta" ',
  '"response":{"status":"failed","usage":{"input_tokens":999}} response.completed ',
  'Grüße aus 東京 😀 ',
];

const THINKING = ['Let me think ', 'über 東京 😀 ', 'message_delta "usage":{ '];
/** Anthropic does not count thinking tokens apart: the gateway estimates them from the text (≈ 4 characters a token). */
const THINKING_TOKENS = Math.ceil(THINKING.join('').length / 4);

function anthropicStream(): string {
  const message = { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 25, output_tokens: 1 } };
  return [
    sse('message_start', { message }),
    sse('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } }),
    ...THINKING.map((thinking) => sse('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking } })),
    sse('content_block_stop', { index: 0 }),
    sse('content_block_start', { index: 1, content_block: { type: 'text', text: '' } }),
    ...DECOYS.map((text) => sse('content_block_delta', { index: 1, delta: { type: 'text_delta', text } })),
    // a text that is exactly a searched-for string
    sse('content_block_delta', { index: 1, delta: { type: 'text_delta', text: 'thinking_delta' } }),
    sse('content_block_stop', { index: 1 }),
    'event: ping\ndata: {"type": "ping"}\n\n',
    sse('message_delta', { delta: { stop_reason: 'max_tokens', stop_sequence: null }, usage: { output_tokens: 40 } }),
    sse('message_stop', {}),
  ].join('');
}

function responsesStream(final: 'response.completed' | 'response.incomplete'): string {
  const base = { id: 'resp_1', object: 'response', created_at: 1, model: 'm' };
  const item = { id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: DECOYS.join(''), annotations: [] }] };
  const call = { id: 'fc_1', type: 'function_call', name: 'lookup', arguments: '{"q":"response"}', call_id: 'call_1' };
  const done =
    final === 'response.completed'
      ? { ...base, status: 'completed', output: [item, call], usage: { input_tokens: 31, output_tokens: 52, output_tokens_details: { reasoning_tokens: 12 } } }
      : { ...base, status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [item], usage: { input_tokens: 31, output_tokens: 52, output_tokens_details: { reasoning_tokens: 0 } } };
  return [
    sse('response.created', { sequence_number: 0, response: { ...base, status: 'in_progress', output: [], usage: null } }),
    sse('response.in_progress', { sequence_number: 1, response: { ...base, status: 'in_progress', output: [], usage: null } }),
    sse('response.output_item.added', { sequence_number: 2, output_index: 0, item: { ...item, status: 'in_progress', content: [] } }),
    ...DECOYS.map((delta, i) => sse('response.output_text.delta', { sequence_number: 3 + i, item_id: 'msg_1', output_index: 0, content_index: 0, delta, logprobs: [] })),
    sse('response.output_item.done', { sequence_number: 9, output_index: 0, item }),
    sse(final, { sequence_number: 10, response: done }),
  ].join('');
}

/** Feeds `bytes` cut at `cuts` to the endpoint's reader; returns what it read, checking every byte goes out as it came. */
function readUsage(endpoint: Endpoint, bytes: Buffer, cuts: number[]): UsageRecord {
  const reader = endpoint.createStreamUsageReader!(REQUEST);
  const sent: Buffer[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    const out = reader.push(bytes.subarray(at, cut));
    sent.push(typeof out === 'string' ? Buffer.from(out, 'latin1') : out);
    at = cut;
  }
  sent.push(Buffer.from(reader.end(), 'latin1'));
  assert.ok(Buffer.concat(sent).equals(bytes), 'every byte goes out as it came');
  return { ...reader.usage };
}

function transformUsage(endpoint: Endpoint, text: string): UsageRecord {
  const transform = endpoint.createStreamTransform!('full', REQUEST, undefined);
  assert.equal(transform.push(text) + transform.end(), text);
  return { ...transform.usage };
}

/** The reader reads what the transform reads, cut at every byte, in small reads, in one read, and with CRLF. */
function assertReadsAsTransform(endpoint: Endpoint, text: string, expected: UsageRecord): void {
  for (const form of [text, text.replaceAll('\n', '\r\n')]) {
    assert.deepEqual(transformUsage(endpoint, form), expected);
    const bytes = Buffer.from(form);
    assert.deepEqual(readUsage(endpoint, bytes, []), expected, 'one read');
    for (let cut = 1; cut < bytes.length; cut++) assert.deepEqual(readUsage(endpoint, bytes, [cut]), expected, `cut at ${cut}`);
    for (const size of [1, 2, 5, 64]) {
      const cuts = Array.from({ length: Math.floor((bytes.length - 1) / size) }, (_, i) => (i + 1) * size);
      assert.deepEqual(readUsage(endpoint, bytes, cuts), expected, `reads of ${size} bytes`);
    }
  }
}

describe('Anthropic messages stream usage reader', () => {
  test('reads input, output and thinking tokens and the stop reason as the transform does, however the reads cut the bytes', () => {
    assertReadsAsTransform(messages, anthropicStream(), { inputTokens: 25, outputTokens: 40 - THINKING_TOKENS, reasoningTokens: THINKING_TOKENS, finishReason: 'length' });
  });

  test('reads every one of identical events that come in reads of their own', () => {
    const delta = sse('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'same text' } });
    const bytes = Buffer.from(delta.repeat(3));
    const expected = { inputTokens: null, outputTokens: null, reasoningTokens: Math.ceil(27 / 4), finishReason: null };
    assert.deepEqual(transformUsage(messages, delta.repeat(3)), expected);
    assert.deepEqual(readUsage(messages, bytes, [delta.length, 2 * delta.length]), expected);
  });

  test('a stream cut short keeps what it said so far', () => {
    const text = anthropicStream();
    const cut = text.slice(0, text.indexOf('event: message_delta'));
    assertReadsAsTransform(messages, cut, { inputTokens: 25, outputTokens: 0, reasoningTokens: THINKING_TOKENS, finishReason: null });
  });
});

describe('OpenAI responses stream usage reader', () => {
  test('reads usage and finish reason from the terminal event as the transform does, however the reads cut the bytes', () => {
    assertReadsAsTransform(responses, responsesStream('response.completed'), { inputTokens: 31, outputTokens: 40, reasoningTokens: 12, finishReason: 'tool_calls' });
    assertReadsAsTransform(responses, responsesStream('response.incomplete'), { inputTokens: 31, outputTokens: 52, reasoningTokens: 0, finishReason: 'length' });
  });

  test('a stream without its terminal event leaves usage unknown', () => {
    const text = responsesStream('response.completed');
    assertReadsAsTransform(responses, text.slice(0, text.indexOf('event: response.completed')), { inputTokens: null, outputTokens: null, reasoningTokens: null, finishReason: null });
  });
});

describe('gateway relaying Anthropic and Responses streams unchanged', () => {
  for (const [name, path, stream, headers, body, expected] of [
    ['messages', '/v1/messages', anthropicStream(), (key: string) => ({ 'x-api-key': key, 'anthropic-version': '2023-06-01' }), { max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }, [25, 40 - THINKING_TOKENS, THINKING_TOKENS, 'length']],
    ['responses', '/v1/responses', responsesStream('response.completed'), (key: string) => ({ authorization: `Bearer ${key}` }), { input: 'hi' }, [31, 40, 12, 'tool_calls']],
  ] as const) {
    test(`${name}: sends the upstream's bytes and records usage, the stream cut inside events and characters`, async () => {
      const bytes = Buffer.from(stream);
      const pieces = [bytes.subarray(0, 97), bytes.subarray(97, 301), bytes.subarray(301, bytes.length - 40), bytes.subarray(bytes.length - 40)];
      const up = await startSseUpstream(pieces);
      const t = await startTestGateway({ upstream: up.url });
      try {
        const answer = await fetch(`${t.gw.url}${path}`, {
          method: 'POST',
          headers: { ...headers(t.keyFor('acct_sud', 'org')), 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'm', stream: true, ...body }),
        }).then(async (r) => Buffer.from(await r.arrayBuffer()));
        assert.ok(answer.equals(bytes));
        const [ev] = await t.stopAndReadEvents();
        assert.deepEqual([ev.response.status, ev.response.input_tokens, ev.response.output_tokens, ev.response.reasoning_tokens, ev.response.finish_reason], [200, ...expected]);
      } finally {
        await up.close();
      }
    });
  }
});
