// A marked chat stream, end to end through the chat dialect's stream transform as the gateway drives it (bytes
// in arbitrary pieces, decoded in stream mode): the text that comes out is exactly the batch watermark of the
// whole answer however the bytes are cut (inside words, escapes and multi-byte characters), one event goes out
// per event in, the other fields are untouched, and chunks whose text did not change go out as they came.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { messages as anthropicMessages } from '../../src/gateway/dialects/anthropic/messages.ts';
import { chatCompletions } from '../../src/gateway/dialects/openai/chat.ts';
import { responses as openaiResponses } from '../../src/gateway/dialects/openai/responses.ts';
import type { Endpoint, TextRewriterFactory } from '../../src/gateway/dialects/types.ts';
import { StreamWatermarker } from '../../src/provenance/stream-watermark.ts';
import { watermarkText } from '../../src/provenance/watermark.ts';
import { mulberry32 } from '../../src/provenance/validation/rng.ts';
import { SAMPLE, testKey } from '../provenance/helpers.ts';

const key = testKey('marked-stream');
const marks: TextRewriterFactory = () => {
  const marker = new StreamWatermarker(key.seed);
  return { push: (d) => marker.push(d), end: () => marker.end(), keepsCharacters: true };
};
const parsed = { model: 'm', stream: true, hideUsageChunk: false } as Parameters<NonNullable<typeof chatCompletions.createStreamTransform>>[1];

// lexicon words next to quotes, backslashes, line breaks, accents, CJK and emoji
const ANSWER = `${SAMPLE}\nShe said "it often seems big" – très souvent, 很大 😀 often; a\\path \\ large.\tThe results usually seem obvious.`;

