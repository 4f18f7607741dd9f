import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decayAll, decayFactor } from '../../src/detect/sketches/decayed-counter.ts';
import { hashString } from '../../src/detect/sketches/hash.ts';
import { HLL_REGISTERS, hllAdd, hllEstimate, hllMerge } from '../../src/detect/sketches/hll.ts';
import { MinHasher } from '../../src/detect/sketches/minhash.ts';
import { tokenHashes } from '../../src/detect/text/normalize.ts';

function sigOf(h: MinHasher, words: string[]): Int32Array {
  const tokens = new Int32Array(words.map((w) => hashString(w)));
  const sig = new Int32Array(h.k);
  assert.ok(h.signature(tokens, tokens.length, 1, 10_000, sig));
  return sig;
}

test('minhash estimates the Jaccard similarity of two word sets', () => {
  const h = new MinHasher(256, 32);
  const vocab = Array.from({ length: 400 }, (_, i) => `w${i}`);
  // |A ∩ B| = 200, |A ∪ B| = 400 → J = 0.5
  const a = sigOf(h, vocab.slice(0, 300));
  const b = sigOf(h, vocab.slice(100, 400));
  const j = h.similarity(a, 0, b, 0);
  assert.ok(Math.abs(j - 0.5) < 0.1, `estimate ${j}`);
  assert.equal(h.similarity(a, 0, a, 0), 1);
  const c = sigOf(h, vocab.slice(0, 100));
  const d = sigOf(h, vocab.slice(300, 400));
  assert.ok(h.similarity(c, 0, d, 0) < 0.08);
});

test('minhash near-duplicate test with early exit decides as similarity >= threshold', () => {
  for (const k of [4, 32, 128]) {
    const h = new MinHasher(k, 1);
    const a = new Int32Array(k);
    const b = new Int32Array(2 * k);
    let seed = 7;
    const next = (): number => (seed = Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 28; // few values: many equal slots
    for (let round = 0; round < 300; round++) {
      for (let i = 0; i < k; i++) a[i] = next();
      for (let i = 0; i < 2 * k; i++) b[i] = next() < round % 17 ? a[i % k]! : next(); // from unrelated to equal
      for (const threshold of [0, 0.1, 0.25, 0.3, 0.5, 0.7, 1 / 3, 0.99, 1, 1.5, -1]) {
        assert.equal(h.hasEqualSlots(a, 0, b, k, h.minEqualSlots(threshold)), h.similarity(a, 0, b, k) >= threshold, `k ${k}, threshold ${threshold}`);
      }
    }
  }
});

test('minhash rejects a k that is not a power of two or bands that do not divide it', () => {
  assert.throws(() => new MinHasher(24, 4), RangeError);
  assert.throws(() => new MinHasher(32, 5), RangeError);
});

test('banded LSH puts near-duplicates in a shared bucket and unrelated texts apart', () => {
  const h = new MinHasher(32, 8);
  const buf = new Int32Array(256);
  const sigOfText = (t: string) => {
    const n = tokenHashes(t, 2000, buf);
    const sig = new Int32Array(32);
    h.signature(buf, n, 2, 96, sig);
    return sig;
  };
  const keys = (sig: Int32Array) => {
    const out = new Int32Array(8);
    h.bandKeys(sig, out);
    return new Set(out);
  };
  const base = 'Please write a detailed product description for our new ergonomic office chair with lumbar support and breathable mesh';
  const near = 'Please write a detailed product description for our new ergonomic office chair with lumbar support and breathable fabric';
  const other = 'How do I convert a pandas dataframe column from string to datetime when some rows are empty';
  const kb = keys(sigOfText(base));
  assert.ok([...keys(sigOfText(near))].some((k) => kb.has(k)), 'near-duplicate shares a band');
  assert.ok(![...keys(sigOfText(other))].some((k) => kb.has(k)), 'unrelated text shares none');
});

test('masking makes prompts from one template hash alike despite numbers, names and quoted parts', () => {
  const h = new MinHasher(32, 8);
  const buf = new Int32Array(256);
  const sig = (t: string) => {
    const n = tokenHashes(t, 2000, buf);
    const s = new Int32Array(32);
    h.signature(buf, n, 2, 96, s);
    return s;
  };
  const a = sig('Translate "the cat sleeps on the mat" into French and explain question 12 for Maria.');
  const b = sig('Translate "a storm is coming tomorrow" into French and explain question 407 for Kenji.');
  assert.equal(h.similarity(a, 0, b, 0), 1);
});

test('hyperloglog counts distinct values within its error and merges as a union', () => {
  const a = new Uint8Array(HLL_REGISTERS);
  const b = new Uint8Array(HLL_REGISTERS);
  for (let i = 0; i < 5000; i++) hllAdd(a, hashString(`user-${i}`));
  for (let i = 0; i < 5000; i++) hllAdd(a, hashString(`user-${i}`)); // repeats do not count
  for (let i = 2500; i < 7500; i++) hllAdd(b, hashString(`user-${i}`));
  const e = hllEstimate(a);
  assert.ok(Math.abs(e - 5000) / 5000 < 0.35, `estimate ${e}`);
  hllMerge(a, b);
  const u = hllEstimate(a);
  assert.ok(Math.abs(u - 7500) / 7500 < 0.35, `union ${u}`);
  const one = new Uint8Array(HLL_REGISTERS);
  hllAdd(one, hashString('only'));
  assert.ok(hllEstimate(one) < 2);
});

test('decayed counters halve over one half-life and stay put without time passing', () => {
  const c = new Float64Array([8, 2]);
  decayAll(c, decayFactor(3_600_000, 3_600_000));
  assert.deepEqual(Array.from(c), [4, 1]);
  assert.equal(decayFactor(0, 1000), 1);
  assert.equal(decayFactor(-5, 1000), 1);
});
