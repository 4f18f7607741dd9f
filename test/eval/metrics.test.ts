import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AccountResult, Decision } from '../../src/detect/types.ts';
import type { LogEventV1 } from '../../src/events/types.ts';
import { computeMetrics, pairwiseF1, quantile, ServedTally, type EvalLabels } from '../../src/eval/metrics.ts';

function result(id: string, verdict: AccountResult['verdict'], campaign: string | null = null, flaggedAt: string | null = null): AccountResult {
  return { account_id: id, verdict, risk: verdict === 'benign' ? 0.1 : 0.9, campaign_id: campaign, first_flagged_at: flaggedAt, signals: [] };
}

function event(account: string, ts: string): LogEventV1 {
  return { ts, request_id: `${account}-${ts}`, account_id: account, client: { ip: '10.0.0.1' }, endpoint: '/v1/chat/completions', model: 'm', params: {}, messages: [], response: { status: 200 } };
}

function flag(account: string, ts: string, verdict: Decision['verdict'] = 'distillation'): Decision {
  return { account_id: account, ts, verdict, risk: 0.9, campaign_id: null, reason: '' };
}

// Ten labelled accounts: 6 benign (two personas), 3 distillers in one campaign, 1 extractor.
const LABELS: EvalLabels = {
  accounts: {
    b1: { class: 'benign', persona: 'casual', campaign_id: null },
    b2: { class: 'benign', persona: 'casual', campaign_id: null },
    b3: { class: 'benign', persona: 'casual', campaign_id: null },
    b4: { class: 'benign', persona: 'casual', campaign_id: null },
    e1: { class: 'benign', persona: 'eval-lab', campaign_id: null },
    e2: { class: 'benign', persona: 'eval-lab', campaign_id: null },
    d1: { class: 'distillation', persona: 'hydra', campaign_id: 'c1' },
    d2: { class: 'distillation', persona: 'hydra', campaign_id: 'c1' },
    d3: { class: 'distillation', persona: 'hydra', campaign_id: 'c1' },
    x1: { class: 'extraction', persona: 'logprob-extraction', campaign_id: null },
  },
  campaigns: { c1: { kind: 'distillation', attack: 'hydra', started_at: '2026-10-01T00:00:00.000Z' } },
};

function sampleResults(): AccountResult[] {
  return [
    result('b1', 'benign'), result('b2', 'benign'), result('b3', 'suspicious'), result('b4', 'benign'),
    result('e1', 'distillation', null, '2026-10-01T05:00:00.000Z'), // a false positive in eval-lab
    result('e2', 'benign'),
    result('d1', 'distillation', 'p1', '2026-10-01T02:00:00.000Z'),
    result('d2', 'distillation', 'p1', '2026-10-01T04:00:00.000Z'),
    result('d3', 'benign'), // missed
    result('x1', 'distillation', null, '2026-10-01T01:00:00.000Z'), // flagged, but as the wrong class
  ];
}

test('precision and recall per class follow from the verdicts', () => {
  const m = computeMetrics(LABELS, sampleResults(), new ServedTally());
  // predicted distillation: e1, d1, d2, x1 -> 2 correct of 4; true distillers: 3, found 2
  assert.deepEqual({ ...m.classes.distillation }, { support: 3, predicted: 4, true_positives: 2, precision: 0.5, recall: 2 / 3 });
  assert.deepEqual({ ...m.classes.extraction }, { support: 1, predicted: 0, true_positives: 0, precision: null, recall: 0 });
  // any flagged verdict counts for attack recall: d1, d2, x1 of 4 attackers
  assert.equal(m.attack_recall.value, 0.75);
  assert.equal(m.confusion.extraction.distillation, 1);
  assert.equal(m.confusion.benign.suspicious, 1);
});

test('benign false-positive rate is overall and per persona; suspicious is not a false positive', () => {
  const m = computeMetrics(LABELS, sampleResults(), new ServedTally());
  assert.equal(m.benign_fpr.value, 1 / 6);
  assert.equal(m.benign_fpr.suspicious, 1);
  assert.deepEqual(m.benign_fpr_per_persona, { casual: { accounts: 4, flagged: 0, rate: 0 }, 'eval-lab': { accounts: 2, flagged: 1, rate: 0.5 } });
  assert.equal(m.targets.benign_fpr_max.met, false);
});

