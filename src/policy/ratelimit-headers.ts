// What rate limiting adds to a response: OpenAI-style x-ratelimit-* headers on every answer,
// and for a refusal the 429 error with retry-after / retry-after-ms.
import { DgError, ERRORS } from '../errors.ts';
import type { Admission, LimitScope, RateLimitInfo, ScopeKind } from './types.ts';

/**
 * Formats a duration the way OpenAI's reset headers do (Go duration style):
 * "0s", "120ms", "1s", "1.5s", "6m0s", "1h2m3s". Rounded up to whole milliseconds so a
 * client waiting exactly that long is never early.
 */
export function formatResetDuration(ms: number): string {
  const total = Math.ceil(ms);
  if (total <= 0) return '0s';
  if (total < 1000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = `${(total % 60_000) / 1000}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}

/**
 * x-ratelimit-{limit,remaining,reset}-{requests,tokens} for the tightest scope per dimension;
 * an unlimited dimension is omitted. With `retryAfterMs` (a 429) also retry-after (whole seconds,
 * rounded up) and retry-after-ms.
 */
export function rateLimitHeaders(info: RateLimitInfo, retryAfterMs?: number): Record<string, string> {
  const headers: Record<string, string> = {};
  if (info.limitRequests !== null) {
    headers['x-ratelimit-limit-requests'] = String(info.limitRequests);
    headers['x-ratelimit-remaining-requests'] = String(info.remainingRequests ?? 0);
    headers['x-ratelimit-reset-requests'] = formatResetDuration(info.resetRequestsMs);
  }
  if (info.limitTokens !== null) {
    headers['x-ratelimit-limit-tokens'] = String(info.limitTokens);
    headers['x-ratelimit-remaining-tokens'] = String(info.remainingTokens ?? 0);
    headers['x-ratelimit-reset-tokens'] = formatResetDuration(info.resetTokensMs);
  }
  if (retryAfterMs !== undefined) {
    const ms = Math.max(0, Math.ceil(retryAfterMs));
    headers['retry-after'] = String(Math.ceil(ms / 1000));
    headers['retry-after-ms'] = String(ms);
  }
  return headers;
}

type Refusal = Extract<Admission, { ok: false }>;

// A group is a campaign the detector linked; naming it would tell the operator they were linked,
// so a group refusal reads like an account one.
const SCOPE_NOUN: Record<ScopeKind, string> = { key: 'this API key', account: 'this account', group: 'this account' };

/**
 * The 429 for a refused admission, in the catalogue's RATE_LIMITED shape with its headers.
 * A request asking more tokens than the refusing scope's whole per-minute budget can never pass:
 * it says so and carries no retry-after (waiting would not help).
 */
export function rateLimitError(refusal: Refusal, scopes: readonly LimitScope[], requestedTokens: number): DgError {
  const noun = SCOPE_NOUN[refusal.scope];
  if (refusal.dimension === 'tokens') {
    const scope = scopes.find((s) => s.kind === refusal.scope);
    const tpm = scope?.rule.tpm ?? null;
    if (tpm !== null && requestedTokens > tpm) {
      const message =
        `Request too large: it needs ${requestedTokens} tokens (input plus max_tokens) but ${noun} is limited to ` +
        `${tpm} tokens per minute. Lower max_tokens or shorten the input.`;
      return new DgError(ERRORS.RATE_LIMITED, message, { param: 'max_tokens', headers: rateLimitHeaders(refusal.info) });
    }
  }
  const per = refusal.dimension === 'tokens' ? 'tokens per minute' : 'requests per minute';
  const message = `Rate limit reached for ${per} on ${noun}. Try again in ${formatResetDuration(refusal.retryAfterMs)}.`;
  return new DgError(ERRORS.RATE_LIMITED, message, { headers: rateLimitHeaders(refusal.info, refusal.retryAfterMs) });
}
