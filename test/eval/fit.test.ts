import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FEATURE_NAMES } from '../../src/detect/signals/index.ts';
import { CAMPAIGN_FEATURE_NAMES } from '../../src/detect/scoring.ts';
import { defaultParams, validateParams } from '../../src/detect/params.ts';
import { fitLogistic, solveSpd } from '../../src/eval/fit/logistic.ts';
import { chooseThresholds, fitHeads, riskOf, toParams, type Sample } from '../../src/eval/fit/procedure.ts';

/** A small deterministic generator (the tests must not depend on Math.random). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('solveSpd solves a symmetric positive-definite system', () => {
  const a = Float64Array.from([4, 2, 0, 2, 5, 1, 0, 1, 3]);
  const x = solveSpd(a, Float64Array.from([2, 1, 3]), 3);
  const back = [0, 1, 2].map((i) => a[i * 3]! * x[0]! + a[i * 3 + 1]! * x[1]! + a[i * 3 + 2]! * x[2]!);
  back.forEach((v, i) => assert.ok(Math.abs(v - [2, 1, 3][i]!) < 1e-9));
});

test('fitLogistic recovers the weights that generated the labels', () => {
  const rand = lcg(1);
  const rows: Float64Array[] = [];
  const y: number[] = [];
  // true model: log-odds = -1 + 3·x0 − 2·x1 (+ 0·x2); x3 is constant and must get weight 0
  for (let i = 0; i < 20000; i++) {
    const x = Float64Array.from([rand() * 2, rand() * 2, rand(), 1]);
    const p = 1 / (1 + Math.exp(-(-1 + 3 * x[0]! - 2 * x[1]!)));
    rows.push(x);
    y.push(rand() < p ? 1 : 0);
  }
  const fit = fitLogistic(rows, y, y.map(() => 1), { l2: 0.01 });
  assert.ok(Math.abs(fit.bias + 1) < 0.2, `bias ${fit.bias}`);
  assert.ok(Math.abs(fit.weights[0]! - 3) < 0.2, `w0 ${fit.weights[0]}`);
  assert.ok(Math.abs(fit.weights[1]! + 2) < 0.2, `w1 ${fit.weights[1]}`);
  assert.ok(Math.abs(fit.weights[2]!) < 0.2, `w2 ${fit.weights[2]}`);
  assert.equal(fit.weights[3], 0);
});

function syntheticSamples(): Sample[] {
  const rand = lcg(7);
  const idx = (name: string) => FEATURE_NAMES.indexOf(name);
  const out: Sample[] = [];
  const make = (cls: Sample['cls'], i: number, feature: string | null) => {
    const x = new Float64Array(FEATURE_NAMES.length);
    for (let j = 0; j < x.length; j++) x[j] = rand() * 0.3;
    if (feature) x[idx(feature)] = 0.6 + rand() * 0.4;
    out.push({ run: 'r', account: `${cls}${i}`, cls, persona: cls, at: 0, x });
  };
  for (let i = 0; i < 600; i++) make('benign', i, null);
  for (let i = 0; i < 60; i++) make('distillation', i, 'cot_full_trace_share');
  for (let i = 0; i < 60; i++) make('extraction', i, 'logit_bias_share');
  for (let i = 0; i < 60; i++) make('jailbreak', i, 'jailbreak_share');
  return out;
}

test('fitted heads separate the classes on their own signals', () => {
  const samples = syntheticSamples();
  const heads = fitHeads(samples, 1);
  assert.ok(heads.distillation.weights[FEATURE_NAMES.indexOf('cot_full_trace_share')]! > 1);
  assert.ok(heads.extraction.weights[FEATURE_NAMES.indexOf('logit_bias_share')]! > 1);
  assert.ok(heads.jailbreak.weights[FEATURE_NAMES.indexOf('jailbreak_share')]! > 1);
  const attacker = samples.find((s) => s.cls === 'extraction')!;
  const benign = samples.find((s) => s.cls === 'benign')!;
  assert.ok(riskOf(heads, attacker.x) > riskOf(heads, benign.x));
});

test('chosen thresholds keep benign accounts under the false-positive target on the training samples', () => {
  const samples = syntheticSamples();
  const heads = fitHeads(samples, 1);
  const t = chooseThresholds(heads, samples, 0.002);
  assert.ok(t.train.benignFlagged <= Math.floor(0.002 * t.train.benignAccounts));
  assert.ok(t.suspicious <= t.flagged && t.flagged >= 0.5);
  assert.ok(t.train.attackFlagged / t.train.attackAccounts > 0.9);
});

test('toParams writes valid detector parameters and keeps everything but heads and thresholds', () => {
  const base = defaultParams();
  const heads = fitHeads(syntheticSamples(), 1);
  const campaignHead = { bias: -2, weights: Float64Array.from(CAMPAIGN_FEATURE_NAMES, (n) => (n === 'campaign_member_risk' ? 3 : 0)) };
  const p = toParams(base, heads, campaignHead, { flagged: 0.9, suspicious: 0.6, campaign: 0.92 }, 'test fit');
  validateParams(p);
  assert.equal(p.provenance, 'test fit');
  assert.deepEqual(p.thresholds, { flagged: 0.9, suspicious: 0.6, campaign: 0.92 });
  assert.deepEqual(p.linkage, base.linkage);
  assert.deepEqual(p.minhash, base.minhash);
  assert.deepEqual(p.campaign_head, { bias: -2, weights: { campaign_member_risk: 3 } });
});
