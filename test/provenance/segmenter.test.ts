import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenSegmenter, MAX_HELD_CHARS, type TokenSink } from '../../src/provenance/segmenter.ts';
import { mulberry32 } from '../../src/provenance/validation/rng.ts';
import { WatermarkSink } from '../../src/provenance/watermark.ts';
import { SAMPLE, testKey } from './helpers.ts';

const key = testKey('segmenter');

/** The watermark fed token by token: the sink without its `tokens` shortcut, as the segmenter began. */
function tokenByToken(chunks: string[]): { text: string; stats: unknown } {
  const sink = new WatermarkSink(key.seed, { maxChangeRate: 0.3 });
  const plain: TokenSink = { token: (t, s, e, f) => sink.token(t, s, e, f), newline: () => sink.newline() };
  return run(new TokenSegmenter(plain), chunks, sink);
}

function withRuns(chunks: string[]): { text: string; stats: unknown } {
  const sink = new WatermarkSink(key.seed, { maxChangeRate: 0.3 });
  return run(new TokenSegmenter(sink), chunks, sink);
}

function run(segmenter: TokenSegmenter, chunks: string[], sink: WatermarkSink): { text: string; stats: unknown } {
  let text = '';
  for (const c of chunks) text += segmenter.push(c);
  return { text: text + segmenter.end(), stats: sink.stats() };
}

// pieces that move the scanner's state: code, quotes, brackets, block quotes, URLs, odd whitespace, long tokens
const PIECES = [
  ...SAMPLE.split(/(\s+)/),
  '```', '`', '"', '“', '”', '{', '}', '[', ']', '> ', '\n', '\n\n', '\t', '\u00a0', '\u2003', '\u3000',
  'https://example.com/big', 'e.g.', "don't", 'big-often', 'often_big', 'large3', 'an', 'a', 'An', 'OFTEN', 'Large',
  // tokens of several words joined by punctuation that changes no state, with and without lexicon words
  'one,two;three', '(the', 'end).', 'so:often', 'Wait...what?', 'big!large', '\u0001x', 'naïve', 'x'.repeat(MAX_HELD_CHARS - 2) + '.',
  'x'.repeat(MAX_HELD_CHARS - 1), 'y'.repeat(MAX_HELD_CHARS), `often${'z'.repeat(2 * MAX_HELD_CHARS + 7)}`, '`'.repeat(MAX_HELD_CHARS + 2),
];

function randomText(rng: () => number): string {
  let text = '';
  const n = 20 + Math.floor(rng() * 120);
  for (let i = 0; i < n; i++) {
    text += PIECES[Math.floor(rng() * PIECES.length)];
    if (rng() < 0.6) text += rng() < 0.9 ? ' ' : '\n';
  }
  return text;
}

function randomChunks(text: string, rng: () => number, maxLength: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; ) {
    const n = 1 + Math.floor(rng() * maxLength);
    chunks.push(text.slice(i, i + n));
    i += n;
  }
  return chunks;
}

describe('token segmenter', () => {
  it('gives a sink that takes runs of tokens what feeding it token by token gives, whole or in any chunks', () => {
    const rng = mulberry32(7);
    let changed = 0;
    for (let trial = 0; trial < 300; trial++) {
      const text = randomText(rng);
      const reference = tokenByToken([text]);
      if (reference.text !== text) changed++;
      assert.deepEqual(withRuns([text]), reference, `trial ${trial}, whole`);
      for (const maxLength of [3, 40, 700]) {
        const chunks = randomChunks(text, rng, maxLength);
        assert.deepEqual(tokenByToken(chunks), reference, `trial ${trial}, token by token in chunks of ≤ ${maxLength}`);
        assert.deepEqual(withRuns(chunks), reference, `trial ${trial}, runs in chunks of ≤ ${maxLength}`);
      }
    }
    // the texts do get marked, so the comparison covers replacements and not only unchanged text
    assert.ok(changed > 200, `${changed} of 300 texts changed`);
  });
});
