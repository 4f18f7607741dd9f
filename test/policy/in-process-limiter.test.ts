import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProcessRateLimiter } from '../../src/policy/in-process-limiter.ts';
import type { Admission, LimitScope, RateRule, Reservation } from '../../src/policy/types.ts';

const T0 = 1_700_000_000_000;

function scope(kind: LimitScope['kind'], id: string, rule: RateRule): LimitScope {
  return { kind, id, rule };
}

function admitted(a: Admission): Reservation {
  assert.equal(a.ok, true, a.ok ? '' : `refused on ${a.scope} ${a.dimension}`);
  if (!a.ok) throw new Error('unreachable');
  return a.reservation;
}

function refused(a: Admission): Extract<Admission, { ok: false }> {
  assert.equal(a.ok, false, 'expected a refusal');
  if (a.ok) throw new Error('unreachable');
  return a;
}

test('10 concurrent admissions of 3000 tokens against tpm 10000 admit exactly 3', async () => {
  const limiter = new InProcessRateLimiter();
  const scopes = [scope('key', 'k1', { rpm: null, tpm: 10_000 })];
  const results = await Promise.all(
    Array.from({ length: 10 }, () => Promise.resolve().then(() => limiter.admit(scopes, 3000, T0))),
  );
  assert.equal(results.filter((r) => r.ok).length, 3);
  const refusal = refused(results.find((r) => !r.ok)!);
  assert.equal(refusal.dimension, 'tokens');
  assert.equal(refusal.scope, 'key');
  // 1000 left, 2000 more needed at 10000/60000 per ms = 12 s
  assert.equal(refusal.retryAfterMs, 12_000);
});

test('the request bucket refills over simulated time at rpm/60 per second', () => {
  const limiter = new InProcessRateLimiter();
  const scopes = [scope('key', 'k', { rpm: 60, tpm: null })];
  for (let i = 0; i < 60; i++) admitted(limiter.admit(scopes, 0, T0));
  const refusal = refused(limiter.admit(scopes, 0, T0));
  assert.equal(refusal.dimension, 'requests');
  assert.equal(refusal.retryAfterMs, 1000);
  refused(limiter.admit(scopes, 0, T0 + 999));
  admitted(limiter.admit(scopes, 0, T0 + 1000));
  refused(limiter.admit(scopes, 0, T0 + 1000));
  // After 10 s, 10 more requests fit and no eleventh.
  for (let i = 0; i < 10; i++) admitted(limiter.admit(scopes, 0, T0 + 11_000));
  refused(limiter.admit(scopes, 0, T0 + 11_000));
});

test('the token bucket refills to capacity and no further', () => {
  const limiter = new InProcessRateLimiter();
  const scopes = [scope('account', 'a', { rpm: null, tpm: 6000 })];
  admitted(limiter.admit(scopes, 6000, T0));
  refused(limiter.admit(scopes, 100, T0));
  // 100 tokens per second
  admitted(limiter.admit(scopes, 3000, T0 + 30_000));
  // a long idle period refills only to capacity
  const full = limiter.admit(scopes, 0, T0 + 3_600_000);
  assert.equal(full.info.remainingTokens, 6000);
  refused(limiter.admit(scopes, 6001, T0 + 3_600_000));
});

test('admission is all-or-nothing: a refusal by one scope takes nothing from the others', () => {
  const limiter = new InProcessRateLimiter();
  const key = scope('key', 'k', { rpm: 100, tpm: 10_000 });
  const account = scope('account', 'a', { rpm: 100, tpm: 1000 });
  const both = [key, account];
  const refusal = refused(limiter.admit(both, 5000, T0));
  assert.equal(refusal.scope, 'account');
  assert.equal(refusal.dimension, 'tokens');
  // the key's buckets are untouched: its full 10000 tokens and 100 requests are still there
  const keyOnly = admitted(limiter.admit([key], 10_000, T0));
  assert.equal(keyOnly.reservedTokens, 10_000);
  const info = limiter.admit([key], 0, T0).info;
  assert.equal(info.remainingRequests, 98);
});

