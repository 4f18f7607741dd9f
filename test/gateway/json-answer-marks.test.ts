// Marking a chat completion's JSON answer in place (chat.ts rewriteJsonText): the result is the answer
// parsed, its text rewritten and serialised again, whatever escapes the text holds; an answer whose text
// comes out unchanged is the same string (so the gateway sends the upstream's bytes); the gateway's marks
// (marked in one call where the text stands) come out as when the same text is streamed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chatCompletions } from '../../src/gateway/dialects/openai/chat.ts';
import type { TextRewriterFactory } from '../../src/gateway/dialects/types.ts';
import { markingFactory } from '../../src/gateway/provenance-marks.ts';
import { mulberry32 } from '../../src/provenance/validation/rng.ts';
import { SAMPLE, testKey } from '../provenance/helpers.ts';

const upper: TextRewriterFactory = () => ({ push: (d) => d.replace(/often/g, 'frequently'), end: () => '', keepsCharacters: true });
const withCanary: TextRewriterFactory = () => ({ push: (d) => d, end: () => '\n\nP.S. "quoted" \\ canary', keepsCharacters: false });
const identity: TextRewriterFactory = () => ({ push: (d) => d, end: () => '', keepsCharacters: true });

function answer(content: string): string {
  return JSON.stringify({ id: 'c1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 } });
}

function viaParse(json: string, factory: TextRewriterFactory): unknown {
  const obj = JSON.parse(json) as { choices: { message: { content: string } }[] };
  for (const c of obj.choices) {
    const r = factory();
    c.message.content = r.push(c.message.content) + r.end();
  }
  return obj;
}

describe('chat JSON answer marks', () => {
  const rewrite = chatCompletions.rewriteJsonText!;
  for (const [name, content] of [
    ['plain text', 'It often works and often fails.'],
    ['text with escapes', 'Line one often\nline "two" often\\ and \u00e9t\u00e9 \u2028 end'],
  ] as const) {
    it(`${name}: same answer as parsing, rewriting and serialising it`, () => {
      const json = answer(content);
      for (const factory of [upper, withCanary]) {
        const out = rewrite(json, 'full', factory);
        assert.ok(out);
        assert.deepEqual(JSON.parse(out.json), viaParse(json, factory));
        assert.equal(out.usage.outputTokens, 5);
        assert.equal(out.usage.finishReason, 'stop');
      }
    });
  }

  it('an answer whose text comes out unchanged is returned as the same string', () => {
    const json = answer('Nothing to change here.');
    assert.equal(rewrite(json, 'full', identity)?.json, json);
    assert.equal(rewrite(json, 'full', upper)?.json, json);
  });

  describe("the gateway's marks: a JSON answer's text comes out as the same text streamed", () => {
    const seed = testKey('json-answer-marks').seed;
    /** What a fresh rewriter makes of `text` fed in deltas of 1–12 characters. */
    function streamed(factory: TextRewriterFactory, text: string, rngSeed: number): string {
      const rng = mulberry32(rngSeed);
      const r = factory();
      let out = '';
      for (let i = 0; i < text.length; ) {
        const n = 1 + Math.floor(rng() * 12);
        out += r.push(text.slice(i, i + n));
        i += n;
      }
      return out + r.end();
    }
    for (const [name, content] of [
      ['plain text', SAMPLE.replace(/\n/g, ' ')],
      ['text with escapes', SAMPLE],
      ['text with quotes and accents', `${SAMPLE} "often" usually très souvent \\ large 😀 big`],
      ['text without lexicon words', 'Nothing here is in the word list at all.'],
    ] as const) {
      it(name, () => {
        const json = answer(content);
        for (const factory of [markingFactory(seed, ''), markingFactory(seed, '\n\nP.S. "canary" \\ end'), markingFactory(null, ' canary')]) {
          const out = rewrite(json, 'full', factory);
          assert.ok(out);
          const text = (JSON.parse(out.json) as { choices: { message: { content: string } }[] }).choices[0].message.content;
          for (let k = 1; k <= 5; k++) assert.equal(text, streamed(factory, content, k));
          assert.equal(out.json === json, text === content, 'an unchanged text keeps the upstream string');
        }
      });
    }
  });
});
