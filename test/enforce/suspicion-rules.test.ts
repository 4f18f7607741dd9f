// Rules for verdicts that are often transient: risk floors named after the detector's thresholds, the class an
// account is suspected of, a wait for more requests at the verdict, and actions the detector lifts when it clears.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../src/config/load.ts';
import { decision, tempEnforcer } from './helpers.ts';

/** Lifts at once unless a test says otherwise (the shipped lift_after_requests is tested on its own). */
const ENFORCE = { mode: 'enforce', lift_after_requests: 0 };
const SUSPECTED_DISTILLATION = { suspected: 'distillation' as const };

test('a min_risk named after a detector threshold follows the thresholds the detector runs with', (t) => {
  const rules = [
    { verdict: 'distillation', min_risk: 'flagged', action: 'suspend' },
    { verdict: 'distillation', action: 'degrade' },
  ];
  const shipped = tempEnforcer(t, { ...ENFORCE, rules }, { suspicious: 0.5, flagged: 0.8 }).enforcer;
  assert.equal(shipped.onDecision(decision('a', 'distillation', 0.85))?.kind, 'suspend');
  assert.equal(shipped.onDecision(decision('b', 'distillation', 0.7))?.kind, 'degrade', 'flagged through its campaign, below the flag threshold');
  // a refit that moves the risk scale moves the rule with it
  const refit = tempEnforcer(t, { ...ENFORCE, rules }, { suspicious: 0.76, flagged: 0.995 }).enforcer;
  assert.equal(refit.onDecision(decision('a', 'distillation', 0.85))?.kind, 'degrade');
  assert.equal(refit.onDecision(decision('c', 'distillation', 0.999))?.kind, 'suspend');
});

test('a rule with suspected applies only to accounts suspected of those classes', (t) => {
  const rules = [
    { verdict: 'suspicious', suspected: ['distillation'], action: 'degrade', campaign: false },
    { verdict: 'suspicious', action: 'observe', campaign: false },
  ];
  const { enforcer } = tempEnforcer(t, { ...ENFORCE, rules });
  assert.equal(enforcer.onDecision(decision('d', 'suspicious', 0.8, null, SUSPECTED_DISTILLATION))?.kind, 'degrade');
  assert.equal(enforcer.onDecision(decision('x', 'suspicious', 0.8, null, { suspected: 'extraction' }))?.kind, 'observe');
  assert.equal(enforcer.onDecision(decision('u', 'suspicious', 0.8))?.kind, 'observe', 'a decision that does not say is suspected of nothing');
  const flagged = tempEnforcer(t, { ...ENFORCE, rules: [{ verdict: 'distillation', suspected: ['distillation'], action: 'verify' }] }).enforcer;
  assert.equal(flagged.onDecision(decision('f', 'distillation', 0.9))?.kind, 'verify', 'a flagged verdict is suspected of its own class');
});

test('an action with lift_when_cleared holds while the verdict does and the detector lifts it, on the record', (t) => {
  const rules = [
    { verdict: 'distillation', action: 'degrade' },
    { verdict: 'suspicious', action: 'degrade', campaign: false, lift_when_cleared: true },
  ];
  const { enforcer } = tempEnforcer(t, { ...ENFORCE, rules });
  const provisional = enforcer.onDecision(decision('s', 'suspicious', 0.8))!;
  assert.equal(provisional.liftWhenCleared, true);
  assert.equal(enforcer.enforcementFor('s')?.kind, 'degrade');

  const lifted = enforcer.onDecision(decision('s', 'benign', 0.1, null, { ts: '2026-11-27T00:05:00.000Z' }))!;
  assert.equal(lifted.id, provisional.id);
  assert.equal(enforcer.enforcementFor('s'), null);
  const stored = enforcer.get(provisional.id)!;
  assert.equal(stored.status, 'undone');
  assert.equal(stored.undoneBy, 'detector@1.2.3');
  const entry = enforcer.auditLog.list({ actionId: provisional.id }).at(-1)!;
  assert.equal(entry.event, 'action.lift');
  assert.equal(entry.payload.decision_ts, '2026-11-27T00:05:00.000Z');
  assert.equal(enforcer.verifyAudit().ok, true);
  assert.equal(enforcer.onDecision(decision('s', 'benign', 0.1)), null, 'nothing left to lift');
  assert.ok(enforcer.onDecision(decision('s', 'suspicious', 0.8)), 'suspicious again: acted on again');
});