test('a refusal reports the scope and dimension that keeps the request waiting longest', () => {
  const limiter = new InProcessRateLimiter();
  const key = scope('key', 'k', { rpm: 1, tpm: 100_000 });
  const group = scope('group', 'g', { rpm: 1000, tpm: 600 });
  admitted(limiter.admit([key, group], 600, T0));
  const refusal = refused(limiter.admit([key, group], 600, T0));
  // key: 1 request per minute → 60 s; group: 600 tokens at 10/s → 60 s; tie keeps the first found
  assert.equal(refusal.retryAfterMs, 60_000);
  const later = refused(limiter.admit([key, group], 600, T0 + 30_000));
  assert.equal(later.retryAfterMs, 30_000);
  const tokensOnly = refused(limiter.admit([group], 600, T0 + 50_000));
  assert.equal(tokensOnly.scope, 'group');
  assert.equal(tokensOnly.dimension, 'tokens');
  assert.equal(tokensOnly.retryAfterMs, 10_000);
});

test('a request larger than a bucket capacity is refused with a full-refill wait, even when the bucket is full', () => {
  const limiter = new InProcessRateLimiter();
  const refusal = refused(limiter.admit([scope('key', 'k', { rpm: null, tpm: 1000 })], 1001, T0));
  assert.equal(refusal.dimension, 'tokens');
  assert.equal(refusal.retryAfterMs, 60_000);
});

test('a group budget is shared by the accounts in it', () => {
  const limiter = new InProcessRateLimiter();
  const groupRule: RateRule = { rpm: 3, tpm: null };
  const accountRule: RateRule = { rpm: 100, tpm: null };
  const alice = [scope('account', 'alice', accountRule), scope('group', 'campaign-7', groupRule)];
  const bob = [scope('account', 'bob', accountRule), scope('group', 'campaign-7', groupRule)];
  admitted(limiter.admit(alice, 0, T0));
  admitted(limiter.admit(bob, 0, T0));
  admitted(limiter.admit(alice, 0, T0));
  const refusal = refused(limiter.admit(bob, 0, T0));
  assert.equal(refusal.scope, 'group');
  assert.equal(refusal.dimension, 'requests');
  // an account outside the group is unaffected
  admitted(limiter.admit([scope('account', 'carol', accountRule)], 0, T0));
});

test('reconcile refunds unused reserved tokens', () => {
  const limiter = new InProcessRateLimiter();
  const scopes = [scope('key', 'k', { rpm: null, tpm: 10_000 })];
  const reservation = admitted(limiter.admit(scopes, 8000, T0));
  refused(limiter.admit(scopes, 5000, T0));
  limiter.reconcile(reservation, 1000, T0);
  const after = admitted(limiter.admit(scopes, 5000, T0));
  assert.equal(after.reservedTokens, 5000);
  assert.equal(limiter.admit(scopes, 0, T0).info.remainingTokens, 4000);
});

test('a refund never overfills a bucket', () => {
  const limiter = new InProcessRateLimiter();
  const scopes = [scope('key', 'k', { rpm: null, tpm: 10_000 })];
  const reservation = admitted(limiter.admit(scopes, 8000, T0));
  // a minute later the bucket is full again; the refund must not push it past 10000
  limiter.reconcile(reservation, 0, T0 + 60_000);
  assert.equal(limiter.admit(scopes, 0, T0 + 60_000).info.remainingTokens, 10_000);
  refused(limiter.admit(scopes, 10_001, T0 + 60_000));
});

test('reconcile charges usage beyond the reservation, which can drive a bucket negative and delay later requests', () => {
  const limiter = new InProcessRateLimiter();
  const scopes = [scope('account', 'a', { rpm: null, tpm: 6000 })];
  const reservation = admitted(limiter.admit(scopes, 1000, T0));
  limiter.reconcile(reservation, 9000, T0); // level 6000 - 9000 = -3000
  const refusal = refused(limiter.admit(scopes, 0, T0));
  // from -3000 back to 0 at 100 tokens/s
  assert.equal(refusal.retryAfterMs, 30_000);
  assert.equal(refusal.info.remainingTokens, 0);
  refused(limiter.admit(scopes, 0, T0 + 29_999));
  admitted(limiter.admit(scopes, 0, T0 + 30_000));
});

