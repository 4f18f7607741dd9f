import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binomialUpperTailHalf } from '../../src/provenance/binomial.ts';
import { CorpusObserver, scoreCorpus, scoreKey } from '../../src/provenance/detect.ts';
import { watermarkText } from '../../src/provenance/watermark.ts';
import { mulberry32 } from '../../src/provenance/validation/rng.ts';
import { teacherSample } from '../../src/provenance/validation/teacher.ts';
import { testKey } from './helpers.ts';

describe('binomial test', () => {
  it('gives the exact upper tail of Binomial(n, 1/2)', () => {
    assert.equal(binomialUpperTailHalf(0, 10).p, 1);
    assert.ok(Math.abs(binomialUpperTailHalf(10, 10).p - 1 / 1024) < 1e-15);
    // P(X >= 8 | n = 10) = (45 + 10 + 1) / 1024
    assert.ok(Math.abs(binomialUpperTailHalf(8, 10).p - 56 / 1024) < 1e-12);
    assert.ok(Math.abs(binomialUpperTailHalf(5, 10).p - 638 / 1024) < 1e-12);
  });

  it('reports p-values below double range through log10', () => {
    const t = binomialUpperTailHalf(5000, 5000);
    assert.equal(t.p, 0);
    assert.ok(Math.abs(t.log10p - 5000 * Math.log10(0.5)) < 1e-6);
  });
});

describe('watermark detection', () => {
  const key = testKey('detect');

  it('finds watermarked text with a tiny p-value', () => {
    const rng = mulberry32(1);
    const samples = Array.from({ length: 60 }, () => watermarkText(teacherSample(rng).response, key.seed).text);
    const r = scoreCorpus(samples, [key]);
    assert.ok(r.tokens_scored > 100);
    assert.ok(r.p_value < 1e-10, `p = ${r.p_value}`);
    assert.ok(r.match_rate > 0.7);
  });

  it('does not find it under another key', () => {
    const rng = mulberry32(2);
    const samples = Array.from({ length: 60 }, () => watermarkText(teacherSample(rng).response, key.seed).text);
    assert.ok(scoreCorpus(samples, [testKey('someone-else')]).p_value > 1e-3);
  });

  it('gives roughly uniform p-values on clean text (few below 0.01 over 200 samples)', () => {
    const rng = mulberry32(3);
    const pValues: number[] = [];
    for (let i = 0; i < 200; i++) {
      const samples = Array.from({ length: 8 }, () => teacherSample(rng).response);
      pValues.push(scoreCorpus(samples, [testKey(`clean-${i}`)]).p_value);
    }
    const below01 = pValues.filter((p) => p < 0.01).length / pValues.length;
    const below50 = pValues.filter((p) => p < 0.5).length / pValues.length;
    assert.ok(below01 <= 0.03, `share below 0.01: ${below01}`);
    assert.ok(below50 > 0.3 && below50 < 0.6, `share below 0.5: ${below50}`);
  });

  it('scores each (context, pair) once, using the member the text used most there', () => {
    const observer = new CorpusObserver();
    observer.addSample('So they often walk. So they often run. So they frequently swim. So they often sing.');
    assert.equal(observer.candidates, 4);
    assert.equal(observer.distinct, 1);
    assert.equal(observer.observations[0].member, 0); // "often" three times against "frequently" once
    const score = scoreKey(observer.observations, key);
    assert.equal(score.tokens_scored, 1);
  });

  it('leaves out a (context, pair) where both members were used equally often', () => {
    const observer = new CorpusObserver();
    observer.addSample('So they often walk. So they frequently run. And we often sing.');
    assert.equal(observer.candidates, 3);
    assert.equal(observer.distinct, 2);
    assert.equal(observer.ties, 1);
    assert.deepEqual(observer.observations.map((o) => [o.before, o.prev, o.member]), [['and', 'we', 0]]);
  });

  it('corrects for several keys (Bonferroni) and names the best one', () => {
    const rng = mulberry32(4);
    const samples = Array.from({ length: 40 }, () => watermarkText(teacherSample(rng).response, key.seed).text);
    const keys = [testKey('a'), key, testKey('b')];
    const r = scoreCorpus(samples, keys);
    assert.equal(r.best_key, key.id);
    const single = r.keys.find((k) => k.key_id === key.id)!;
    assert.ok(Math.abs(r.log10_p_value - Math.min(0, single.log10_p_value + Math.log10(3))) < 1e-9);
  });
});
