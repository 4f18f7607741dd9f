import { after, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { FEATURE_NAMES } from '../../src/detect/signals/index.ts';
import { CAMPAIGN_FEATURE_NAMES } from '../../src/detect/scoring.ts';
import { defaultParams, validateParams } from '../../src/detect/params.ts';
import { fitLogistic, solveSpd } from '../../src/eval/fit/logistic.ts';
import { chooseThresholds, classWeights, collectSamples, DEFAULT_WEIGHTING, RELINK_SNAPSHOT, ESTABLISHED_EXCLUDED_FEATURES, ESTABLISHED_MAX_ACCOUNT_NEW, fitEstablishedHead, fitHeads, riskOf, runName, toParams, type Sample } from '../../src/eval/fit/procedure.ts';
import { Scorer } from '../../src/detect/scoring.ts';
import { writePromptDataFixtures } from '../helpers/prompt-data.ts';

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

/** Casual users, a few eval labs that look like distillers on the output shares, and distillers who also demand the full trace. */
function hardNegativeSamples(): Sample[] {
  const rand = lcg(11);
  const idx = (name: string) => FEATURE_NAMES.indexOf(name);
  const out: Sample[] = [];
  const make = (cls: Sample['cls'], persona: string, i: number, high: string[]) => {
    const x = new Float64Array(FEATURE_NAMES.length);
    for (let j = 0; j < x.length; j++) x[j] = rand() * 0.3;
    for (const f of high) x[idx(f)] = 0.6 + rand() * 0.4;
    out.push({ run: 'r', account: `${persona}${i}`, cls, persona, at: 0, x });
  };
  for (let i = 0; i < 800; i++) make('benign', 'casual', i, []);
  for (let i = 0; i < 8; i++) make('benign', 'eval-lab', i, ['output_token_share', 'reasoning_token_share']);
  for (let i = 0; i < 100; i++) make('distillation', 'hydra', i, ['output_token_share', 'reasoning_token_share', ...(i % 4 === 0 ? [] : ['cot_full_trace_share'])]);
  for (let i = 0; i < 40; i++) make('extraction', 'logprob-extraction', i, ['logit_bias_share']);
  for (let i = 0; i < 40; i++) make('jailbreak', 'jailbreaker', i, ['jailbreak_share']);
  return out;
}

test('benign weight per persona: every benign persona carries the same total, the benign total is unchanged', () => {
  const samples = hardNegativeSamples();
  const isDistiller = (s: Sample) => s.cls === 'distillation';
  const sums = (balance: 'account' | 'persona') => {
    const cw = classWeights(samples, isDistiller, { ...DEFAULT_WEIGHTING, benignBalance: balance })!;
    const by = new Map<string, number>();
    samples.forEach((s, i) => by.set(s.persona, (by.get(s.persona) ?? 0) + cw.w[i]!));
    return by;
  };
  const perAccount = sums('account');
  const perPersona = sums('persona');
  assert.ok(Math.abs(perPersona.get('casual')! - perPersona.get('eval-lab')!) < 1e-12);
  assert.ok(perAccount.get('casual')! > 50 * perAccount.get('eval-lab')!);
  const benignTotal = (m: Map<string, number>) => m.get('casual')! + m.get('eval-lab')!;
  assert.ok(Math.abs(benignTotal(perAccount) - benignTotal(perPersona)) < 1e-12);
  assert.ok(Math.abs(perPersona.get('hydra')! - 1) < 1e-12, 'positives carry the same total as the negatives');
  assert.equal(classWeights(samples.filter((s) => !isDistiller(s)), isDistiller, DEFAULT_WEIGHTING), null);
});

test('benign weight per persona: a rare benign persona that looks like a harvest scores lower', () => {
  const samples = hardNegativeSamples();
  const labLike = new Float64Array(FEATURE_NAMES.length).fill(0.15);
  labLike[FEATURE_NAMES.indexOf('output_token_share')] = 0.8;
  labLike[FEATURE_NAMES.indexOf('reasoning_token_share')] = 0.8;
  const risk = (balance: 'account' | 'persona') => riskOf(fitHeads(samples, 1, { ...DEFAULT_WEIGHTING, benignBalance: balance }), labLike);
  const logOdds = (p: number) => Math.log(p / (1 - p));
  const [perAccount, perPersona] = [risk('account'), risk('persona')];
  assert.ok(logOdds(perAccount) - logOdds(perPersona) > 1.5, `eval-lab-like risk ${perPersona} (per persona) vs ${perAccount} (per account)`);
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

/** Many new distillers (newness gives them away), a few old ones that only change behaviour, old benign accounts. */
function establishedSamples(): Sample[] {
  const rand = lcg(11);
  const idx = (name: string) => FEATURE_NAMES.indexOf(name);
  const out: Sample[] = [];
  const make = (cls: Sample['cls'], persona: string, i: number, accountNew: number, shift: boolean) => {
    const x = new Float64Array(FEATURE_NAMES.length);
    for (let j = 0; j < x.length; j++) x[j] = rand() * 0.2;
    x[idx('account_new')] = accountNew;
    if (shift) x[idx('volume_shift')] = 0.7 + rand() * 0.3;
    out.push({ run: 'r', account: `${persona}${i}`, cls, persona, at: 0, x });
  };
  for (let i = 0; i < 600; i++) make('benign', 'old-user', i, 0.02 + rand() * 0.05, false);
  for (let i = 0; i < 300; i++) make('benign', 'new-user', i, 0.3 + rand() * 0.7, false);
  for (let i = 0; i < 500; i++) make('distillation', 'hydra', i, 0.8 + rand() * 0.2, false);
  for (let i = 0; i < 30; i++) make('distillation', 'laundering', i, 0.01 + rand() * 0.02, true);
  // the class heads need every class; these attackers are new and sit apart on their own signals
  for (let i = 0; i < 50; i++) make('extraction', 'logprob', i, 0.9, false);
  for (let i = 0; i < 50; i++) make('jailbreak', 'jailbreaker', i, 0.9, false);
  return out;
}

test('established head: fitted on old accounts only, it learns the behaviour shift that newness hides', () => {
  const samples = establishedSamples();
  const heads = fitHeads(samples, 1);
  const est = heads.established!;
  assert.ok(est, 'an established head is fitted when old distillers are in the training data');
  assert.equal(est.maxAccountNew, ESTABLISHED_MAX_ACCOUNT_NEW);
  assert.ok(est.weights[FEATURE_NAMES.indexOf('volume_shift')]! > 1);
  const launderer = samples.find((s) => s.persona === 'laundering')!;
  const oldUser = samples.find((s) => s.persona === 'old-user')!;
  assert.ok(riskOf(heads, launderer.x) > 0.9 && riskOf(heads, oldUser.x) < 0.5);
  // the same shift on a new account is not judged by the established head
  const young = Float64Array.from(launderer.x);
  young[FEATURE_NAMES.indexOf('account_new')] = 0.5;
  const withoutEst = { ...heads, established: undefined };
  assert.equal(riskOf(heads, young), riskOf(withoutEst, young));
  // no old distillers, no established head
  assert.equal(fitEstablishedHead(samples.filter((s) => s.persona !== 'laundering'), 1), null);
});

test('established head: the level of n > 1 gets no weight, its onset with volume does', () => {
  // old copywriting services buy several completions from their first day; old launderers start to
  const samples = establishedSamples();
  const idx = (name: string) => FEATURE_NAMES.indexOf(name);
  for (const s of samples) {
    if (s.persona === 'old-user' && s.account.endsWith('0')) s.x[idx('multi_completion_share')] = 0.6;
    if (s.persona === 'laundering') {
      s.x[idx('multi_completion_share')] = 0.3;
      s.x[idx('harvest_onset')] = 0.25;
    }
  }
  const est = fitEstablishedHead(samples, 1)!;
  for (const name of ESTABLISHED_EXCLUDED_FEATURES) assert.equal(est.weights[idx(name)], 0, name);
  assert.ok(est.weights[idx('harvest_onset')]! > 0);
  // the class heads still weigh it
  assert.notEqual(fitHeads(samples, 1).distillation.weights[idx('multi_completion_share')], 0);
});

test('established head: the engine scores, explains and validates it as the fitting script wrote it', () => {
  const samples = establishedSamples();
  const heads = fitHeads(samples, 1);
  const campaignHead = { bias: -2, weights: new Float64Array(CAMPAIGN_FEATURE_NAMES.length) };
  const p = toParams(defaultParams(), heads, campaignHead, { flagged: 0.9, suspicious: 0.6, campaign: 0.9 }, 'test fit');
  validateParams(p);
  assert.equal(p.established_head!.max_account_new, ESTABLISHED_MAX_ACCOUNT_NEW);
  const scorer = new Scorer(p);
  const launderer = samples.find((s) => s.persona === 'laundering')!;
  const s = scorer.score(launderer.x);
  assert.equal(s.cls, 'distillation');
  assert.ok(Math.abs(s.risk - riskOf(heads, launderer.x)) < 1e-3);
  assert.equal(scorer.explain(launderer.x, 'distillation')[0]!.name, 'volume_shift');
  const bad = structuredClone(p);
  bad.established_head!.weights = { no_such_feature: 1 };
  assert.throws(() => validateParams(bad), /established_head\.weights\.no_such_feature/);
});

test('a training run marked builtin uses the built-in prompts even when a data folder is given', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-fit-data-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  writePromptDataFixtures(dir);
  const run = { scenario: 'small', seed: 5, days: 0.5 };
  const params = defaultParams();
  const builtin = collectSamples({ ...run, builtinPrompts: true }, params, dir, false);
  const fromData = collectSamples(run, params, dir, false);
  const noData = collectSamples(run, params, null, false);
  const vectors = (r: { samples: Sample[] }) => r.samples.map((s) => `${s.account}@${s.at}:${Array.from(s.x).join(',')}`);
  assert.deepEqual(vectors(builtin), vectors(noData));
  assert.notDeepEqual(vectors(builtin), vectors(fromData));
  assert.equal(runName({ ...run, builtinPrompts: true }), 'small:5:builtin');
  assert.equal(builtin.samples[0]!.run, 'small:5:builtin');
  assert.equal(fromData.samples[0]!.run, 'small:5');
});

test('the gated pass also learns from communities the engine formed between snapshots, each membership once a day at most', () => {
  const r = collectSamples({ scenario: 'small', seed: 3, days: 1 }, defaultParams(), null, true);
  const relinked = r.communities.filter((c) => c.at === RELINK_SNAPSHOT);
  assert.ok(relinked.length > 0, 'no community from a relink');
  const keys = relinked.map((c) => `${c.x.join(',')}`);
  assert.equal(new Set(keys).size, keys.length);
  for (const c of relinked) {
    assert.equal(c.x.length, CAMPAIGN_FEATURE_NAMES.length);
    assert.ok(c.members.length >= 3 && c.members.every((m) => m.length === FEATURE_NAMES.length));
  }
  // ungated, communities come from snapshots only
  assert.ok(collectSamples({ scenario: 'small', seed: 3, days: 1 }, defaultParams(), null, false).communities.every((c) => c.at !== RELINK_SNAPSHOT));
});