/** The answer cut into deltas of 1–9 characters (so inside words and between surrogates too). */
function deltasOf(text: string, seed: number): string[] {
  const rng = mulberry32(seed);
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    const n = 1 + Math.floor(rng() * 9);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

function chunkEvent(choice: object, extra: object = {}): string {
  return `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', system_fingerprint: 'fp', choices: [choice], ...extra })}\n\n`;
}

/** An upstream stream: role chunk, one chunk per delta, finish chunk, usage chunk, [DONE]. Escapes as \u for accents. */
function upstreamStream(deltas: string[]): string {
  const events = [
    chunkEvent({ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }),
    // some servers escape every non-ASCII character
    ...deltas.map((d) => chunkEvent({ index: 0, delta: { content: d }, logprobs: null, finish_reason: null }).replace(/[é]/g, '\\u00e9')),
    chunkEvent({ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }),
    `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage: { prompt_tokens: 3, completion_tokens: 9, total_tokens: 12 } })}\n\n`,
    'data: [DONE]\n\n',
  ];
  return events.join('');
}

/** Feeds the stream's bytes cut at `cuts` through a marked transform, decoding as the gateway does. */
function run(stream: string, cuts: number[], factory: TextRewriterFactory | undefined = marks, endpoint: Endpoint = chatCompletions): { out: string; pieces: string[]; usage: unknown } {
  const bytes = Buffer.from(stream);
  const transform = endpoint.createStreamTransform!('full', parsed, factory);
  const decoder = new TextDecoder();
  const pieces: string[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    pieces.push(transform.push(decoder.decode(bytes.subarray(from, cut), { stream: true })));
    from = cut;
  }
  pieces.push(transform.push(decoder.decode()) + transform.end());
  return { out: pieces.join(''), pieces, usage: transform.usage };
}

function dataEvents(out: string): Record<string, any>[] {
  return out
    .split('\n\n')
    .filter((e) => e.startsWith('data: {'))
    .map((e) => JSON.parse(e.slice(6)));
}

function textOf(out: string): string {
  return dataEvents(out)
    .map((e) => e.choices[0]?.delta?.content ?? '')
    .join('');
}

describe('marked chat stream', () => {
  const batch = watermarkText(ANSWER, key.seed).text;
  const deltas = deltasOf(ANSWER, 3);
  const stream = upstreamStream(deltas);
  const byteLength = Buffer.byteLength(stream);

  test('the batch watermark comes out whatever the byte pieces, one event per event, other fields kept', () => {
    assert.notEqual(batch, ANSWER, 'the answer has words to change');
    const whole = run(stream, []);
    assert.equal(textOf(whole.out), batch);
    const events = dataEvents(whole.out);
    const upstream = dataEvents(stream);
    assert.equal(events.length, upstream.length, 'one event out per event in');
    events.forEach((e, i) => {
      const { choices: _a, ...rest } = e;
      const { choices: _b, ...restIn } = upstream[i];
      assert.deepEqual(rest, restIn);
      if (upstream[i].choices[0]) assert.equal(e.choices[0].finish_reason, upstream[i].choices[0].finish_reason);
    });
    assert.deepEqual(whole.usage, { inputTokens: 3, outputTokens: 9, reasoningTokens: null, finishReason: 'stop' });
    // every place to cut the bytes in two (inside escapes, \u sequences and multi-byte characters included)
    for (let cut = 1; cut < byteLength; cut++) assert.equal(textOf(run(stream, [cut]).out), batch, `cut at byte ${cut}`);
  });

  test('text that needs escapes only late in the stream, and a tail that needs them, are escaped', () => {
    const late = `${SAMPLE.replace(/\n/g, ' ')} and finally "often" a\\b.\nIt seems big`;
    const tailed: TextRewriterFactory = () => {
      const marker = new StreamWatermarker(key.seed);
      return { push: (d) => marker.push(d), end: () => `${marker.end()}\n"canary"`, keepsCharacters: true };
    };
    const s = upstreamStream(deltasOf(late, 4));
    for (let cut = 1; cut < Buffer.byteLength(s); cut += 7) {
      assert.equal(textOf(run(s, [cut]).out), watermarkText(late, key.seed).text, `cut at byte ${cut}`);
      assert.equal(textOf(run(s, [cut], tailed).out), `${watermarkText(late, key.seed).text}\n"canary"`, `cut at byte ${cut}`);
    }
  });

  test('random byte pieces and other delta cuts give the same text', () => {
    const rng = mulberry32(5);
    for (let trial = 0; trial < 40; trial++) {
      const s = upstreamStream(deltasOf(ANSWER, 100 + trial));
      const length = Buffer.byteLength(s);
      const cuts: number[] = [];
      for (let at = 0; ; ) {
        at += 1 + Math.floor(rng() * 40);
        if (at >= length) break;
        cuts.push(at);
      }
      assert.equal(textOf(run(s, cuts).out), batch, `trial ${trial}`);
    }
  });

  test('an answer with no word to change, in deltas that end between words, goes out exactly as it came', () => {
    const plain = upstreamStream('Nothing here is in the word list, so the marks leave it be. '.match(/\S+\s+/g)!);
    const result = run(plain, []);
    assert.equal(result.out, plain);
    const perEvent = run(plain, [...plain.matchAll(/\n\n/g)].map((m) => Buffer.byteLength(plain.slice(0, m.index! + 2))));
    perEvent.pieces.forEach((piece, i) => assert.ok(piece === '' || plain.includes(piece), `piece ${i} is the upstream's event`));
    assert.equal(perEvent.out, plain);
  });
});

const sse = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/** [event, data] of every event of a stream */
function eventsOf(out: string): [string, Record<string, any>][] {
  return out
    .split('\n\n')
    .filter((e) => e.startsWith('event: '))
    .map((e) => {
      const [head, data] = e.split('\ndata: ');
      return [head.slice(7), JSON.parse(data)];
    });
}

describe('marked Anthropic and Responses streams', () => {
  const batch = watermarkText(ANSWER, key.seed).text;
  const deltas = deltasOf(ANSWER, 8);

  test('Anthropic text deltas, cut anywhere, carry the batch watermark; one event per event', () => {
    const stream = [
      sse('message_start', { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', content: [], usage: { input_tokens: 3, output_tokens: 1 } } }),
      sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      ...deltas.map((d) => sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: d } }).replace(/é/g, '\\u00e9')),
      sse('content_block_stop', { type: 'content_block_stop', index: 0 }),
      sse('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 9 } }),
      sse('message_stop', { type: 'message_stop' }),
    ].join('');
    const textOfEvents = (out: string) =>
      eventsOf(out)
        .filter(([event]) => event === 'content_block_delta')
        .map(([, data]) => data.delta.text)
        .join('');
    const whole = run(stream, [], marks, anthropicMessages);
    assert.equal(textOfEvents(whole.out), batch);
    // the held-back tail may add one delta before the block stops
    assert.ok(eventsOf(whole.out).length - eventsOf(stream).length <= 1);
    for (let cut = 1; cut < Buffer.byteLength(stream); cut += 3) assert.equal(textOfEvents(run(stream, [cut], marks, anthropicMessages).out), batch, `cut at byte ${cut}`);
  });

  test('Responses: deltas and every event that repeats the whole text carry the batch watermark', () => {
    const message = (text: string) => ({ id: 'msg_1', type: 'message', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] });
    const stream = [
      sse('response.created', { type: 'response.created', response: { id: 'r', output: [] } }),
      ...deltas.map((d, i) => sse('response.output_text.delta', { type: 'response.output_text.delta', sequence_number: i, item_id: 'msg_1', output_index: 0, content_index: 0, delta: d })),
      sse('response.output_text.done', { type: 'response.output_text.done', item_id: 'msg_1', output_index: 0, content_index: 0, text: ANSWER }),
      sse('response.content_part.done', { type: 'response.content_part.done', item_id: 'msg_1', output_index: 0, content_index: 0, part: message(ANSWER).content[0] }),
      sse('response.output_item.done', { type: 'response.output_item.done', output_index: 0, item: message(ANSWER) }),
      sse('response.completed', { type: 'response.completed', response: { id: 'r', output: [message(ANSWER), message('It is often big.')], usage: { input_tokens: 3, output_tokens: 9 } } }),
    ].join('');
    for (const cut of [0, 5, 333, 1001]) {
      const events = eventsOf(run(stream, cut ? [cut] : [], marks, openaiResponses).out);
      const text = events.filter(([e]) => e === 'response.output_text.delta').map(([, d]) => d.delta).join('');
      assert.equal(text, batch);
      const of = (type: string) => events.find(([e]) => e === type)![1];
      assert.equal(of('response.output_text.done').text, batch);
      assert.equal(of('response.content_part.done').part.text, batch);
      assert.equal(of('response.output_item.done').item.content[0].text, batch);
      const completed = of('response.completed').response.output;
      assert.equal(completed[0].content[0].text, batch);
      // a text that did not stream is marked whole
      assert.equal(completed[1].content[0].text, watermarkText('It is often big.', key.seed).text);
    }
  });

  test('Responses: text deltas laid out as OpenAI sends them are edited in place, other layouts parsed, same text', () => {
    const layouts: ((d: string, i: number) => object)[] = [
      // OpenAI's order: flat members, then the delta (read in place: the rest of the event is kept byte for byte)
      (d, i) => ({ type: 'response.output_text.delta', sequence_number: i, item_id: 'msg_1', output_index: 0, content_index: 0, delta: d, logprobs: [] }),
      // the delta first, or after a nested member, or the part's key after it: parsed whole
      (d, i) => ({ delta: d, type: 'response.output_text.delta', sequence_number: i, item_id: 'msg_1', output_index: 0, content_index: 0 }),
      (d, i) => ({ type: 'response.output_text.delta', obfuscation: { n: i }, item_id: 'msg_1', output_index: 0, content_index: 0, delta: d }),
      (d, i) => ({ type: 'response.output_text.delta', sequence_number: i, delta: d, item_id: 'msg_1', output_index: 0, content_index: 0 }),
    ];
    const batch = watermarkText(ANSWER, key.seed).text;
    for (const [n, layout] of layouts.entries()) {
      const stream = [
        // the first layout spaced out as some servers write JSON, which a parse and re-serialisation would not keep
        ...deltasOf(ANSWER, 11).map((d, i) =>
          n === 0 ? `event: response.output_text.delta\ndata: ${JSON.stringify(layout(d, i)).replace(/,"(\w+)":/g, ', "$1": ')}\n\n` : sse('response.output_text.delta', layout(d, i)),
        ),
        sse('response.output_text.done', { type: 'response.output_text.done', item_id: 'msg_1', output_index: 0, content_index: 0, text: ANSWER }),
      ].join('');
      const out = run(stream, [], marks, openaiResponses).out;
      const events = eventsOf(out);
      assert.equal(events.filter(([e]) => e === 'response.output_text.delta').map(([, d]) => d.delta).join(''), batch, `layout ${n}`);
      assert.equal(events.find(([e]) => e === 'response.output_text.done')![1].text, batch, `layout ${n}`);
      if (n === 0) {
        // in place: apart from the text, each delta event is the upstream's, member for member
        const firstIn = stream.slice(0, stream.indexOf('\n\n'));
        const firstOut = out.slice(0, out.indexOf('\n\n'));
        const strip = (e: string) => e.replace(/"delta": "(?:[^"\\]|\\.)*"/, '"delta": …');
        assert.ok(firstIn.includes(', "item_id": "msg_1"'));
        assert.equal(strip(firstOut), strip(firstIn));
      }
    }
  });
});
