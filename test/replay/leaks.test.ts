// The leak breakdown: each attacker request after its campaign's first hour served in full goes to one bucket by
// what the audit log says the loop knew at its log time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyseLeaks, type AuditEntryLike, type LeakLabels } from '../../src/replay/leaks.ts';

const H = 3_600_000;
const T0 = Date.parse('2026-10-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

const labels: LeakLabels = {
  accounts: {
    a1: { class: 'distillation', persona: 'hydra', campaign_id: 'c1' },
    a2: { class: 'distillation', persona: 'hydra', campaign_id: 'c1' },
    a3: { class: 'distillation', persona: 'hydra', campaign_id: 'c1' },
    b1: { class: 'benign', persona: 'casual', campaign_id: null },
  },
  campaigns: { c1: { kind: 'distillation', attack: 'hydra', started_at: iso(T0) } },
};

const audit: AuditEntryLike[] = [
  // a1 degraded (campaign action) from 2 h; a2 joins it at 4 h; a3 only ever observed from 3 h
  { event: 'action.create', action_id: 'act_1', payload: { kind: 'degrade', status: 'active', shadow: false, accounts: ['a1'], decision_ts: iso(T0 + 2 * H) } },
  { event: 'action.create', action_id: 'act_2', payload: { kind: 'observe', status: 'active', shadow: false, accounts: ['a3'], decision_ts: iso(T0 + 3 * H) } },
  { event: 'action.extend', action_id: 'act_1', payload: { joined: ['a2'], decision_ts: iso(T0 + 4 * H) } },
];

test('served requests are split into undetected, member not covered, lag and covered by nothing that withholds', () => {
  const req = (accountId: string, h: number, reasoning: number, servedFull: boolean) => ({ accountId, tsMs: T0 + h * H, reasoning, servedFull });
  const r = analyseLeaks(labels, [
    req('a1', 0.5, 1000, true), // first hour: not counted
    req('a1', 1.5, 10, true), // before any action: undetected
    req('a1', 2.5, 20, true), // covered by degrade, still served: lag
    req('a1', 2.6, 40, false), // withheld
    req('a2', 3.5, 80, true), // campaign acted on, a2 not yet in: member_uncovered
    req('a2', 4.5, 160, false),
    req('a3', 3.5, 320, true), // only observe: not_withholding
    req('b1', 5, 5000, true), // benign: ignored
  ], audit);
  assert.deepEqual(r.totals.leaked, { undetected: 10, member_uncovered: 80, lag: 20, not_withholding: 320 });
  assert.equal(r.totals.reasoning_total, 10 + 20 + 40 + 80 + 160 + 320);
  assert.equal(r.totals.reasoning_withheld, 200);
  assert.equal(r.totals.accounts, 3);
  const c1 = r.per_campaign.c1!;
  assert.equal(c1.minutes_to_first_action, 120);
  assert.equal(c1.members_never_covered, 0);
  assert.deepEqual(Object.keys(r.per_attack), ['distillation/hydra']);
});

test('shadow actions and a pending review withhold nothing', () => {
  const shadowed: AuditEntryLike[] = [
    { event: 'action.create', action_id: 'act_s', payload: { kind: 'suspend', status: 'active', shadow: true, accounts: ['a1'], decision_ts: iso(T0) } },
    { event: 'action.create', action_id: 'act_p', payload: { kind: 'suspend', status: 'pending_review', shadow: false, accounts: ['a2'], decision_ts: iso(T0) } },
  ];
  const r = analyseLeaks(labels, [{ accountId: 'a1', tsMs: T0 + 2 * H, reasoning: 7, servedFull: true }, { accountId: 'a2', tsMs: T0 + 2 * H, reasoning: 9, servedFull: true }], shadowed);
  // a1's only action is a shadow one (no coverage); the campaign counts as acted on through a2's pending suspend
  assert.deepEqual(r.totals.leaked, { undetected: 0, member_uncovered: 7, lag: 0, not_withholding: 9 });
});

test('an action the detector lifted stops covering at the lift', () => {
  const lifted: AuditEntryLike[] = [
    { event: 'action.create', action_id: 'act_c', payload: { kind: 'observe', status: 'active', shadow: false, accounts: ['a2'], decision_ts: iso(T0) } },
    { event: 'action.create', action_id: 'act_l', payload: { kind: 'degrade', status: 'active', shadow: false, accounts: ['a1'], decision_ts: iso(T0 + 2 * H) } },
    { event: 'action.lift', action_id: 'act_l', payload: { verdict: 'benign', decision_ts: iso(T0 + 3 * H) } },
  ];
  const req = (h: number, reasoning: number) => ({ accountId: 'a1', tsMs: T0 + h * H, reasoning, servedFull: true });
  const r = analyseLeaks(labels, [req(2.5, 10), req(3.5, 20)], lifted);
  // before the lift a served request is lag; after it the account is covered by nothing, in a campaign acted on
  assert.deepEqual(r.totals.leaked, { undetected: 0, member_uncovered: 20, lag: 10, not_withholding: 0 });
});
