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

  it('holds back only the word being written', () => {
    const s = new StreamWatermarker(key.seed);
    assert.equal(s.push('Hello wor'), 'Hello ');
    assert.equal(s.push('ld and'), 'world ');
    assert.equal(s.end(), 'and');
  });

  it('handles a lexicon word split across chunks like a whole one', () => {
    const text = 'Researchers say the results are often quite large in practice and frequently surprising.';
    const batch = watermarkText(text, key.seed, { maxChangeRate: 1 }).text;
    const s = new StreamWatermarker(key.seed, { maxChangeRate: 1 });
    const at = text.indexOf('often') + 2;
    assert.equal(s.push(text.slice(0, at)) + s.push(text.slice(at)) + s.end(), batch);
  });
});
