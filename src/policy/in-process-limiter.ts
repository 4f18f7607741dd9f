// The default RateLimiter: token buckets in this process's memory (Redis-backed limits come later).
// Per scope (key, account, group) one bucket for requests and one for tokens. Admission checks
// every bucket before taking from any, so a request is admitted everywhere or nowhere; tokens are
// reserved at admission, so parallel requests cannot overrun a token limit. Buckets idle long enough
// to be full again carry no information and are evicted by an amortised sweep (no timers).
import type { Admission, LimitScope, RateLimiter, RateLimitInfo, Reservation, ScopeKind } from './types.ts';
import { FULL_REFILL_MS, TokenBucket } from './token-bucket.ts';

interface ScopeBuckets {
  requests: TokenBucket | null;
  tokens: TokenBucket | null;
}

export interface InProcessLimiterOptions {
  /** A sweep runs after at least this many admissions (and at least as many as there are scopes). */
  minSweepOps?: number;
}

export class InProcessRateLimiter implements RateLimiter {
  // One map per kind, keyed by id: no key string is built per request.
  private readonly scopes: Record<ScopeKind, Map<string, ScopeBuckets>> = {
    key: new Map(),
    account: new Map(),
    group: new Map(),
  };
  private readonly minSweepOps: number;
  private opsSinceSweep = 0;
  // Reused between the check pass and the take pass of one (synchronous) admission.
  private readonly scratch: (ScopeBuckets | null)[] = [];

  constructor(options: InProcessLimiterOptions = {}) {
    this.minSweepOps = options.minSweepOps ?? 1024;
  }

  /** Number of scopes currently holding buckets. */
  get size(): number {
    return this.scopes.key.size + this.scopes.account.size + this.scopes.group.size;
  }

  admit(scopes: LimitScope[], tokens: number, nowMs: number): Admission {
    this.maybeSweep(nowMs);
    const found = this.scratch;
    found.length = scopes.length;

    // Check every bucket first; remember the one that keeps the request waiting longest.
    let blockedAt = -1;
    let blockedDimension: 'requests' | 'tokens' = 'requests';
    let retryAfterMs = 0;
    for (let i = 0; i < scopes.length; i++) {
      const buckets = this.bucketsFor(scopes[i], nowMs);
      found[i] = buckets;
      if (buckets === null) continue;
      if (buckets.requests !== null) {
        buckets.requests.refill(nowMs);
        const wait = buckets.requests.msUntil(1);
        if (wait > retryAfterMs) {
          retryAfterMs = wait;
          blockedAt = i;
          blockedDimension = 'requests';
        }
      }
      if (buckets.tokens !== null) {
        buckets.tokens.refill(nowMs);
        // More than the capacity can never pass; report a full refill and let the caller explain.
        const wait = tokens > buckets.tokens.capacity ? FULL_REFILL_MS : buckets.tokens.msUntil(tokens);
        if (wait > retryAfterMs) {
          retryAfterMs = wait;
          blockedAt = i;
          blockedDimension = 'tokens';
        }
      }
    }

    if (blockedAt >= 0) {
      const info = this.infoOf(found);
      found.length = 0;
      return { ok: false, scope: scopes[blockedAt].kind, dimension: blockedDimension, retryAfterMs, info };
    }

    for (let i = 0; i < found.length; i++) {
      const buckets = found[i];
      if (buckets === null) continue;
      buckets.requests?.take(1);
      buckets.tokens?.take(tokens);
    }
    const info = this.infoOf(found);
    found.length = 0;
    return { ok: true, reservation: { scopes, reservedTokens: tokens }, info };
  }

  reconcile(reservation: Reservation, actualTokens: number, nowMs: number): void {
    const refund = reservation.reservedTokens - actualTokens;
    if (refund === 0) return;
    for (const scope of reservation.scopes) {
      // A bucket evicted during a long response is recreated (full), so an overcharge still lands.
      const tokensBucket = this.bucketsFor(scope, nowMs)?.tokens;
      if (tokensBucket == null) continue;
      tokensBucket.refill(nowMs);
      if (refund > 0) tokensBucket.give(refund);
      else tokensBucket.take(-refund);
    }
  }

  /** Removes every scope whose buckets would all be full at `nowMs`. */
  sweep(nowMs: number): void {
    for (const byId of [this.scopes.key, this.scopes.account, this.scopes.group]) {
      for (const [id, buckets] of byId) {
        const requestsFull = buckets.requests === null || buckets.requests.isFullAt(nowMs);
        const tokensFull = buckets.tokens === null || buckets.tokens.isFullAt(nowMs);
        if (requestsFull && tokensFull) byId.delete(id);
      }
    }
    this.opsSinceSweep = 0;
  }

  async close(): Promise<void> {
    this.scopes.key.clear();
    this.scopes.account.clear();
    this.scopes.group.clear();
  }

  // Sweeping after max(minSweepOps, size) admissions keeps the cost amortised O(1) per admission
  // while the map holds at most the recently active scopes plus one sweep interval's newcomers.
  private maybeSweep(nowMs: number): void {
    this.opsSinceSweep++;
    if (this.opsSinceSweep >= this.minSweepOps && this.opsSinceSweep >= this.size) this.sweep(nowMs);
  }

  /** The scope's buckets, created full or adjusted to its current rule; null when it is unlimited. */
  private bucketsFor(scope: LimitScope, nowMs: number): ScopeBuckets | null {
    const { rpm, tpm } = scope.rule;
    const byId = this.scopes[scope.kind];
    let buckets = byId.get(scope.id);
    if (buckets === undefined) {
      if (rpm === null && tpm === null) return null;
      buckets = {
        requests: rpm === null ? null : new TokenBucket(rpm, nowMs),
        tokens: tpm === null ? null : new TokenBucket(tpm, nowMs),
      };
      byId.set(scope.id, buckets);
      return buckets;
    }
    // The rule can change between calls (tier change, config reload).
    if (rpm === null) buckets.requests = null;
    else if (buckets.requests === null) buckets.requests = new TokenBucket(rpm, nowMs);
    else buckets.requests.setPerMinute(rpm, nowMs);
    if (tpm === null) buckets.tokens = null;
    else if (buckets.tokens === null) buckets.tokens = new TokenBucket(tpm, nowMs);
    else buckets.tokens.setPerMinute(tpm, nowMs);
    return buckets;
  }

  /** The tightest (lowest remaining) bucket per dimension, as OpenAI-style header values. */
  private infoOf(found: (ScopeBuckets | null)[]): RateLimitInfo {
    let requests: TokenBucket | null = null;
    let tokens: TokenBucket | null = null;
    for (const buckets of found) {
      if (buckets === null) continue;
      if (buckets.requests !== null && (requests === null || buckets.requests.level < requests.level)) {
        requests = buckets.requests;
      }
      if (buckets.tokens !== null && (tokens === null || buckets.tokens.level < tokens.level)) {
        tokens = buckets.tokens;
      }
    }
    return {
      limitRequests: requests === null ? null : requests.capacity,
      remainingRequests: requests === null ? null : remainingOf(requests),
      resetRequestsMs: requests === null ? 0 : requests.msUntilFull(),
      limitTokens: tokens === null ? null : tokens.capacity,
      remainingTokens: tokens === null ? null : remainingOf(tokens),
      resetTokensMs: tokens === null ? 0 : tokens.msUntilFull(),
    };
  }
}

function remainingOf(bucket: TokenBucket): number {
  return bucket.level > 0 ? Math.floor(bucket.level) : 0;
}
