import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decision, tempEnforcer } from './helpers.ts';

const ENFORCE = { mode: 'enforce' };

test('rules map verdict and risk to each action kind, first matching rule wins', (t) => {
  const { enforcer, accounts } = tempEnforcer(t, ENFORCE);
  accounts.set('a8', { tier: 'org', orgId: 'acme' });
  const cases: [string, Parameters<typeof decision>[1], number, string | null][] = [
    ['a1', 'distillation', 0.999, 'suspend'],
    ['a2', 'distillation', 0.5, 'degrade'],
    ['a3', 'extraction', 0.999, 'suspend'],
    ['a4', 'extraction', 0.3, 'verify'],
    ['a5', 'jailbreak', 0.1, 'throttle'],
    ['a6', 'suspicious', 0.4, 'observe'], // suspicious is only observed, whatever the tier
    ['a8', 'suspicious', 0.6, 'observe'], // verified: only observed
    ['a7', 'benign', 0.0, null],
  ];
  for (const [account, verdict, risk, kind] of cases) {
    const action = enforcer.onDecision(decision(account, verdict, risk));
    assert.equal(action?.kind ?? null, kind, `${verdict} ${risk}`);
    assert.equal(enforcer.enforcementFor(account)?.kind ?? null, kind);
  }
  const a1 = enforcer.enforcementFor('a1')!;
  assert.equal(a1.reasonCode, 'distillation');
  assert.match(a1.actionId, /^act_[0-9a-f]{16}$/);
});

test('a rule with tiers applies only to accounts at those tiers', (t) => {
  const rules = [
    { verdict: 'jailbreak', tiers: ['none'], action: 'suspend', campaign: false },
    { verdict: 'jailbreak', action: 'throttle', campaign: false },
  ];
  const { enforcer, accounts } = tempEnforcer(t, { ...ENFORCE, rules });
  accounts.set('anon', { tier: 'none', orgId: null });
  accounts.set('phoned', { tier: 'phone', orgId: null });
  assert.equal(enforcer.onDecision(decision('anon', 'jailbreak', 0.5))?.kind, 'suspend');
  assert.equal(enforcer.onDecision(decision('phoned', 'jailbreak', 0.5))?.kind, 'throttle');
  assert.equal(enforcer.onDecision(decision('unknown', 'jailbreak', 0.5))?.kind, 'suspend', 'an unknown account counts as tier none');
});

test('a campaign-wide action covers every member and new members join it', (t) => {
  const { enforcer } = tempEnforcer(t, ENFORCE);
  const campaign = { id: 'cmp_1', members: ['h1', 'h2', 'h3'], evidence: [{ type: 'shared_prompts', detail: '0.92 jaccard' }] };
  const action = enforcer.onDecision(decision('h1', 'distillation', 0.6, 'cmp_1'), campaign)!;
  assert.deepEqual(action.target, { type: 'campaign', id: 'cmp_1' });
  assert.deepEqual(action.accounts.sort(), ['h1', 'h2', 'h3']);
  assert.deepEqual(action.evidence, campaign.evidence);
  for (const h of ['h1', 'h2', 'h3']) assert.equal(enforcer.enforcementFor(h)?.actionId, action.id);

  const grown = { ...campaign, members: ['h1', 'h2', 'h3', 'h4'] };
  const joined = enforcer.onDecision(decision('h4', 'distillation', 0.6, 'cmp_1'), grown)!;
  assert.equal(joined.id, action.id, 'joins the existing action');
  assert.equal(enforcer.enforcementFor('h4')?.actionId, action.id);
  assert.equal(enforcer.list().length, 1);
  assert.deepEqual(enforcer.get(action.id)!.accounts.sort(), ['h1', 'h2', 'h3', 'h4']);
  assert.equal(enforcer.auditLog.list().at(-1)!.event, 'action.extend');
});

