import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERRORS } from '../../src/errors.ts';
import { InProcessRateLimiter } from '../../src/policy/in-process-limiter.ts';
import { formatResetDuration, rateLimitError, rateLimitHeaders } from '../../src/policy/ratelimit-headers.ts';
import type { Admission, LimitScope } from '../../src/policy/types.ts';

test('reset durations are formatted like OpenAI (Go duration style)', () => {
  assert.equal(formatResetDuration(0), '0s');
  assert.equal(formatResetDuration(120), '120ms');
  assert.equal(formatResetDuration(0.2), '1ms');
  assert.equal(formatResetDuration(999), '999ms');
  assert.equal(formatResetDuration(1000), '1s');
  assert.equal(formatResetDuration(1500), '1.5s');
  assert.equal(formatResetDuration(12_345), '12.345s');
  assert.equal(formatResetDuration(60_000), '1m0s');
  assert.equal(formatResetDuration(360_000), '6m0s');
  assert.equal(formatResetDuration(86_400), '1m26.4s');
  assert.equal(formatResetDuration(3_723_000), '1h2m3s');
  assert.equal(formatResetDuration(3_600_000), '1h0m0s');
});

test('headers carry limit, remaining and reset for both dimensions', () => {
  const headers = rateLimitHeaders({
    limitRequests: 60,
    remainingRequests: 59,
    resetRequestsMs: 1000,
    limitTokens: 150_000,
    remainingTokens: 149_984,
    resetTokensMs: 6,
  });
  assert.deepEqual(headers, {
    'x-ratelimit-limit-requests': '60',
    'x-ratelimit-remaining-requests': '59',
    'x-ratelimit-reset-requests': '1s',
    'x-ratelimit-limit-tokens': '150000',
    'x-ratelimit-remaining-tokens': '149984',
    'x-ratelimit-reset-tokens': '6ms',
  });
});

test('an unlimited dimension is omitted', () => {
  const headers = rateLimitHeaders({
    limitRequests: null,
    remainingRequests: null,
    resetRequestsMs: 0,
    limitTokens: 1000,
    remainingTokens: 0,
    resetTokensMs: 360_000,
  });
  assert.deepEqual(headers, {
    'x-ratelimit-limit-tokens': '1000',
    'x-ratelimit-remaining-tokens': '0',
    'x-ratelimit-reset-tokens': '6m0s',
  });
});

test('a 429 adds retry-after in whole seconds rounded up and retry-after-ms', () => {
  const headers = rateLimitHeaders(
    { limitRequests: 1, remainingRequests: 0, resetRequestsMs: 1200, limitTokens: null, remainingTokens: null, resetTokensMs: 0 },
    1200,
  );
  assert.equal(headers['retry-after'], '2');
  assert.equal(headers['retry-after-ms'], '1200');
  assert.equal(headers['x-ratelimit-reset-requests'], '1.2s');
});

function refusalOf(a: Admission): Extract<Admission, { ok: false }> {
  if (a.ok) throw new Error('expected a refusal');
  return a;
}

test('rateLimitError builds a 429 with the limiter info and retry headers', () => {
  const limiter = new InProcessRateLimiter();
  const scopes: LimitScope[] = [{ kind: 'key', id: 'k', rule: { rpm: 60, tpm: 10_000 } }];
  limiter.admit(scopes, 9000, 0);
  const error = rateLimitError(refusalOf(limiter.admit(scopes, 2000, 0)), scopes, 2000);
  assert.equal(error.def, ERRORS.RATE_LIMITED);
  assert.equal(error.status, 429);
  assert.equal(error.message, 'Rate limit reached for tokens per minute on this API key. Try again in 6s.');
  assert.equal(error.headers['retry-after'], '6');
  assert.equal(error.headers['retry-after-ms'], '6000');
  assert.equal(error.headers['x-ratelimit-remaining-tokens'], '1000');
  assert.equal(error.headers['x-ratelimit-remaining-requests'], '59');
});

test('rateLimitError says a request larger than the whole budget can never pass and omits retry-after', () => {
  const limiter = new InProcessRateLimiter();
  const scopes: LimitScope[] = [{ kind: 'account', id: 'a', rule: { rpm: null, tpm: 4096 } }];
  const error = rateLimitError(refusalOf(limiter.admit(scopes, 8000, 0)), scopes, 8000);
  assert.equal(error.status, 429);
  assert.equal(error.param, 'max_tokens');
  assert.match(error.message, /needs 8000 tokens .* limited to 4096 tokens per minute/);
  assert.equal(error.headers['retry-after'], undefined);
  assert.equal(error.headers['x-ratelimit-limit-tokens'], '4096');
});

test('a group refusal does not reveal that the account was linked into a group', () => {
  const limiter = new InProcessRateLimiter();
  const scopes: LimitScope[] = [
    { kind: 'account', id: 'a', rule: { rpm: 100, tpm: null } },
    { kind: 'group', id: 'campaign-1', rule: { rpm: 1, tpm: null } },
  ];
  limiter.admit(scopes, 0, 0);
  const error = rateLimitError(refusalOf(limiter.admit(scopes, 0, 0)), scopes, 0);
  assert.equal(error.message, 'Rate limit reached for requests per minute on this account. Try again in 1m0s.');
  assert.doesNotMatch(error.message, /group|campaign/);
});
