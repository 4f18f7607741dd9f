// The chat chunk reader behind marked streams, checked against JSON.parse: random chunks (fields in any
// order, extra members, nested metadata, escapes, several choices, usage before or after the choices), read
// one after another so that the frame kept from one chunk is tried on the next, and chunks that differ from
// the previous one only in their text, which the frame must recognise.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChatChunkReader } from '../../src/gateway/dialects/openai/chat-chunk.ts';
import { decodeJsonString } from '../../src/gateway/json-string.ts';
import { mulberry32 } from '../../src/provenance/validation/rng.ts';

type Json = Record<string, unknown>;

const TEXTS = ['', 'plain words ', ' often', 'say "hi"', 'back\\slash', 'a\\', 'line\nbreak', 'é ü 中文', '😀', '"}],"usage":{"x":1}', '\\"content\\":\\"'];

function shuffled<T>(rng: () => number, items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function pick<T>(rng: () => number, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

function object(rng: () => number, members: [string, unknown][]): Json {
  return Object.fromEntries(shuffled(rng, members));
}

function randomChoice(rng: () => number, index: number): Json {
  const delta: [string, unknown][] = [];
  if (rng() < 0.3) delta.push(['role', 'assistant']);
  if (rng() < 0.8) delta.push(['content', rng() < 0.1 ? null : pick(rng, TEXTS)]);
  if (rng() < 0.1) delta.push(['tool_calls', [{ index: 0, function: { arguments: '{"a":"b"}' } }]]);
  const members: [string, unknown][] = [['index', rng() < 0.1 ? String(index) : index]];
  if (rng() < 0.9) members.push(['delta', rng() < 0.05 ? 'not an object' : object(rng, delta)]);
  if (rng() < 0.5) members.push(['logprobs', rng() < 0.5 ? null : { content: [{ token: 'x', logprob: -0.5, bytes: [120] }] }]);
  if (rng() < 0.9) members.push(['finish_reason', rng() < 0.7 ? null : pick(rng, ['stop', 'length'])]);
  return object(rng, members);
}

function randomChunk(rng: () => number): Json {
  const members: [string, unknown][] = [
    ['id', 'chatcmpl-1'],
    ['object', 'chat.completion.chunk'],
    ['created', 1],
    ['model', 'm "quoted"'],
  ];
  if (rng() < 0.1) members.push(['meta', { nested: [1, 2] }]);
  const count = pick(rng, [0, 1, 1, 1, 1, 2, 3]);
  members.push(['choices', Array.from({ length: count }, (_, i) => randomChoice(rng, i))]);
  if (rng() < 0.5) members.push(['usage', rng() < 0.5 ? null : { prompt_tokens: 3, completion_tokens: 5, completion_tokens_details: { reasoning_tokens: 0 } }]);
  // the usual order (metadata, then choices, then usage) most of the time
  return rng() < 0.7 ? Object.fromEntries(members) : object(rng, members);
}

function serialise(rng: () => number, chunk: Json): string {
  return rng() < 0.8 ? JSON.stringify(chunk) : JSON.stringify(chunk, null, pick(rng, [1, 2]));
}

/** Checks what the reader found in `text` against JSON.parse. */
function assertReadsLikeJsonParse(reader: ChatChunkReader, text: string): void {
  assert.ok(reader.read(text), text);
  const parsed = JSON.parse(text) as Json;
  const choices = Array.isArray(parsed.choices) ? (parsed.choices as Json[]) : [];
  assert.equal(reader.choiceCount, choices.length, text);
  choices.forEach((choice, k) => {
    const spans = reader.choices[k];
    assert.equal(spans.index, typeof choice.index === 'number' ? choice.index : 0, text);
    const delta = choice.delta;
    const isObject = typeof delta === 'object' && delta !== null && !Array.isArray(delta);
    assert.equal(spans.deltaStart >= 0, isObject, text);
    if (isObject) {
      assert.equal(spans.deltaEmpty, Object.keys(delta).length === 0, text);
      const content = (delta as Json).content;
      if (typeof content === 'string') assert.equal(decodeJsonString(text, spans.contentStart, spans.contentEnd, spans.contentPlain), content, text);
      else assert.equal(spans.contentStart, -1, text);
    }
    if ('finish_reason' in choice) assert.deepEqual(JSON.parse(text.slice(spans.finishStart, spans.finishEnd)), choice.finish_reason, text);
    else assert.equal(spans.finishStart, -1, text);
  });
  const usage = parsed.usage;
  if (usage && typeof usage === 'object') assert.deepEqual(JSON.parse(text.slice(reader.usageStart, reader.usageEnd)), usage, text);
  else assert.equal(reader.usageStart, -1, text);
}

describe('chat chunk reader', () => {
  test('finds what JSON.parse finds in random chunks read one after another', () => {
    const rng = mulberry32(7);
    const reader = new ChatChunkReader();
    for (let n = 0; n < 3000; n++) assertReadsLikeJsonParse(reader, serialise(rng, randomChunk(rng)));
  });

  test('chunks that differ only in their text are read through the frame, with any text in it', () => {
    const rng = mulberry32(11);
    for (let stream = 0; stream < 200; stream++) {
      const reader = new ChatChunkReader();
      const template = randomChunk(rng);
      const spaced = rng() < 0.2;
      for (let n = 0; n < 12; n++) {
        const chunk = structuredClone(template);
        for (const choice of chunk.choices as Json[]) {
          const delta = choice.delta as Json | undefined;
          if (delta && typeof delta === 'object' && typeof delta.content === 'string') delta.content = pick(rng, TEXTS) + pick(rng, TEXTS);
        }
        assertReadsLikeJsonParse(reader, spaced ? JSON.stringify(chunk, null, 1) : JSON.stringify(chunk));
      }
    }
  });

  test('a frame is not taken for a chunk whose text is followed by something else', () => {
    const reader = new ChatChunkReader();
    const chunk = (content: string, finish: string | null) => JSON.stringify({ id: 'c', choices: [{ index: 0, delta: { content }, finish_reason: finish }], usage: null });
    assertReadsLikeJsonParse(reader, chunk('first ', null));
    assertReadsLikeJsonParse(reader, chunk('second ', 'stop'));
    assertReadsLikeJsonParse(reader, chunk('third', null));
    // the text's literal closes early: what follows is not the frame's tail
    assertReadsLikeJsonParse(reader, '{"id":"c","choices":[{"index":0,"delta":{"content":"x"},"logprobs":{"a":"\\"},\\"finish_reason\\":null}],\\"usage\\":null}"},"finish_reason":null}],"usage":null}');
  });

  test('unusual or malformed chunks are left to the general path', () => {
    const reader = new ChatChunkReader();
    for (const text of [
      '{"id":"c","choices":[{"index":0,"delta":{"\\u0063ontent":"x"}}]}',
      '{"choices":[{"index":0,"delta":{"content":"x"}]}',
      '{"choices":[{"index":0,"delta":{"content":"x}}]}',
      '{"choices":[{"index":01x,"delta":{}}]}',
      '{"choices":[]} trailing',
      '["choices"]',
      '',
    ]) {
      assert.equal(reader.read(text), false, text);
    }
  });
});