test('suspending an id or org tier account waits for review and approval applies it', (t) => {
  const { enforcer, accounts } = tempEnforcer(t, ENFORCE);
  accounts.set('verified', { tier: 'id', orgId: null });
  const action = enforcer.onDecision(decision('verified', 'distillation', 0.999))!;
  assert.equal(action.kind, 'suspend');
  assert.equal(action.status, 'pending_review');
  assert.equal(enforcer.enforcementFor('verified')?.kind, 'degrade', 'only degraded (reasoning hidden) until an analyst approves');
  assert.deepEqual(enforcer.list({ status: 'pending_review' }).map((a) => a.id), [action.id]);

  const approved = enforcer.approve(action.id, 'alice');
  assert.equal(approved.status, 'active');
  assert.equal(enforcer.enforcementFor('verified')?.kind, 'suspend');
  const entry = enforcer.auditLog.list().at(-1)!;
  assert.equal(entry.event, 'action.approve');
  assert.equal(entry.actor, 'analyst:alice');
  assert.throws(() => enforcer.approve(action.id, 'alice'), (e: any) => e.code === 'DG_ERR_CONFLICT');
});

test('a rejected review leaves the account alone', (t) => {
  const { enforcer, accounts } = tempEnforcer(t, ENFORCE);
  accounts.set('corp', { tier: 'org', orgId: 'acme' });
  const action = enforcer.onDecision(decision('corp', 'extraction', 0.999))!;
  assert.equal(enforcer.reject(action.id, 'bob').status, 'rejected');
  assert.equal(enforcer.enforcementFor('corp'), null);
  assert.throws(() => enforcer.approve(action.id, 'bob'), /rejected, not pending review/);
});

test('a review-tier account joining a suspended campaign waits for review alone', (t) => {
  const { enforcer, accounts } = tempEnforcer(t, ENFORCE);
  accounts.set('v', { tier: 'id', orgId: null });
  const campaign = { id: 'cmp_s', members: ['x1', 'x2'], evidence: [] };
  const suspended = enforcer.onDecision(decision('x1', 'distillation', 0.999, 'cmp_s'), campaign)!;
  assert.equal(suspended.status, 'active');
  enforcer.onDecision(decision('v', 'distillation', 0.999, 'cmp_s'), { ...campaign, members: ['x1', 'x2', 'v'] });
  assert.equal(enforcer.enforcementFor('v')?.kind, 'degrade', 'degraded, not suspended, while the review waits');
  const pending = enforcer.list({ status: 'pending_review', accountId: 'v' });
  assert.equal(pending.length, 1);
  assert.deepEqual(pending[0]!.target, { type: 'account', id: 'v' });
});

test('allowlisted accounts and orgs are never acted on, and the skip is audited', (t) => {
  const { enforcer, accounts } = tempEnforcer(t, { ...ENFORCE, allowlist: { accounts: ['friend'], orgs: ['partner'] } });
  accounts.set('p1', { tier: 'org', orgId: 'partner' });
  assert.equal(enforcer.onDecision(decision('friend', 'distillation', 0.999)), null);
  assert.equal(enforcer.onDecision(decision('p1', 'distillation', 0.999)), null);
  assert.equal(enforcer.enforcementFor('friend'), null);
  assert.equal(enforcer.list().length, 0);
  const skips = enforcer.auditLog.list().filter((e) => e.event === 'action.skip');
  assert.deepEqual(skips.map((e) => e.payload.skipped), ['allowlisted account', 'allowlisted org partner']);
  // a campaign action leaves its allowlisted members out
  const action = enforcer.onDecision(decision('h1', 'distillation', 0.5, 'c'), { id: 'c', members: ['h1', 'friend'], evidence: [] })!;
  assert.deepEqual(action.accounts, ['h1']);
  assert.equal(enforcer.enforcementFor('friend'), null);
});

