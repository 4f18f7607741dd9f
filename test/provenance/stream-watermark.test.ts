import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StreamWatermarker } from '../../src/provenance/stream-watermark.ts';
import { watermarkText } from '../../src/provenance/watermark.ts';
import { mulberry32 } from '../../src/provenance/validation/rng.ts';
import { SAMPLE, testKey } from './helpers.ts';

const key = testKey('stream');
const streamed = (chunks: string[]): string => {
  const s = new StreamWatermarker(key.seed);
  let out = '';
  for (const c of chunks) out += s.push(c);
  return out + s.end();
};

const MIXED = `${SAMPLE}\n\`\`\`ts\nconst big = often;\n\`\`\`\nSee "a large quote" and https://example.com/big then it often seems obvious. ${'x'.repeat(300)} big`;

describe('stream watermark', () => {
  it('equals the batch output for every split of a sample into two chunks', () => {
    const batch = watermarkText(MIXED, key.seed).text;
    assert.notEqual(batch, MIXED);
    for (let i = 0; i <= MIXED.length; i++) assert.equal(streamed([MIXED.slice(0, i), MIXED.slice(i)]), batch, `split at ${i}`);
  });

  it('equals the batch output for one-character chunks and for random chunkings', () => {
    const batch = watermarkText(MIXED, key.seed).text;
    assert.equal(streamed([...MIXED]), batch);
    const rng = mulberry32(42);
    for (let trial = 0; trial < 200; trial++) {
      const chunks: string[] = [];
      for (let i = 0; i < MIXED.length; ) {
        const n = 1 + Math.floor(rng() * 12);
        chunks.push(MIXED.slice(i, i + n));
        i += n;
      }
      assert.equal(streamed(chunks), batch, `trial ${trial}`);
    }
  });

  it('holds back only a word being written that could still be marked', () => {
    const s = new StreamWatermarker(key.seed, { maxChangeRate: 1 });
    // "wor" begins no lexicon word: it goes out at once, and the rest of the word when it comes
    assert.equal(s.push('Hello wor'), 'Hello wor');
    assert.equal(s.push('ld and'), 'ld and');
    // "oft" may become "often": held until the word ends, then sent whole, marked or not
    assert.equal(s.push(' it is oft'), ' it is ');
    const often = s.push('en big');
    assert.ok(often === 'often ' || often === 'frequently ', often);
    // "big" above was held although whole: what follows could still make it part of a path or a compound
    const big = s.push(' x');
    assert.ok(big === 'big x' || big === 'large x', big);
    assert.equal(s.end(), '');
  });

  it('handles a lexicon word split across chunks like a whole one', () => {
    const text = 'Researchers say the results are often quite large in practice and frequently surprising.';
    const batch = watermarkText(text, key.seed, { maxChangeRate: 1 }).text;
    const s = new StreamWatermarker(key.seed, { maxChangeRate: 1 });
    const at = text.indexOf('often') + 2;
    assert.equal(s.push(text.slice(0, at)) + s.push(text.slice(at)) + s.end(), batch);
  });
});