test('an action the detector may lift does not stand in for one that holds, and a benign decision lifts only the former', (t) => {
  const rules = [
    { verdict: 'distillation', action: 'degrade', campaign: false },
    { verdict: 'suspicious', action: 'degrade', campaign: false, lift_when_cleared: true },
  ];
  const { enforcer } = tempEnforcer(t, { ...ENFORCE, rules });
  const provisional = enforcer.onDecision(decision('s', 'suspicious', 0.8))!;
  const held = enforcer.onDecision(decision('s', 'distillation', 0.999))!;
  assert.notEqual(held.id, provisional.id, 'flagged: its own action, not covered by the provisional one');
  assert.equal(held.liftWhenCleared, false);
  enforcer.onDecision(decision('s', 'benign', 0.1));
  assert.equal(enforcer.get(provisional.id)!.status, 'undone');
  assert.equal(enforcer.get(held.id)!.status, 'active', 'analysts undo what a flag caused');
  assert.equal(enforcer.enforcementFor('s')?.actionId, held.id);
});

test('after_requests acts only once the account has sent that many more requests at the verdict', (t) => {
  const rules = [{ verdict: 'suspicious', after_requests: 3, action: 'degrade', campaign: false, lift_when_cleared: true }];
  const { enforcer } = tempEnforcer(t, { ...ENFORCE, rules });
  const at = (i: number) => `2026-11-27T00:0${i}:00.000Z`;
  assert.equal(enforcer.onDecision(decision('w', 'suspicious', 0.8)), null);
  assert.equal(enforcer.waitingAccounts, 1);
  assert.deepEqual(enforcer.onRequests([{ account_id: 'w', ts: at(1) }, { account_id: 'other', ts: at(1) }, { account_id: 'w', ts: at(2) }]), []);
  assert.equal(enforcer.enforcementFor('w'), null);
  const [action] = enforcer.onRequests([{ account_id: 'w', ts: at(3) }]);
  assert.equal(action?.kind, 'degrade');
  assert.equal(enforcer.enforcementFor('w')?.actionId, action!.id);
  assert.equal(enforcer.waitingAccounts, 0);
  const payload = enforcer.auditLog.list({ actionId: action!.id })[0]!.payload;
  assert.equal(payload.decision_ts, at(3), 'the action dates from the request that ended the wait');
  assert.equal(payload.verdict_since, '2026-11-27T00:00:00.000Z');
  assert.equal(payload.waited_requests, 3);

  // a benign decision during the wait pauses it: requests sent while cleared do not count
  enforcer.onDecision(decision('b', 'suspicious', 0.8));
  enforcer.onRequests([{ account_id: 'b', ts: at(1) }]);
  enforcer.onDecision(decision('b', 'benign', 0.2));
  assert.deepEqual(enforcer.onRequests([1, 2, 3].map((i) => ({ account_id: 'b', ts: at(i) }))), []);
  assert.equal(enforcer.list({ accountId: 'b' }).length, 0);
  // back at the verdict, the count goes on from where it stopped: two more requests make three
  enforcer.onDecision(decision('b', 'suspicious', 0.8));
  assert.deepEqual(enforcer.onRequests([{ account_id: 'b', ts: at(4) }]), []);
  assert.equal(enforcer.onRequests([{ account_id: 'b', ts: at(5) }])[0]?.kind, 'degrade');
  // cleared (lifted) and suspicious again after its three requests: acted on at once
  enforcer.onDecision(decision('b', 'benign', 0.2));
  assert.equal(enforcer.enforcementFor('b'), null);
  assert.equal(enforcer.onDecision(decision('b', 'suspicious', 0.8))?.kind, 'degrade');
});

