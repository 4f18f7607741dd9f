import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../src/config/load.ts';
import type { Principal } from '../../src/identity/types.ts';
import { InProcessRateLimiter } from '../../src/policy/in-process-limiter.ts';
import { forgetScopes, scopesFor } from '../../src/policy/scopes.ts';

const config = resolveConfig({});

function principal(over: Partial<Principal> = {}): Principal {
  return { keyId: 'key_1', accountId: 'acct_1', orgId: null, tier: 'none', groupId: null, status: 'active', ...over };
}

test('scopes are the key and the account with their tier rules', () => {
  const p = principal({ keyId: 'key_plain' });
  const scopes = scopesFor(p, config.tiers.none, config.group);
  assert.deepEqual(scopes, [
    { kind: 'key', id: 'key_plain', rule: config.tiers.none.key },
    { kind: 'account', id: 'acct_1', rule: config.tiers.none.account },
  ]);
});

test('a grouped account also draws on its group budget', () => {
  const p = principal({ keyId: 'key_grouped', groupId: 'campaign-9' });
  const scopes = scopesFor(p, config.tiers.email, config.group);
  assert.equal(scopes.length, 3);
  assert.deepEqual(scopes[2], { kind: 'group', id: 'campaign-9', rule: config.group });
});

test('repeated calls for the same key return the same cached array', () => {
  const p = principal({ keyId: 'key_cached' });
  const first = scopesFor(p, config.tiers.none, config.group);
  assert.equal(scopesFor({ ...p }, config.tiers.none, config.group), first);
});

test('the cache is invalidated when tier, group or group rule change', () => {
  const p = principal({ keyId: 'key_changes' });
  const base = scopesFor(p, config.tiers.none, config.group);

  const upgraded = scopesFor({ ...p, tier: 'phone' }, config.tiers.phone, config.group);
  assert.notEqual(upgraded, base);
  assert.equal(upgraded[0].rule, config.tiers.phone.key);

  const grouped = scopesFor({ ...p, tier: 'phone', groupId: 'g1' }, config.tiers.phone, config.group);
  assert.equal(grouped.length, 3);
  const regrouped = scopesFor({ ...p, tier: 'phone', groupId: 'g2' }, config.tiers.phone, config.group);
  assert.equal(regrouped[2].id, 'g2');

  const newRule = { rpm: 5, tpm: 500 };
  const reruled = scopesFor({ ...p, tier: 'phone', groupId: 'g2' }, config.tiers.phone, newRule);
  assert.equal(reruled[2].rule, newRule);

  const ungrouped = scopesFor({ ...p, tier: 'phone', groupId: null }, config.tiers.phone, newRule);
  assert.equal(ungrouped.length, 2);
});

test('forgetScopes drops a key from the cache', () => {
  const p = principal({ keyId: 'key_forgotten' });
  const first = scopesFor(p, config.tiers.none, config.group);
  forgetScopes('key_forgotten');
  const second = scopesFor(p, config.tiers.none, config.group);
  assert.notEqual(second, first);
  assert.deepEqual(second, first);
});

test('two accounts in one group share its budget through their scopes', () => {
  const groupRule = { rpm: 2, tpm: null };
  const alice = scopesFor(principal({ keyId: 'key_alice', accountId: 'alice', groupId: 'hydra' }), config.tiers.org, groupRule);
  const bob = scopesFor(principal({ keyId: 'key_bob', accountId: 'bob', groupId: 'hydra' }), config.tiers.org, groupRule);
  const limiter = new InProcessRateLimiter();
  assert.equal(limiter.admit(alice, 10, 0).ok, true);
  assert.equal(limiter.admit(bob, 10, 0).ok, true);
  const third = limiter.admit(alice, 10, 0);
  assert.equal(third.ok, false);
  if (!third.ok) assert.equal(third.scope, 'group');
});
