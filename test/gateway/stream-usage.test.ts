// The usage reader of streams forwarded unchanged: it reads the bytes as latin1 and parses only the events that
// may hold usage or a finish reason, so it must agree with the transform (which decodes and splits every
// event) however the bytes are cut into reads, and must not take keys inside strings for real ones.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chatCompletions } from '../../src/gateway/dialects/openai/chat.ts';
import type { ParsedRequest, UsageRecord } from '../../src/gateway/dialects/types.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { startSseUpstream } from '../helpers/upstreams.ts';

const USAGE = { prompt_tokens: 58, completion_tokens: 152, total_tokens: 210, completion_tokens_details: { reasoning_tokens: 12 } };
const READ_USAGE: UsageRecord = { inputTokens: 58, outputTokens: 140, reasoningTokens: 12, finishReason: 'stop' };

function event(choices: unknown[], usage: unknown = null): string {
  return `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices, usage })}\n\n`;
}

/** A stream as OpenAI sends it with include_usage: role, text deltas (some with non-ASCII text), finish, usage. */
function openAiStream(texts: string[]): string {
  return [
    event([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
    ...texts.map((t) => event([{ index: 0, delta: { content: t }, finish_reason: null }])),
    event([{ index: 0, delta: {}, finish_reason: 'stop' }]),
    event([], USAGE),
    'data: [DONE]\n\n',
  ].join('');
}

/** Feeds `bytes` cut at `cuts` to a reader; returns what it read and the bytes it said to send. */
function relay(bytes: Buffer, cuts: number[], hideUsageChunk = false): { usage: UsageRecord; sent: Buffer } {
  const reader = chatCompletions.createStreamUsageReader!({ hideUsageChunk } as ParsedRequest);
  const sent: Buffer[] = [];
  const send = (out: Buffer | string) => sent.push(typeof out === 'string' ? Buffer.from(out, 'latin1') : out);
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    send(reader.push(bytes.subarray(at, cut)));
    at = cut;
  }
  send(reader.end());
  return { usage: { ...reader.usage }, sent: Buffer.concat(sent) };
}

function readUsage(bytes: Buffer, cuts: number[]): UsageRecord {
  const { usage, sent } = relay(bytes, cuts);
  assert.ok(sent.equals(bytes), 'every byte goes out as it came');
  return usage;
}

/** What the transform reads from the stream, and the text it sends. */
function transformed(text: string, hideUsageChunk = false): { usage: UsageRecord; sent: string } {
  const transform = chatCompletions.createStreamTransform!('full', { hideUsageChunk } as ParsedRequest, undefined);
  const sent = transform.push(text) + transform.end();
  return { usage: { ...transform.usage }, sent };
}

function transformUsage(text: string): UsageRecord {
  return transformed(text).usage;
}

describe('stream usage reader (streams forwarded unchanged)', () => {
  test('reads usage and finish reason wherever the reads cut the bytes, a character included', () => {
    const bytes = Buffer.from(openAiStream(['Grüße ', 'aus ', '東京 ', '😀.']));
    assert.deepEqual(transformUsage(bytes.toString('utf8')), READ_USAGE);
    for (let cut = 1; cut < bytes.length; cut++) assert.deepEqual(readUsage(bytes, [cut]), READ_USAGE, `cut at ${cut}`);
    // and cut into many small reads
    for (const size of [1, 2, 3, 7, 64]) {
      const cuts = Array.from({ length: Math.floor((bytes.length - 1) / size) }, (_, i) => (i + 1) * size);
      assert.deepEqual(readUsage(bytes, cuts), READ_USAGE, `reads of ${size} bytes`);
    }
  });

  test('reads usage from one read that holds the whole stream', () => {
    assert.deepEqual(readUsage(Buffer.from(openAiStream(['one ', 'two'])), []), READ_USAGE);
  });

  test('reads usage and finish reason from one event holding both, and from one without its blank line', () => {
    const both = event([{ index: 0, delta: {}, finish_reason: 'length' }], USAGE);
    assert.deepEqual(readUsage(Buffer.from(both), []), { ...READ_USAGE, finishReason: 'length' });
    assert.deepEqual(readUsage(Buffer.from(both.trimEnd()), [10]), { ...READ_USAGE, finishReason: 'length' });
  });

  test('reads events with CRLF line endings and spaces around the colons', () => {
    const text = openAiStream(['a ', 'b'])
      .replaceAll('"usage":{', '"usage" : {')
      .replaceAll('"finish_reason":"', '"finish_reason"\t: "')
      .replaceAll('\n\n', '\r\n\r\n');
    const bytes = Buffer.from(text);
    assert.deepEqual(transformUsage(text), READ_USAGE);
    for (let cut = 1; cut < bytes.length; cut++) assert.deepEqual(readUsage(bytes, [cut]), READ_USAGE, `cut at ${cut}`);
  });

  test('keys inside strings are not taken for usage or finish reason', () => {
    const decoys = ['"usage":{"prompt_tokens":999}', '"finish_reason":"evil"', '\\"usage\\":{', 'x","finish_reason":"tool_calls'];
    const texts = decoys.map((d) => `quoting ${d} `);
    const stream = [
      event([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
      ...texts.map((t) => event([{ index: 0, delta: { content: t }, finish_reason: null }])),
      // a key that is a string value's text, and a nested usage object, are not the chunk's usage either
      event([{ index: 0, delta: { content: 'usage' }, finish_reason: null, meta: { usage: { prompt_tokens: 7 } } }]),
      // a key that ends in an escaped quote and `usage` looks like the key to the search, and is parsed and passed over
      `data: ${JSON.stringify({ choices: [], 'a"usage': { prompt_tokens: 5 }, 'b"finish_reason': 'odd' })}\n\n`,
      event([{ index: 0, delta: {}, finish_reason: 'stop' }]),
      event([], USAGE),
    ].join('');
    const bytes = Buffer.from(stream);
    assert.deepEqual(transformUsage(stream), READ_USAGE);
    assert.deepEqual(readUsage(bytes, []), READ_USAGE);
    for (let cut = 1; cut < bytes.length; cut += 3) assert.deepEqual(readUsage(bytes, [cut]), READ_USAGE, `cut at ${cut}`);
  });

  test('the first finish reason is kept, the last usage wins, and a malformed event is passed over', () => {
    const stream = [
      'data: {"choices":[{"index":0,"finish_reason":"length"\n\n',
      event([{ index: 1, delta: {}, finish_reason: 'stop' }], { prompt_tokens: 1, completion_tokens: 1 }),
      event([{ index: 0, delta: {}, finish_reason: 'length' }]),
      'event: note\ndata: null\n\n',
      event([], USAGE),
    ].join('');
    assert.deepEqual(readUsage(Buffer.from(stream), []), READ_USAGE);
    assert.deepEqual(transformUsage(stream), READ_USAGE);
  });

  test('a stream without usage or finish reason leaves them unknown', () => {
    const stream = event([{ index: 0, delta: { content: 'cut short' }, finish_reason: null }]);
    assert.deepEqual(readUsage(Buffer.from(stream), [5]), { inputTokens: null, outputTokens: null, reasoningTokens: null, finishReason: null });
  });

  test('the usage chunk the caller did not ask for is left out, as the transform does, however the reads cut it', () => {
    const text = openAiStream(['Grüße ', '東京']);
    const bytes = Buffer.from(text);
    const expected = transformed(text, true);
    assert.equal(expected.sent, text.replace(event([], USAGE), ''));
    assert.deepEqual(expected.usage, READ_USAGE);
    for (let cut = 0; cut < bytes.length; cut++) {
      const { usage, sent } = relay(bytes, cut === 0 ? [] : [cut], true);
      assert.deepEqual(usage, READ_USAGE, `cut at ${cut}`);
      assert.equal(sent.toString('utf8'), expected.sent, `cut at ${cut}`);
    }
    // a usage chunk that also carries a choice stays, and an unfinished last event goes out at the end
    const withChoice = event([{ index: 0, delta: {}, finish_reason: 'stop' }], USAGE);
    assert.equal(relay(Buffer.from(withChoice + 'data: [DONE]'), [9], true).sent.toString(), withChoice + 'data: [DONE]');
    assert.equal(relay(Buffer.from(event([], USAGE).trimEnd()), [], true).sent.length, 0);
  });
});

describe('gateway relaying a stream unchanged', () => {
  for (const [name, cut] of [
    ['in one write', (b: Buffer) => [b]],
    ['cut inside events and characters', (b: Buffer) => [b.subarray(0, 97), b.subarray(97, 301), b.subarray(301, b.length - 40), b.subarray(b.length - 40)]],
  ] as const) {
    test(`sends the upstream's bytes and records usage and finish reason, the stream ${name}`, async () => {
      const stream = Buffer.from(openAiStream(['Grüße ', 'aus ', '東京.']));
      const up = await startSseUpstream(cut(stream));
      const t = await startTestGateway({ upstream: up.url });
      try {
        const call = (includeUsage: boolean) =>
          fetch(`${t.gw.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${t.keyFor('acct_su', 'org')}`, 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'm', stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}), messages: [{ role: 'user', content: 'hi' }] }),
          }).then(async (r) => Buffer.from(await r.arrayBuffer()));
        assert.ok((await call(true)).equals(stream));
        // a caller that did not ask for usage does not get the usage chunk the gateway asked for
        assert.equal((await call(false)).toString('utf8'), stream.toString('utf8').replace(event([], USAGE), ''));
        const events = await t.stopAndReadEvents();
        assert.equal(events.length, 2);
        for (const ev of events) {
          assert.deepEqual([ev.response.status, ev.response.input_tokens, ev.response.output_tokens, ev.response.reasoning_tokens, ev.response.finish_reason], [200, 58, 140, 12, 'stop']);
        }
      } finally {
        await up.close();
      }
    });
  }
});
