// The JSON skimmer finds values and their spans as JSON.parse would see them, and refuses broken JSON;
// the chat endpoint's fast path reads the same usage and marks the same text as the parse-and-rewrite path.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chatCompletions } from '../../src/gateway/dialects/openai/chat.ts';
import { rewriteWhole, type TextRewriterFactory } from '../../src/gateway/dialects/types.ts';
import { rootMember, skimJson } from '../../src/gateway/json-skim.ts';

function values(text: string): { ok: boolean; found: Map<string, unknown> } {
  const found = new Map<string, unknown>();
  const ok = skimJson(text, (path, start, end) => found.set(path.join('.'), JSON.parse(text.slice(start, end))));
  return { ok, found };
}

describe('skimJson', () => {
  test('reports every value with its path and a span that parses to it', () => {
    const doc = { a: 1, b: [true, null, { c: 'x"y\\', 'k"ey': [] }], d: {}, e: -1.5e3, f: 'é ü \u2028' };
    for (const text of [JSON.stringify(doc), JSON.stringify(doc, null, 2)]) {
      const { ok, found } = values(text);
      assert.equal(ok, true);
      assert.deepEqual(found.get(''), doc);
      assert.equal(found.get('a'), 1);
      assert.equal(found.get('b.1'), null);
      assert.equal(found.get('b.2.c'), 'x"y\\');
      assert.deepEqual(found.get('b.2.k"ey'), []);
      assert.deepEqual(found.get('d'), {});
      assert.equal(found.get('e'), -1500);
      assert.equal(found.get('f'), 'é ü \u2028');
    }
  });

  test('refuses text that is not one well-formed JSON value', () => {
    for (const bad of ['', '{"a":1', '{"a" 1}', '{"a":1,}', '[1 2]', '{"a":"x}', '{"a":1}}', '{"a":1} x', '{1:2}']) {
      assert.equal(skimJson(bad, () => {}), false, bad);
    }
  });
});

describe('chat completions: JSON answers read without parsing them whole', () => {
  const answer = {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    choices: [
      { index: 0, message: { role: 'assistant', content: 'First "answer" text.\nWith a line.', refusal: null }, logprobs: null, finish_reason: 'length' },
      { index: 1, message: { role: 'assistant', content: 'Second answer.' }, finish_reason: 'stop' },
    ],
    usage: { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42, completion_tokens_details: { reasoning_tokens: 4 } },
  };
  const upper: TextRewriterFactory = () => {
    let held = '';
    return { push: (d) => ((held += d), ''), end: () => held.toUpperCase() };
  };

  test('usage and finish reason match the parsing path, and an unmarked answer is the same string', () => {
    const text = JSON.stringify(answer);
    const fast = chatCompletions.rewriteJsonText!(text, 'full');
    assert.ok(fast);
    assert.equal(fast.json, text);
    assert.deepEqual(fast.usage, chatCompletions.transformJson!(structuredClone(answer), 'full'));
    assert.deepEqual(fast.usage, { inputTokens: 12, outputTokens: 26, reasoningTokens: 4, finishReason: 'length' });
  });

  test('marks each choice the way the parsing path does, leaving the other bytes as they were', () => {
    const text = JSON.stringify(answer, null, 1);
    const fast = chatCompletions.rewriteJsonText!(text, 'full', upper);
    assert.ok(fast);
    const slow = structuredClone(answer);
    chatCompletions.transformJson!(slow, 'full', upper);
    assert.deepEqual(JSON.parse(fast.json), slow);
    assert.equal(JSON.parse(fast.json).choices[0].message.content, rewriteWhole(answer.choices[0].message.content, upper));
    // only the content strings changed: the indentation of the upstream's text is still there
    assert.match(fast.json, /\n {3}"index": 0/);
  });

  test('leaves reasoning visibility and broken answers to the parsing path', () => {
    assert.equal(chatCompletions.rewriteJsonText!(JSON.stringify(answer), 'summary'), null);
    assert.equal(chatCompletions.rewriteJsonText!('{"choices":[', 'full'), null);
  });
});

describe('chat completions: streamed chunks marked in place', () => {
  const base = { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', system_fingerprint: 'fp' };
  const event = (choices: unknown[], usage: unknown = null) => `data: ${JSON.stringify({ ...base, choices, usage })}\n\n`;
  const words = ['Rapid', 'ly the "quick" ', 'answer\nis ', 'here', ' and ', 'there'];
  const stream = [
    event([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
    ...words.map((w) => event([{ index: 0, delta: { content: w }, finish_reason: null }])),
    event([{ index: 0, delta: {}, finish_reason: 'stop' }]),
    event([], { prompt_tokens: 3, completion_tokens: 7, total_tokens: 10 }),
    'data: [DONE]\n\n',
  ];
  // holds every word back until the end, so the whole answer arrives in the finishing chunk's new content field
  const holdAll: TextRewriterFactory = () => {
    let held = '';
    return { push: (d) => ((held += d), ''), end: () => held.toUpperCase() };
  };
  const parsed = { model: 'm', stream: true, hideUsageChunk: false } as Parameters<NonNullable<typeof chatCompletions.createStreamTransform>>[1];

  test('the answer text is marked as a whole, the chunks keep their other fields, usage is read', () => {
    for (const cut of [1, 7, 1000]) {
      const t = chatCompletions.createStreamTransform!('full', parsed, holdAll);
      const all = stream.join('');
      let out = '';
      for (let i = 0; i < all.length; i += cut) out += t.push(all.slice(i, i + cut));
      out += t.end();
      const events = out.split('\n\n').filter((e) => e.startsWith('data: {')).map((e) => JSON.parse(e.slice(6)));
      const text = events.map((e) => e.choices[0]?.delta?.content ?? '').join('');
      assert.equal(text, words.join('').toUpperCase());
      assert.equal(events.length, stream.length - 1);
      for (const e of events) assert.equal(e.system_fingerprint, 'fp');
      assert.equal(events[events.length - 2].choices[0].finish_reason, 'stop');
      assert.deepEqual(t.usage, { inputTokens: 3, outputTokens: 7, reasoningTokens: null, finishReason: 'stop' });
    }
  });

  test('rootMember skips flat metadata only', () => {
    assert.deepEqual(rootMember('{"id":"x","choices":[]}', 'choices'), { rootStart: 0, keyStart: 10 });
    assert.equal(rootMember('{"meta":{"choices":1},"choices":[]}', 'choices'), null);
    assert.equal(rootMember('{"id":"a\\"choices\\":[","choices":[]}', 'choices'), null);
    assert.equal(rootMember('["choices"]', 'choices'), null);
  });
});