test('pairwise F1 has the known value on a hand-made clustering', () => {
  // true campaigns: A = {1,2,3}, B = {4,5}; predicted: P = {1,2}, Q = {3,4,5}
  // true pairs 3 + 1 = 4; predicted pairs 1 + 3 = 4; common: (1,2) and (4,5) = 2 -> P = R = F1 = 0.5
  const f = pairwiseF1([
    { truth: 'A', predicted: 'P' }, { truth: 'A', predicted: 'P' }, { truth: 'A', predicted: 'Q' },
    { truth: 'B', predicted: 'Q' }, { truth: 'B', predicted: 'Q' },
  ]);
  assert.deepEqual(f, { true_pairs: 4, predicted_pairs: 4, common_pairs: 2, precision: 0.5, recall: 0.5, f1: 0.5 });
  // a perfect clustering with other names scores 1
  assert.equal(pairwiseF1([{ truth: 'A', predicted: 'x' }, { truth: 'A', predicted: 'x' }, { truth: 'B', predicted: 'y' }, { truth: 'B', predicted: 'y' }]).f1, 1);
  // a benign account (no true campaign) pulled into a predicted campaign costs precision
  const withBenign = pairwiseF1([{ truth: 'A', predicted: 'x' }, { truth: 'A', predicted: 'x' }, { truth: null, predicted: 'x' }]);
  assert.equal(withBenign.precision, 1 / 3);
  assert.equal(withBenign.recall, 1);
});

test('campaign pairwise F1 in the metrics counts the missed member', () => {
  const m = computeMetrics(LABELS, sampleResults(), new ServedTally());
  // c1 = {d1,d2,d3}: 3 true pairs; predicted p1 = {d1,d2}: 1 pair, correct
  assert.deepEqual({ ...m.campaign_pairwise }, { true_pairs: 3, predicted_pairs: 1, common_pairs: 1, precision: 1, recall: 1 / 3, f1: 0.5 });
});

test('served-before-flagged counts attacker requests before first_flagged_at, and all of a never-flagged account', () => {
  const tally = new ServedTally();
  // d1: 3 requests, flagged by the decision at its 3rd: requests 1 and 2 were served before, 3 (ts = flag) not
  tally.observe(event('d1', '2026-10-01T00:00:00.000Z'), []);
  tally.observe(event('d1', '2026-10-01T01:00:00.000Z'), []);
  tally.observe(event('d1', '2026-10-01T02:00:00.000Z'), [flag('d1', '2026-10-01T02:00:00.000Z')]);
  tally.observe(event('d1', '2026-10-01T03:00:00.000Z'), []);
  // d2 is flagged through its campaign at another account's event, before its own first request
  tally.observe(event('b1', '2026-10-01T03:30:00.000Z'), [flag('d2', '2026-10-01T03:30:00.000Z')]);
  tally.observe(event('d2', '2026-10-01T04:00:00.000Z'), []);
  // d3 is never flagged: both requests were served unflagged
  tally.observe(event('d3', '2026-10-01T00:10:00.000Z'), []);
  tally.observe(event('d3', '2026-10-01T00:20:00.000Z'), []);
  // a later unflag and reflag does not move the first flag time
  tally.observe(event('d1', '2026-10-01T05:00:00.000Z'), [{ ...flag('d1', '2026-10-01T05:00:00.000Z'), verdict: 'benign' }]);
  assert.equal(tally.events.get('d1'), 5);
  assert.equal(tally.beforeFlag.get('d1'), 2);
  assert.equal(tally.beforeFlag.get('d2'), undefined);
  assert.equal(tally.beforeFlag.get('d3'), 2);
  const m = computeMetrics(LABELS, sampleResults(), tally);
  // attackers d1 (2 of 5), d2 (0 of 1), d3 (2 of 2), x1 (no events): 4 of 8; benign b1's request is not counted
  assert.deepEqual({ ...m.served_before_flagged, per_class: undefined }, { value: 0.5, numerator: 4, denominator: 8, per_class: undefined });
  assert.equal(m.served_before_flagged.per_class.distillation.value, 0.5);
});