test('shadow mode records actions but applies none', (t) => {
  const { enforcer } = tempEnforcer(t);
  assert.equal(enforcer.mode, 'shadow', 'a new install starts in shadow mode');
  const action = enforcer.onDecision(decision('s1', 'distillation', 0.999))!;
  assert.equal(action.shadow, true);
  assert.equal(action.status, 'active');
  assert.equal(enforcer.enforcementFor('s1'), null);

  enforcer.setMode('enforce', 'carol');
  assert.equal(enforcer.mode, 'enforce');
  const real = enforcer.onDecision(decision('s1', 'distillation', 0.999))!;
  assert.equal(real.shadow, false, 'a shadow record does not block the real action');
  assert.equal(enforcer.enforcementFor('s1')?.actionId, real.id);
  const modeEntry = enforcer.auditLog.list().find((e) => e.event === 'mode.change')!;
  assert.deepEqual(modeEntry.payload, { from: 'shadow', to: 'enforce' });
  assert.equal(modeEntry.actor, 'analyst:carol');
});

test('equal or weaker decisions are idempotent and stronger ones escalate', (t) => {
  const { enforcer } = tempEnforcer(t, ENFORCE);
  const degrade = enforcer.onDecision(decision('e1', 'distillation', 0.5))!;
  assert.equal(enforcer.onDecision(decision('e1', 'distillation', 0.6)), null);
  assert.equal(enforcer.onDecision(decision('e1', 'jailbreak', 0.6)), null, 'throttle is weaker than degrade');
  const suspend = enforcer.onDecision(decision('e1', 'distillation', 0.999))!;
  assert.equal(suspend.kind, 'suspend');
  assert.equal(enforcer.enforcementFor('e1')?.actionId, suspend.id);
  assert.equal(enforcer.get(degrade.id)!.status, 'active', 'the weaker action stays in history');
  assert.equal(enforcer.auditLog.list().at(-1)!.payload.escalates, degrade.id);
  // a benign decision afterwards does not undo
  assert.equal(enforcer.onDecision(decision('e1', 'benign', 0)), null);
  assert.equal(enforcer.enforcementFor('e1')?.kind, 'suspend');
});

test('undo removes the enforcement and is audited with who and why', (t) => {
  const { enforcer } = tempEnforcer(t, ENFORCE);
  const degrade = enforcer.onDecision(decision('u1', 'distillation', 0.5))!;
  const suspend = enforcer.onDecision(decision('u1', 'distillation', 0.999))!;
  const undone = enforcer.undo(suspend.id, 'dave', 'false positive: eval lab');
  assert.equal(undone.status, 'undone');
  assert.equal(undone.undoneBy, 'analyst:dave');
  assert.equal(enforcer.enforcementFor('u1')?.actionId, degrade.id, 'falls back to the next strongest');
  enforcer.undo(degrade.id, 'dave');
  assert.equal(enforcer.enforcementFor('u1'), null);
  const entry = enforcer.auditLog.list({ actionId: suspend.id }).at(-1)!;
  assert.equal(entry.event, 'action.undo');
  assert.equal(entry.payload.reason, 'false positive: eval lab');
  assert.throws(() => enforcer.undo(suspend.id, 'dave'), (e: any) => e.code === 'DG_ERR_CONFLICT');
  assert.throws(() => enforcer.undo('act_0000000000000000', 'dave'), (e: any) => e.code === 'DG_ERR_NOT_FOUND' && e.param === 'id');
});

test('an analyst can suspend a whole campaign by hand, even in shadow mode', (t) => {
  const { enforcer } = tempEnforcer(t);
  const action = enforcer.createManual({ kind: 'suspend', target: { type: 'campaign', id: 'cmp_m' }, reason: 'hydra', accounts: ['m1', 'm2'] }, 'erin');
  assert.equal(action.actor, 'analyst:erin');
  assert.equal(action.shadow, false);
  assert.equal(enforcer.enforcementFor('m2')?.kind, 'suspend');
  assert.equal(enforcer.enforcementFor('m2')?.reasonCode, 'analyst');
  assert.throws(() => enforcer.createManual({ kind: 'suspend', target: { type: 'campaign', id: 'nobody' }, reason: 'x' }, 'erin'), (e: any) => e.param === 'accounts');
  assert.throws(() => enforcer.createManual({ kind: 'suspend', target: { type: 'account', id: 'z' }, reason: ' ' }, 'erin'), (e: any) => e.param === 'reason');
});