test('lift_after_requests keeps a lifted action until the cleared account has sent that many more requests', (t) => {
  const rules = [{ verdict: 'suspicious', action: 'degrade', campaign: false, lift_when_cleared: true }];
  const { enforcer } = tempEnforcer(t, { ...ENFORCE, rules, lift_after_requests: 3 });
  const at = (i: number) => `2026-11-27T00:0${i}:00.000Z`;
  const provisional = enforcer.onDecision(decision('h', 'suspicious', 0.8))!;
  assert.equal(enforcer.onDecision(decision('h', 'benign', 0.2)), null, 'cleared: nothing lifted yet');
  enforcer.onRequests([{ account_id: 'h', ts: at(1) }, { account_id: 'other', ts: at(1) }, { account_id: 'h', ts: at(2) }]);
  assert.equal(enforcer.enforcementFor('h')?.actionId, provisional.id, 'two requests while cleared: still degraded');
  // suspected again before the third: the count starts over and the action stays
  enforcer.onDecision(decision('h', 'suspicious', 0.8));
  enforcer.onDecision(decision('h', 'benign', 0.2));
  enforcer.onRequests([{ account_id: 'h', ts: at(3) }, { account_id: 'h', ts: at(4) }]);
  assert.equal(enforcer.get(provisional.id)!.status, 'active');
  enforcer.onRequests([{ account_id: 'h', ts: at(5) }]);
  assert.equal(enforcer.get(provisional.id)!.status, 'undone', 'lifted with the third request sent while cleared');
  assert.equal(enforcer.enforcementFor('h'), null);
  const entry = enforcer.auditLog.list({ actionId: provisional.id }).at(-1)!;
  assert.equal(entry.event, 'action.lift');
  assert.equal(entry.payload.decision_ts, at(5), 'the lift dates from the request that ended the wait');
  assert.equal(enforcer.verifyAudit().ok, true);
});

test('the rules schema rejects a campaign action the detector would lift and unknown threshold names', () => {
  assert.throws(
    () => resolveConfig({ enforcement: { rules: [{ verdict: 'suspicious', action: 'degrade', lift_when_cleared: true }] } }),
    /enforcement\.rules\.0\.lift_when_cleared: lift_when_cleared applies to account actions only/,
  );
  assert.throws(() => resolveConfig({ enforcement: { rules: [{ verdict: 'suspicious', action: 'degrade', min_risk: 'high' }] } }), /enforcement\.rules\.0\.min_risk/);
  assert.throws(() => resolveConfig({ enforcement: { rules: [{ verdict: 'suspicious', action: 'degrade', after_requests: -1 }] } }), /after_requests/);
});

test('the shipped rules degrade an account suspected of distillation at the flag threshold or after three more requests, until it is cleared', (t) => {
  const { enforcer, accounts } = tempEnforcer(t, ENFORCE);
  accounts.set('casual', { tier: 'none', orgId: null });
  accounts.set('lab', { tier: 'org', orgId: 'lab' });
  const requests = (account: string, n: number) => Array.from({ length: n }, (_, i) => ({ account_id: account, ts: `2026-11-27T01:0${i}:00.000Z` }));
  // a benign account that reaches suspicious on a request or two and drops back is never touched
  enforcer.onDecision(decision('casual', 'suspicious', 0.9, null, SUSPECTED_DISTILLATION));
  enforcer.onRequests(requests('casual', 2));
  enforcer.onDecision(decision('casual', 'benign', 0.3, null, SUSPECTED_DISTILLATION));
  enforcer.onRequests(requests('casual', 5));
  assert.equal(enforcer.enforcementFor('casual'), null);
  // one that stays suspicious is degraded, whatever its tier, and lifted when cleared
  enforcer.onDecision(decision('lab', 'suspicious', 0.9, null, SUSPECTED_DISTILLATION));
  enforcer.onRequests(requests('lab', 3));
  assert.equal(enforcer.enforcementFor('lab')?.kind, 'degrade');
  enforcer.onDecision(decision('lab', 'benign', 0.3, null, SUSPECTED_DISTILLATION));
  assert.equal(enforcer.enforcementFor('lab'), null);
  // its own score at the flag threshold (only too few requests keep it from being flagged): degraded at once
  assert.equal(enforcer.onDecision(decision('fresh', 'suspicious', 0.999, null, SUSPECTED_DISTILLATION))?.kind, 'degrade');
  // suspected of extraction: only observed
  enforcer.onDecision(decision('probe', 'suspicious', 0.9, null, { suspected: 'extraction' }));
  enforcer.onRequests(requests('probe', 5));
  assert.equal(enforcer.enforcementFor('probe')?.kind, 'observe');
});