test('reconcile touches every scope of the reservation', () => {
  const limiter = new InProcessRateLimiter();
  const key = scope('key', 'k', { rpm: null, tpm: 10_000 });
  const account = scope('account', 'a', { rpm: null, tpm: 20_000 });
  const reservation = admitted(limiter.admit([key, account], 4000, T0));
  limiter.reconcile(reservation, 6000, T0);
  assert.equal(limiter.admit([key], 0, T0).info.remainingTokens, 4000);
  assert.equal(limiter.admit([account], 0, T0).info.remainingTokens, 14_000);
});

test('info reports the tightest scope per dimension and omits unlimited ones', () => {
  const limiter = new InProcessRateLimiter();
  const key = scope('key', 'k', { rpm: 10, tpm: 100_000 });
  const account = scope('account', 'a', { rpm: 1000, tpm: 5000 });
  const admission = limiter.admit([key, account], 2000, T0);
  assert.deepEqual(admission.info, {
    limitRequests: 10,
    remainingRequests: 9,
    resetRequestsMs: 6000,
    limitTokens: 5000,
    remainingTokens: 3000,
    resetTokensMs: 24_000,
  });
  const unlimited = limiter.admit([scope('key', 'free', { rpm: null, tpm: null })], 10 ** 9, T0);
  assert.equal(unlimited.ok, true);
  assert.deepEqual(unlimited.info, {
    limitRequests: null,
    remainingRequests: null,
    resetRequestsMs: 0,
    limitTokens: null,
    remainingTokens: null,
    resetTokensMs: 0,
  });
});

test('a changed rule (tier change) applies to the existing buckets', () => {
  const limiter = new InProcessRateLimiter();
  admitted(limiter.admit([scope('account', 'a', { rpm: 2, tpm: null })], 0, T0));
  admitted(limiter.admit([scope('account', 'a', { rpm: 2, tpm: null })], 0, T0));
  refused(limiter.admit([scope('account', 'a', { rpm: 2, tpm: null })], 0, T0));
  // upgraded: the capacity rises but spent requests stay spent until refilled
  const upgraded = scope('account', 'a', { rpm: 600, tpm: null });
  refused(limiter.admit([upgraded], 0, T0));
  admitted(limiter.admit([upgraded], 0, T0 + 100)); // 10 per second now
  // limit lifted entirely
  admitted(limiter.admit([scope('account', 'a', { rpm: null, tpm: null })], 0, T0 + 100));
});

test('eviction keeps the map bounded by the recently active scopes', () => {
  const limiter = new InProcessRateLimiter({ minSweepOps: 100 });
  const rule: RateRule = { rpm: 60, tpm: 6000 };
  let largest = 0;
  // 10000 one-off callers, one per second: each bucket is full again within a second of its use.
  for (let i = 0; i < 10_000; i++) {
    admitted(limiter.admit([scope('key', `k${i}`, rule)], 50, T0 + i * 1000));
    largest = Math.max(largest, limiter.size);
  }
  assert.ok(largest <= 101, `map grew to ${largest}`);
  limiter.sweep(T0 + 10_000 * 1000);
  assert.equal(limiter.size, 0);
});

test('a sweep keeps scopes whose buckets are still refilling', () => {
  const limiter = new InProcessRateLimiter({ minSweepOps: 1 });
  const busy = [scope('key', 'busy', { rpm: 60, tpm: null })];
  admitted(limiter.admit(busy, 0, T0));
  limiter.sweep(T0 + 500);
  assert.equal(limiter.size, 1);
  limiter.sweep(T0 + 1000);
  assert.equal(limiter.size, 0);
});