test('a restart restores the actions in force', (t) => {
  const env = tempEnforcer(t, ENFORCE);
  const action = env.enforcer.onDecision(decision('r1', 'extraction', 0.5))!;
  env.enforcer.setMode('shadow', 'frank');
  const restarted = env.openAnother({ mode: 'enforce' }).enforcer;
  assert.equal(restarted.enforcementFor('r1')?.actionId, action.id);
  assert.equal(restarted.mode, 'shadow', 'a mode set by an analyst outlives the config default');
});

test('a second enforcer on the same file sees changes through data_version', async (t) => {
  const env = tempEnforcer(t, ENFORCE);
  const gateway = env.openAnother().enforcer;
  let changes = 0;
  gateway.onChange(() => changes++);
  gateway.startWatching(20);
  const action = env.enforcer.onDecision(decision('w1', 'jailbreak', 0.5))!;
  await waitFor(() => gateway.enforcementFor('w1')?.actionId === action.id);
  env.enforcer.undo(action.id, 'gina');
  await waitFor(() => gateway.enforcementFor('w1') === null);
  const campaign = { id: 'cmp_w', members: ['w2', 'w3'], evidence: [] };
  const wide = env.enforcer.onDecision(decision('w2', 'jailbreak', 0.5, 'cmp_w'), campaign)!;
  await waitFor(() => gateway.enforcementFor('w3')?.actionId === wide.id);
  env.enforcer.onDecision(decision('w4', 'jailbreak', 0.5, 'cmp_w'), { ...campaign, members: ['w2', 'w3', 'w4'] });
  await waitFor(() => gateway.enforcementFor('w4')?.actionId === wide.id);
  assert.deepEqual(gateway.get(wide.id)!.accounts, ['w2', 'w3', 'w4']);
  env.enforcer.undo(wide.id, 'gina');
  await waitFor(() => ['w2', 'w3', 'w4'].every((w) => gateway.enforcementFor(w) === null));
  env.enforcer.setMode('shadow', 'gina');
  await waitFor(() => gateway.mode === 'shadow');
  assert.ok(changes >= 6);
});

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(cond(), 'condition not reached');
}

test("a campaign's action takes in every member the detector links, whatever the deciding account's own verdict", (t) => {
  const { enforcer, accounts } = tempEnforcer(t, ENFORCE);
  accounts.set('m2', { tier: 'org', orgId: 'acme' }); // on its own, a suspicious org account is only observed
  const degrade = enforcer.onDecision(decision('m1', 'distillation', 0.9, 'cmp_j'), { id: 'cmp_j', members: ['m1'], evidence: [] })!;
  assert.equal(degrade.kind, 'degrade');
  assert.equal(enforcer.enforcementFor('m2'), null);
  // m2 is only suspicious on its own, but the detector now links it (and m3) to the campaign
  const joined = enforcer.onDecision(decision('m2', 'suspicious', 0.6, 'cmp_j'), { id: 'cmp_j', members: ['m1', 'm2', 'm3'], evidence: [] })!;
  assert.equal(joined.id, degrade.id);
  assert.deepEqual(joined.accounts.sort(), ['m2', 'm3']);
  for (const m of ['m1', 'm2', 'm3']) assert.equal(enforcer.enforcementFor(m)?.actionId, degrade.id, m);
  const extend = enforcer.auditLog.list().filter((e) => e.event === 'action.extend');
  assert.equal(extend.length, 1);
  assert.deepEqual(extend[0]!.payload.joined, ['m2', 'm3']);
  // nothing new to join: no entry; a suspicious decision without a campaign action is only observed
  assert.equal(enforcer.onDecision(decision('m3', 'suspicious', 0.6, 'cmp_j'), { id: 'cmp_j', members: ['m1', 'm2', 'm3'], evidence: [] }), null);
  assert.equal(enforcer.auditLog.list().filter((e) => e.event === 'action.extend').length, 1);
  accounts.set('lone', { tier: 'id', orgId: null });
  assert.equal(enforcer.onDecision(decision('lone', 'suspicious', 0.6, 'cmp_other'))?.kind, 'observe');
});
