import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AccountResult, Decision } from '../../src/detect/types.ts';
import type { LogEventV1 } from '../../src/events/types.ts';
import { computeMetrics, ServedTally, type EvalLabels, type EvalMetrics } from '../../src/eval/metrics.ts';
import { parseSeedList, poolMetrics, runsMeetingTargets } from '../../src/eval/pool.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-10-01T00:00:00.000Z');
const at = (h: number) => new Date(T0 + h * HOUR).toISOString();

/** One labelled run: benign accounts (one flagged in `fpRun`), a 3-account campaign of which `caught` are flagged and linked. */
function labelledRun(prefix: string, benign: number, caught: number, fp: boolean) {
  const labels: EvalLabels = { accounts: {}, campaigns: { [`${prefix}c`]: { kind: 'distillation', attack: 'hydra', started_at: at(0) } } };
  const results: AccountResult[] = [];
  const tally = new ServedTally();
  const events: { ev: LogEventV1; decisions: Decision[] }[] = [];
  const send = (id: string, h: number, decisions: Decision[] = []) =>
    events.push({ ev: { ts: at(h), request_id: `${id}-${h}`, account_id: id, client: { ip: '10.0.0.1' }, endpoint: '/v1/chat/completions', model: 'm', params: {}, messages: [], response: { status: 200 } }, decisions });
  for (let i = 0; i < benign; i++) {
    const id = `${prefix}b${i}`;
    labels.accounts[id] = { class: 'benign', persona: i % 2 ? 'casual' : 'eval-lab', campaign_id: null };
    const flagged = fp && i === 0;
    results.push({ account_id: id, verdict: flagged ? 'distillation' : 'benign', risk: 0.5, campaign_id: null, first_flagged_at: flagged ? at(2) : null, signals: [] });
    for (let h = 1; h <= 3; h++) send(id, h, flagged && h === 2 ? [{ account_id: id, ts: at(2), verdict: 'distillation', risk: 0.99, campaign_id: null, reason: '' }] : []);
  }
  for (let i = 0; i < 3; i++) {
    const id = `${prefix}d${i}`;
    labels.accounts[id] = { class: 'distillation', persona: 'hydra', campaign_id: `${prefix}c` };
    const flagged = i < caught;
    const flagAt = 1 + i;
    results.push({ account_id: id, verdict: flagged ? 'distillation' : 'suspicious', risk: 0.9, campaign_id: flagged ? `${prefix}p` : null, first_flagged_at: flagged ? at(flagAt) : null, signals: [] });
    for (let h = 0; h < 6; h++) send(id, h, flagged && h === flagAt ? [{ account_id: id, ts: at(flagAt), verdict: 'distillation', risk: 0.99, campaign_id: `${prefix}p`, reason: '' }] : []);
  }
  events.sort((a, b) => a.ev.ts.localeCompare(b.ev.ts));
  for (const e of events) tally.observe(e.ev, e.decisions);
  return { labels, results, events };
}

function metricsOf(runs: ReturnType<typeof labelledRun>[]): EvalMetrics {
  const labels: EvalLabels = { accounts: {}, campaigns: {} };
  const tally = new ServedTally();
  for (const r of runs) {
    Object.assign(labels.accounts, r.labels.accounts);
    Object.assign(labels.campaigns, r.labels.campaigns);
  }
  for (const r of runs) for (const e of r.events) tally.observe(e.ev, e.decisions);
  return computeMetrics(labels, runs.flatMap((r) => r.results), tally);
}

test('pooled metrics are the metrics of the runs taken as one population', () => {
  const a = labelledRun('a', 150, 3, true);
  const b = labelledRun('b', 400, 2, false);
  const pooled = poolMetrics([{ label: 'a', metrics: metricsOf([a]) }, { label: 'b', metrics: metricsOf([b]) }]);
  const union = metricsOf([a, b]);
  // everything but the campaign ids of time to detect, which the pool prefixes with the run
  const { time_to_detect: pooledTtd, ...pooledRest } = pooled;
  const { time_to_detect: unionTtd, ...unionRest } = union;
  assert.deepEqual(pooledRest, unionRest);
  assert.deepEqual(pooledTtd.per_campaign.map((c) => c.campaign_id), ['a/ac', 'b/bc']);
  assert.deepEqual({ ...pooledTtd, per_campaign: [] }, { ...unionTtd, per_campaign: [] });
  // one false positive in 150 misses the target in its run; in 550 benign accounts it does not
  assert.equal(metricsOf([a]).targets.benign_fpr_max.met, false);
  assert.equal(pooled.benign_fpr.numerator, 1);
  assert.equal(pooled.benign_fpr.denominator, 550);
  assert.equal(pooled.targets.benign_fpr_max.met, true);
  // pairs add up: a's three linked members make 3 pairs, b's two make 1, of 3 true pairs each
  assert.deepEqual([pooled.campaign_pairwise.common_pairs, pooled.campaign_pairwise.true_pairs], [4, 6]);
});

test('runs meeting each target are counted run by run', () => {
  const runs = [
    { label: 'a', metrics: metricsOf([labelledRun('a', 150, 3, true)]) },
    { label: 'b', metrics: metricsOf([labelledRun('b', 400, 3, false)]) },
    { label: 'c', metrics: metricsOf([labelledRun('c', 400, 1, false)]) },
  ];
  const met = runsMeetingTargets(runs);
  assert.deepEqual(met.benign_fpr_max, { met: 2, runs: 3 });
  assert.deepEqual(met.campaign_pairwise_f1_min, { met: 2, runs: 3 });
  assert.throws(() => poolMetrics([]), /no runs/);
});

test('seed lists take numbers and ranges, each seed once, and name a bad part', () => {
  assert.deepEqual(parseSeedList('101,1-3, 2,7'), [101, 1, 2, 3, 7]);
  assert.deepEqual(parseSeedList('5'), [5]);
  assert.throws(() => parseSeedList('1,x'), /"x" is not a seed/);
  assert.throws(() => parseSeedList('6-2'), /smaller seed to the larger/);
  assert.throws(() => parseSeedList('1,,2'), /"" is not a seed/);
});
