// Which rate-limit budgets a request draws on: its API key, its account, and its group (a campaign
// whose accounts share one budget) when it has one. Called on every request, so the arrays are cached
// per key and rebuilt only when the account, tier policy, group or group rule change.
import type { TierPolicy } from '../config/schema.ts';
import type { Principal } from '../identity/types.ts';
import type { LimitScope, RateRule } from './types.ts';

interface CachedScopes {
  accountId: string;
  groupId: string | null;
  tierPolicy: TierPolicy;
  groupRule: RateRule;
  scopes: LimitScope[];
}

/** Upper bound on cached keys; past it the cache starts over (entries are cheap to rebuild). */
const MAX_CACHED_KEYS = 100_000;

const cacheByKeyId = new Map<string, CachedScopes>();

/**
 * The scopes for `principal` under its tier's policy. The returned array is shared between calls:
 * treat it as read-only.
 */
export function scopesFor(principal: Principal, tierPolicy: TierPolicy, groupRule: RateRule): LimitScope[] {
  const cached = cacheByKeyId.get(principal.keyId);
  if (
    cached !== undefined &&
    cached.tierPolicy === tierPolicy &&
    cached.groupRule === groupRule &&
    cached.groupId === principal.groupId &&
    cached.accountId === principal.accountId
  ) {
    return cached.scopes;
  }

  const scopes: LimitScope[] = [
    { kind: 'key', id: principal.keyId, rule: tierPolicy.key },
    { kind: 'account', id: principal.accountId, rule: tierPolicy.account },
  ];
  if (principal.groupId !== null) scopes.push({ kind: 'group', id: principal.groupId, rule: groupRule });

  if (cached === undefined && cacheByKeyId.size >= MAX_CACHED_KEYS) cacheByKeyId.clear();
  cacheByKeyId.set(principal.keyId, {
    accountId: principal.accountId,
    groupId: principal.groupId,
    tierPolicy,
    groupRule,
    scopes,
  });
  return scopes;
}

/** Drops a key's cached scopes (e.g. when it is revoked). */
export function forgetScopes(keyId: string): void {
  cacheByKeyId.delete(keyId);
}
