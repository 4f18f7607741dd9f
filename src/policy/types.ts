// Rate limiting: token buckets per key, per account and per group (campaign).
// Tokens are reserved at admission and reconciled with real usage when the response ends.

export interface RateRule {
  /** requests per minute; null = unlimited */
  rpm: number | null;
  /** tokens per minute; null = unlimited */
  tpm: number | null;
}

export type ScopeKind = 'key' | 'account' | 'group';

export interface LimitScope {
  kind: ScopeKind;
  id: string;
  rule: RateRule;
}

/** OpenAI-style x-ratelimit-* values for the tightest scope. */
export interface RateLimitInfo {
  limitRequests: number | null;
  remainingRequests: number | null;
  resetRequestsMs: number;
  limitTokens: number | null;
  remainingTokens: number | null;
  resetTokensMs: number;
}

export type Admission =
  | { ok: true; reservation: Reservation; info: RateLimitInfo }
  | { ok: false; scope: ScopeKind; dimension: 'requests' | 'tokens'; retryAfterMs: number; info: RateLimitInfo };

export interface Reservation {
  scopes: LimitScope[];
  reservedTokens: number;
}

export interface RateLimiter {
  /** Admits all scopes or none; on success the request and `tokens` are taken from every bucket. */
  admit(scopes: LimitScope[], tokens: number, nowMs: number): Admission | Promise<Admission>;
  /** Corrects a reservation with the tokens really used (refund or extra charge). */
  reconcile(reservation: Reservation, actualTokens: number, nowMs: number): void | Promise<void>;
  close?(): Promise<void>;
}
