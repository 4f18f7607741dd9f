import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyOutcome, parseAction, type ReplayAction } from '../../src/replay/outcomes.ts';
import { ReplayTally, type ReplayLabels } from '../../src/replay/tally.ts';

const T0 = Date.parse('2026-10-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;

function answer(tally: ReplayTally, id: string, tsMs: number, status: number, action: ReplayAction, output: number, reasoning: number): void {
  tally.noteIssued(id, tsMs);
  tally.record(id, iso(tsMs), tsMs, { outcome: classifyOutcome(status, action), action, outputTokens: output, reasoningTokens: reasoning });
}

const labels: ReplayLabels = {
  accounts: {
    b1: { class: 'benign', persona: 'student', campaign_id: null },
    b2: { class: 'benign', persona: 'enterprise', campaign_id: null },
    a1: { class: 'distillation', persona: 'hydra', campaign_id: 'camp_1' },
    a2: { class: 'distillation', persona: 'hydra', campaign_id: 'camp_1' },
    lone: { class: 'jailbreak', persona: 'lone', campaign_id: null },
  },
  campaigns: { camp_1: { kind: 'distillation', attack: 'hydra', started_at: iso(T0) } },
};

test('an answer is served in full, degraded (2xx with degrade) or blocked (any non-2xx)', () => {
  assert.equal(classifyOutcome(200, 'none'), 'served_full');
  assert.equal(classifyOutcome(200, 'throttle'), 'served_full');
  assert.equal(classifyOutcome(200, 'degrade'), 'degraded');
  assert.equal(classifyOutcome(429, 'throttle'), 'blocked');
  assert.equal(classifyOutcome(403, 'none'), 'blocked');
  assert.equal(classifyOutcome(502, 'none'), 'blocked');
});

test('a missing or unknown action header counts as none', () => {
  assert.equal(parseAction(undefined), 'none');
  assert.equal(parseAction('bogus'), 'none');
  assert.equal(parseAction('suspend'), 'suspend');
  assert.equal(parseAction(['degrade']), 'degrade');
});

test('logged tokens are delivered or withheld by outcome', () => {
  const tally = new ReplayTally(null);
  answer(tally, 'x', T0, 200, 'none', 10, 100);
  answer(tally, 'x', T0 + 1, 200, 'degrade', 20, 200);
  answer(tally, 'x', T0 + 2, 429, 'throttle', 40, 400);
  const x = tally.perAccount().x!;
  assert.deepEqual([x.served_full, x.degraded, x.blocked], [1, 1, 1]);
  assert.equal(x.output_tokens_delivered, 30);
  assert.equal(x.output_tokens_withheld, 40);
  assert.equal(x.reasoning_tokens_delivered, 100);
  assert.equal(x.reasoning_tokens_withheld, 600);
  assert.deepEqual(x.actions, { none: 1, throttle: 1, degrade: 1, verify: 0, suspend: 0 });
  assert.equal(x.first_action_at, iso(T0 + 1));
  assert.equal(tally.summary().per_class.unlabelled!.requests, 3);
});

test('first_action_at is the earliest log time even when answers arrive out of order', () => {
  const tally = new ReplayTally(null);
  tally.record('x', iso(T0 + 5000), T0 + 5000, { outcome: 'blocked', action: 'verify', outputTokens: 0, reasoningTokens: 0 });
  tally.record('x', iso(T0 + 1000), T0 + 1000, { outcome: 'degraded', action: 'degrade', outputTokens: 0, reasoningTokens: 0 });
  assert.equal(tally.perAccount().x!.first_action_at, iso(T0 + 1000));
});

test('attacker reasoning counts only after the first hour of each campaign, from labels or the first event seen', () => {
  const tally = new ReplayTally(labels);
  answer(tally, 'a1', T0 + 10 * 60_000, 200, 'none', 5, 1000); // first hour of camp_1: not counted
  answer(tally, 'a2', T0 + 2 * HOUR, 200, 'degrade', 5, 300);
  answer(tally, 'a1', T0 + 3 * HOUR, 200, 'none', 5, 100);
  // The lone attacker has no campaign in the labels: its first hour starts at its first event.
  answer(tally, 'lone', T0 + 5 * HOUR, 200, 'none', 5, 7000);
  answer(tally, 'lone', T0 + 6 * HOUR + 1, 403, 'verify', 5, 600);
  const s = tally.summary();
  assert.deepEqual(s.attacker_reasoning_after_first_hour, { total: 1000, withheld_or_degraded: 900, share: 0.9 });
  assert.equal(s.targets.attacker_reasoning_withheld_share.met, true);
  assert.equal(s.per_campaign.camp_1!.accounts, 2);
  assert.equal(s.per_campaign.camp_1!.requests, 3);
  assert.equal(s.per_class.distillation!.reasoning_tokens_withheld, 300);
});

test('benign impact counts requests that met any action, per persona, and suspended benign accounts', () => {
  const tally = new ReplayTally(labels);
  for (let i = 0; i < 998; i++) answer(tally, 'b1', T0 + i, 200, 'none', 1, 1);
  answer(tally, 'b1', T0 + 998, 200, 'throttle', 1, 1);
  answer(tally, 'b2', T0 + 999, 403, 'suspend', 1, 1);
  const s = tally.summary();
  assert.equal(s.benign!.requests, 1000);
  assert.equal(s.benign!.affected, 2);
  assert.equal(s.benign!.affected_share, 0.002);
  assert.deepEqual(s.benign!.personas_affected, { student: 1, enterprise: 1 });
  assert.equal(s.benign!.accounts_suspended, 1);
  assert.deepEqual(s.benign!.suspended_account_ids, ['b2']);
  assert.equal(s.targets.benign_affected_share.met, false);
  assert.equal(s.targets.benign_accounts_suspended.met, false);
});

test('a benign account found suspended at the end counts even if no request met the suspension', () => {
  const tally = new ReplayTally(labels);
  answer(tally, 'b1', T0, 200, 'none', 1, 1);
  tally.markSuspended('b1');
  assert.equal(tally.summary().benign!.accounts_suspended, 1);
});

test('without labels the targets have no data', () => {
  const tally = new ReplayTally(null);
  answer(tally, 'x', T0, 200, 'none', 1, 1);
  const s = tally.summary();
  assert.equal(s.benign, null);
  assert.equal(s.attacker_reasoning_after_first_hour, null);
  assert.equal(s.targets.benign_affected_share.met, null);
});