test('the first flag of each account keeps the campaign it came with, none when flagged on its own; every campaign keeps all its members', () => {
  const tally = new ServedTally();
  tally.observe(event('d1', '2026-10-01T00:00:00.000Z'), [flag('d1', '2026-10-01T00:00:00.000Z')]);
  tally.observe(event('d2', '2026-10-01T01:00:00.000Z'), [{ ...flag('d2', '2026-10-01T01:00:00.000Z'), campaign_id: 'camp_7' }]);
  // a later flag with another campaign does not move the first one, nor does d1 joining a campaign later
  tally.observe(event('d2', '2026-10-01T02:00:00.000Z'), [{ ...flag('d2', '2026-10-01T02:00:00.000Z'), campaign_id: 'camp_9' }, { ...flag('d1', '2026-10-01T02:00:00.000Z'), campaign_id: 'camp_9' }]);
  assert.deepEqual([...tally.flaggedThroughCampaign], [['d2', 'camp_7']]);
  assert.deepEqual([...tally.campaignMembers].map(([id, m]) => [id, [...m]]), [['camp_7', ['d2']], ['camp_9', ['d2', 'd1']]]);
  // the campaign as it stood at the first flag
  assert.deepEqual([...tally.campaignAtFlag], [['d2', ['d2']]]);
});

test('benign accounts ever flagged while streaming count even when cleared later, with the requests from then on', () => {
  const tally = new ServedTally();
  tally.observe(event('b2', '2026-10-01T00:00:00.000Z'), []);
  tally.observe(event('b2', '2026-10-01T01:00:00.000Z'), [flag('b2', '2026-10-01T01:00:00.000Z')]);
  tally.observe(event('b2', '2026-10-01T02:00:00.000Z'), [{ ...flag('b2', '2026-10-01T02:00:00.000Z'), verdict: 'benign' }]);
  tally.observe(event('b1', '2026-10-01T02:30:00.000Z'), []);
  const results = sampleResults().map((r) => (r.account_id === 'b2' ? { ...r, first_flagged_at: '2026-10-01T01:00:00.000Z' } : r));
  const m = computeMetrics(LABELS, results, tally);
  // b2 (cleared by the end) and e1 (still flagged) of 6 benign accounts; b2's 2nd and 3rd requests of 4 benign requests
  assert.deepEqual({ value: m.benign_ever_flagged.value, numerator: m.benign_ever_flagged.numerator }, { value: 2 / 6, numerator: 2 });
  assert.deepEqual(m.benign_ever_flagged.per_persona, { casual: 1, 'eval-lab': 1 });
  assert.deepEqual({ ...m.benign_ever_flagged.requests_after }, { value: 0.5, numerator: 2, denominator: 4 });
  assert.equal(m.benign_fpr.numerator, 1);
});

test('time to detect is the first flagged member minus the campaign start, with median and p90', () => {
  const m = computeMetrics(LABELS, sampleResults(), new ServedTally());
  assert.equal(m.time_to_detect.campaigns, 1);
  assert.equal(m.time_to_detect.per_campaign[0]!.hours_to_detect, 2);
  assert.equal(m.time_to_detect.per_campaign[0]!.flagged_members, 2);
  assert.equal(m.time_to_detect.median_hours, 2);
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(quantile([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9), 90);
  assert.equal(quantile([], 0.5), null);
});

test('labelled accounts without events and unlabelled results are counted, not scored', () => {
  const results = sampleResults().filter((r) => r.account_id !== 'e2');
  results.push(result('stranger', 'distillation', null, '2026-10-01T00:00:00.000Z'));
  const m = computeMetrics(LABELS, results, new ServedTally());
  assert.deepEqual(m.accounts, { labelled: 10, evaluated: 9, labelled_without_events: 1, unlabelled_in_results: 1 });
  assert.equal(m.benign_fpr.denominator, 5);
});
