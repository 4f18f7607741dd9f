import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { watermarkText } from '../../src/provenance/watermark.ts';
import { LEXICON } from '../../src/provenance/lexicon.ts';
import { SAMPLE, testKey } from './helpers.ts';

const unlimited = { maxChangeRate: 1 };
const changedWords = (a: string, b: string): string[] => {
  const wa = a.split(/(\s+)/);
  const wb = b.split(/(\s+)/);
  assert.equal(wa.length, wb.length, 'the watermark never adds or removes words or whitespace');
  return wa.filter((w, i) => w !== wb[i]);
};

describe('watermark', () => {
  it('changes only lexicon words, to the other member of their pair, keeping letter case', () => {
    const out = watermarkText(SAMPLE, testKey('k1').seed, unlimited).text;
    const before = SAMPLE.split(/(\s+)/);
    const after = out.split(/(\s+)/);
    let changes = 0;
    before.forEach((tok, i) => {
      if (tok === after[i]) return;
      changes++;
      const word = tok.replace(/[^A-Za-z]/g, '');
      const replaced = after[i].replace(/[^A-Za-z]/g, '');
      const a = LEXICON.get(word.toLowerCase());
      const b = LEXICON.get(replaced.toLowerCase());
      assert.ok(a && b && a.pairId === b.pairId && a.member !== b.member, `${tok} -> ${after[i]}`);
      assert.equal(word[0] === word[0].toUpperCase(), replaced[0] === replaced[0].toUpperCase(), 'case kept');
    });
    assert.ok(changes > 3, `expected several changes, got ${changes}`);
  });

  it('is deterministic for a key', () => {
    const a = watermarkText(SAMPLE, testKey('k1').seed).text;
    const b = watermarkText(SAMPLE, testKey('k1').seed).text;
    assert.equal(a, b);
  });

  it('different keys choose differently', () => {
    const texts = new Set(['k1', 'k2', 'k3', 'k4'].map((k) => watermarkText(SAMPLE, testKey(k).seed, unlimited).text));
    assert.ok(texts.size >= 3, 'keys should mostly disagree');
  });

  it('skips fenced code, inline code, quotes, URLs, domains, paths, numbers, JSON and block quotes', () => {
    const protectedText = [
      '```',
      'big large often frequently quickly rapidly',
      '```',
      '`big large often` and "big large often frequently" and “quickly rapidly”',
      'https://example.com/big/large?often=1 www.large.org big.example.com ./often/big.txt user@large.com',
      '{"big": "large", "often": ["quickly", "rapidly"]} [big, large, often]',
      '> big large often frequently quickly rapidly',
      'big-data large_scale often2 3big don\'t-often',
    ].join('\n');
    for (const k of ['k1', 'k2', 'k3', 'k4', 'k5', 'k6']) {
      assert.equal(watermarkText(protectedText, testKey(k).seed, unlimited).text, protectedText, `key ${k}`);
    }
  });

  it('resumes after a protected region ends', () => {
    const text = '`code` then big large often frequently quickly rapidly perhaps maybe nearly almost';
    const changed = ['k1', 'k2', 'k3'].some((k) => watermarkText(text, testKey(k).seed, unlimited).text !== text);
    assert.ok(changed);
  });

  it('changes at most 5 % of the words by default, at every prefix past the start allowance', () => {
    const dense = Array.from({ length: 40 }, () => 'big large often frequently quickly rapidly perhaps maybe, the model said.').join(' ');
    const { text, stats } = watermarkText(dense, testKey('k1').seed);
    assert.ok(stats.changes > 0);
    assert.ok(stats.changes <= Math.max(stats.words, 40) * 0.05, `${stats.changes} of ${stats.words}`);
    assert.equal(changedWords(dense, text).length, stats.changes);
  });

  it('leaves an article-sensitive pair alone after "a" or "an"', () => {
    // important/significant differ in their first sound; "an important" must not become "an significant"
    const text = 'This is an important step and a significant one.';
    for (const k of ['k1', 'k2', 'k3', 'k4', 'k5']) assert.equal(watermarkText(text, testKey(k).seed, unlimited).text, text);
  });
});
